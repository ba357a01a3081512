// What goes wrong at a provider, on demand: a fault scripted for the next request of a route, or faults at
// seeded rates (the same seed and the same order of requests give the same faults). The emulator's server
// applies them (server.ts):
// - serverError: a 5xx in the provider's error shape; nothing is done.
// - timeout: no answer at all, until the client gives up; nothing is done.
// - slow: the answer comes after slowMs (the action is done then: if the client gave up meanwhile, its
//   request was carried out without it knowing, as happens with real providers).
// - lostResponse: the action is done, then the connection is dropped without an answer.
// - clientError: a 4xx in the provider's error shape; nothing is done.

export type EmulatorRoute = 'search' | 'purchase' | 'lookup' | 'configure' | 'release' | 'list';
export type Fault = 'serverError' | 'timeout' | 'slow' | 'lostResponse' | 'clientError';

export interface FaultRates {
  serverError?: number;
  timeout?: number;
  /** How long a slow answer takes (default 500 ms); also used by next(route, 'slow'). */
  slowMs?: number;
  slow?: number;
  lostResponse?: number;
}

/** mulberry32: small, fast and seedable; the emulators' only source of chance. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RATED: readonly Exclude<Fault, 'clientError'>[] = ['serverError', 'timeout', 'lostResponse', 'slow'];

export class FaultPlan {
  private readonly random: () => number;
  private readonly scripted = new Map<EmulatorRoute, Fault[]>();
  private current: Required<FaultRates> = { serverError: 0, timeout: 0, slowMs: 500, slow: 0, lostResponse: 0 };

  constructor(seed: number) {
    this.random = seededRandom(seed ^ 0x5eed);
  }

  get slowMs(): number {
    return this.current.slowMs;
  }

  /** Replaces the rates (each a probability per request; unnamed ones become 0). */
  rates(rates: FaultRates): void {
    const next = { serverError: rates.serverError ?? 0, timeout: rates.timeout ?? 0, slowMs: rates.slowMs ?? this.current.slowMs, slow: rates.slow ?? 0, lostResponse: rates.lostResponse ?? 0 };
    const total = RATED.reduce((sum, fault) => sum + next[fault], 0);
    if (RATED.some((fault) => next[fault] < 0) || total > 1) throw new Error(`fault rates must be probabilities adding up to at most 1: ${JSON.stringify(rates)}`);
    this.current = next;
  }

  /** The next request of the route meets this fault (queued: several calls script several requests). */
  next(route: EmulatorRoute, fault: Fault): void {
    const queue = this.scripted.get(route) ?? [];
    queue.push(fault);
    this.scripted.set(route, queue);
  }

  clear(): void {
    this.scripted.clear();
    this.current = { ...this.current, serverError: 0, timeout: 0, slow: 0, lostResponse: 0 };
  }

  /** The fault this request of the route meets, if any. */
  take(route: EmulatorRoute): Fault | undefined {
    const scripted = this.scripted.get(route)?.shift();
    if (scripted) return scripted;
    const draw = this.random();
    let threshold = 0;
    for (const fault of RATED) {
      threshold += this.current[fault];
      if (draw < threshold) return fault;
    }
    return undefined;
  }
}
