// GET /health: unauthenticated, for load balancers and `npm run stack:status`. Says which dependency is down.
import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Database } from '../../db/connection';

export function healthRoutes(deps: { db: Database; redis: Redis }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([
      deps.db.raw('select 1').then(() => 'up', () => 'down'),
      deps.redis.ping().then(() => 'up', () => 'down'),
    ]);
    const healthy = database === 'up' && redis === 'up';
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', database, redis });
  });
  return router;
}
