// Answers read from the database, kept in memory: fresh ones are served without a query, old ones are read
// again, and when the database cannot be reached the last answer read is served instead of failing the call.
import { isDatabaseUnavailable } from '../../db/connection';

/** A routing question nobody can answer now: the database is down and the answer was never read. The caller
 *  is refused with "service unavailable" (SIP 503), which tells its side to retry later or elsewhere. */
export class RoutingUnavailableError extends Error {
  readonly callerOutcome = 'congestion' as const;

  constructor(what: string, readonly databaseError: unknown) {
    super(`routing unavailable: ${what} not in memory and the database cannot be reached`);
    this.name = 'RoutingUnavailableError';
  }
}

/** The outcome a call flow gives its caller for a failure: 503 when routing is unavailable, else 500. */
export function callerOutcomeFor(error: unknown): 'congestion' | 'failure' {
  return error instanceof RoutingUnavailableError ? error.callerOutcome : 'failure';
}

interface Entry<T> {
  value: T;
  freshUntil: number;
}

export class LastKnown<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly freshMs: number, private readonly maxEntries: number) {}

  /** A fresh answer from memory, else a read; if the read fails because the database is down, the last
   *  answer read (however old), else RoutingUnavailableError. `onFallback` is told when memory answered. */
  async get(key: string, read: () => Promise<T>, options: { alwaysRead?: boolean; onFallback?: (error: unknown) => void } = {}): Promise<T> {
    const known = this.entries.get(key);
    if (known && !options.alwaysRead && known.freshUntil > Date.now()) return known.value;
    try {
      const value = await read();
      this.remember(key, value);
      return value;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      if (!known) throw new RoutingUnavailableError(key, error);
      options.onFallback?.(error);
      return known.value;
    }
  }

  /** Marks entries as needing a read; they stay as the fallback for an outage. */
  staleWhere(matches: (key: string) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(key)) entry.freshUntil = 0;
  }

  private remember(key: string, value: T): void {
    // Oldest first out: a Map iterates in insertion order, and a re-read key is moved to the end.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, freshUntil: Date.now() + this.freshMs });
  }
}
