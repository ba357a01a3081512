// Whether the admin API reaches what it depends on. Asked by load balancers and `npm run stack:status`, by
// anyone and often: it takes no scope (it reads nothing of any user or account) and answers within 2 s.
import type { Redis } from 'ioredis';
import type { Database } from '../../db/connection';
import { pingDatabase } from '../../db/repositories/health';

export type ProbeResult = 'up' | 'down';

/** The /health body (described by hand in openapi/document.ts: /health is not in the route table). */
export interface HealthReport {
  status: 'ok' | 'degraded';
  database: ProbeResult;
  redis: ProbeResult;
}

// A dependency that does not answer within this is down (a stopped MariaDB can leave a pool waiting for its
// acquire timeout, a stopped Redis a command queued).
const PROBE_TIMEOUT_MS = 2000;

function probe(check: PromiseLike<unknown>): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => { timer = setTimeout(() => resolve('down'), PROBE_TIMEOUT_MS); });
  const answer = Promise.resolve(check).then(() => 'up' as const, () => 'down' as const);
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

export class HealthService {
  constructor(private readonly db: Database, private readonly redis: Redis) {}

  async check(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([probe(pingDatabase(this.db)), probe(this.redis.ping())]);
    return { status: database === 'up' && redis === 'up' ? 'ok' : 'degraded', database, redis };
  }
}
