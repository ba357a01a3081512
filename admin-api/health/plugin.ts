// Wires the health check. It returns a router, not route-table routes (see routes.ts), so it is mounted
// beside the table in app.ts rather than listed in it; it needs only the database and Redis.
import type { Router } from 'express';
import type { DomainDependencies } from '../domain';
import { healthRouter } from './routes';
import { HealthService } from './service';

export const healthPlugin = ({ db, redis }: Pick<DomainDependencies, 'db' | 'redis'>): Router => healthRouter(new HealthService(db, redis));
