// GET /health: unauthenticated, for load balancers and `npm run stack:status`. Says which dependency is down.
import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Database } from '../../db/connection';
import { OUTAGE_RETRY_AFTER_SECONDS } from './outages';

// A load balancer asks often and must get an answer fast: a dependency that does not answer within this is down
// (a stopped MariaDB can leave a pool waiting for its acquire timeout, a stopped Redis a command queued).
const PROBE_TIMEOUT_MS = 2000;

function probe(check: PromiseLike<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => { timer = setTimeout(() => resolve('down'), PROBE_TIMEOUT_MS); });
  const answer = Promise.resolve(check).then(() => 'up' as const, () => 'down' as const);
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

export function healthRoutes(deps: { db: Database; redis: Redis }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([
      probe(deps.db.raw('select 1')),
      probe(deps.redis.ping()),
    ]);
    const healthy = database === 'up' && redis === 'up';
    if (!healthy) res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', database, redis });
  });
  return router;
}
