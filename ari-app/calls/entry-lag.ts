// How long new calls wait in Asterisk before the app hears of them: from the channel's creation (its INVITE
// accepted) to its StasisStart reaching us. When Asterisk is saturated (CPU, its Stasis queue) this grows well
// before calls fail, while the app's own event loop can be idle: the admission's early warning.
export class EntryLag {
  private samples: { at: number; lagMs: number }[] = [];

  constructor(private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  record(creationtime: string): void {
    const created = Date.parse(creationtime);
    if (!Number.isFinite(created)) return;
    const at = this.now();
    this.samples.push({ at, lagMs: Math.max(0, at - created) });
    this.prune(at);
  }

  /** The q-quantile of the window's lags, or undefined with fewer than `minSamples` (one slow call is no trend). */
  percentile(q: number, minSamples: number): number | undefined {
    this.prune(this.now());
    if (this.samples.length < minSamples) return undefined;
    const sorted = this.samples.map((sample) => sample.lagMs).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at < cutoff) drop += 1;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }
}
