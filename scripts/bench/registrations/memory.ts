// Asterisk's resident memory around a run (ASTERISK-NOTES: after a 1,500/s REGISTER storm glibc's arenas held
// 2.6 GB, 61 MB of it live, and kept it when idle): before the run, at the steady state (all devices registered
// at the start rate), the peak sampled during the run, and idle afterwards, once Timer J (32 s) has ended
// every transaction of the run. Read from /proc/<pid>/status (VmRSS): a chroot shares the host's process ids.
import fs from 'node:fs';

/** RFC 3261 Timer J for UDP (64 * T1): how long a server transaction outlives its final response. */
export const TIMER_J_MS = 32_000;
/** Idle RSS after a storm must be within this factor of the steady state. */
export const TARGET_IDLE_RATIO = 2;

export interface MemoryFigures {
  beforeMb: number;
  /** After the first step (every device registered once at the start rate): what a quiet day looks like. */
  steadyMb: number;
  peakMb: number;
  afterMb: number;
  idleSeconds: number;
  /** afterMb / steadyMb. */
  idleRatio: number;
  /** The allocator variables in Asterisk's environment, so the figures say what they measured. */
  allocator: Record<string, string>;
}

export function rssKiB(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  const kiB = Number(/(\d+)\s*kB/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(kiB)) throw new Error(`no VmRSS for process ${pid}`);
  return kiB;
}

/** The allocator variables a process runs with: glibc's and jemalloc's MALLOC_*, and the preloaded allocator. */
export function allocatorEnvironment(pid: number): Record<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((entry) => entry.startsWith('MALLOC_') || entry.startsWith('LD_PRELOAD='));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

const mb = (kiB: number): number => Math.round(kiB / 1024);

/** Samples one process's RSS while a run lasts; the peak includes short spikes between steps. */
export class RssWatch {
  private readonly beforeKiB: number;
  private peakKiB: number;
  private steadyKiB: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number, intervalMs = 200) {
    this.beforeKiB = rssKiB(pid);
    this.peakKiB = this.beforeKiB;
    // A sample failing (Asterisk gone) must not crash the benchmark from a timer: the step then fails itself.
    this.timer = setInterval(() => {
      try {
        this.sample();
      } catch {
        // Reported by the run.
      }
    }, intervalMs);
  }

  /** The current RSS in MB; the first call after a step marks the steady state. */
  afterStep(): number {
    const now = this.sample();
    this.steadyKiB ??= now;
    return mb(now);
  }

  /** Stops sampling, waits `idleMs` with no load, and returns the figures. */
  async idle(idleMs: number): Promise<MemoryFigures> {
    clearInterval(this.timer);
    this.sample();
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const afterKiB = rssKiB(this.pid);
    const steadyKiB = this.steadyKiB ?? this.beforeKiB;
    return {
      beforeMb: mb(this.beforeKiB),
      steadyMb: mb(steadyKiB),
      peakMb: mb(this.peakKiB),
      afterMb: mb(afterKiB),
      idleSeconds: Math.round(idleMs / 1000),
      idleRatio: Math.round((100 * afterKiB) / steadyKiB) / 100,
      allocator: allocatorEnvironment(this.pid),
    };
  }

  private sample(): number {
    const now = rssKiB(this.pid);
    this.peakKiB = Math.max(this.peakKiB, now);
    return now;
  }
}

export function memoryLine(instance: string, memory: MemoryFigures): string {
  const allocator = Object.entries(memory.allocator).map(([name, value]) => `${name}=${value}`).join(' ') || 'glibc defaults';
  const verdict = memory.idleRatio <= TARGET_IDLE_RATIO ? 'met' : 'NOT met';
  return `${instance} Asterisk RSS: before ${memory.beforeMb} MB, steady ${memory.steadyMb} MB, peak ${memory.peakMb} MB, `
    + `idle ${memory.idleSeconds} s after the run ${memory.afterMb} MB (${memory.idleRatio}x steady; target <= ${TARGET_IDLE_RATIO}x: ${verdict}) with ${allocator}`;
}
