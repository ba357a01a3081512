// GET /health: unauthenticated, for load balancers and `npm run stack:status`. Says which dependency is down.
// An Express router rather than a route-table route: the table answers no 503 with Retry-After outside the
// error envelope, refuses query strings a load balancer may add, and would publish /health as an API operation.
import { Router } from 'express';
import { OUTAGE_RETRY_AFTER_SECONDS } from './outages';
import type { HealthService } from './service';

export function healthRouter(health: HealthService): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const report = await health.check();
    const healthy = report.status === 'ok';
    if (!healthy) res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    res.status(healthy ? 200 : 503).json(report);
  });
  return router;
}
