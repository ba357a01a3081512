// Failed authentications per source address over a sliding window, in this process's memory: the guard's fast
// path. Every ARI app instance has its own AMI session and receives every security event, so each instance's
// own count is already the whole count; it decides at once, in the event handler, with no round trip to Redis
// ahead of the block. (The Redis window, failure-window.ts, keeps the count across restarts.)

export class RecentFailures {
  /** Per address: failure key -> when. Keyed like the Redis window, so an event delivered twice counts once. */
  private readonly failures = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs: number) {}

  /** Records one failure at `atMs`; returns how many the address has within the window. */
  record(address: string, key: string, atMs: number): number {
    const kept = this.failures.get(address) ?? new Map<string, number>();
    for (const [member, at] of kept) if (at <= atMs - this.windowMs) kept.delete(member);
    kept.set(key, atMs);
    this.failures.set(address, kept);
    return kept.size;
  }

  reset(address: string): void {
    this.failures.delete(address);
  }

  /** Forgets addresses with no failure left in the window: a scan from many addresses leaves nothing behind. */
  prune(nowMs: number): void {
    for (const [address, kept] of this.failures) {
      if (![...kept.values()].some((at) => at > nowMs - this.windowMs)) this.failures.delete(address);
    }
  }
}
