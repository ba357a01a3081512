// Builds the admin API from its domains: each receives what it needs and contributes routes to one table.
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { Database } from '../db/connection';
import { accountsPlugin } from './accounts/plugin';
import { authPlugin } from './auth/plugin';
import { bulkPlugin } from './bulk/plugin';
import { AccessCache } from './auth/access-cache';
import { TokenAccessResolver } from './auth/resolver';
import { auditPlugin } from './audit/plugin';
import { devicesPlugin } from './devices/plugin';
import { groupRoutes } from './groups/routes';
import { GroupService } from './groups/service';
import { healthPlugin } from './health/plugin';
import { mePlugin } from './me/plugin';
import { invitationsPlugin } from './invitations/plugin';
import { JobQueue } from '../core/job-queue';
import type { DomainDependencies } from './domain';
import { callsPlugin } from './calls/plugin';
import { callSettingsPlugin } from './call-settings/plugin';
import { ringGroupsPlugin } from './ring-groups/plugin';
import { numbersPlugin } from './numbers/plugin';
import { dialerAccessPlugin } from './dialer-access/plugin';
import { numberOrdersPlugin } from './number-orders/plugin';
import { creditsPlugin } from './credits/plugin';
import { numberRequestsPlugin } from './number-requests/plugin';
import { createHttpApp } from './http/app';
import { mountRoutes, type RouteSpec } from './http/routes';
import { ChangeNotifier } from './notifier';
import { openApiRouter } from './openapi/routes';
import { rolesPlugin } from './roles/plugin';
import { trunksPlugin } from './trunks/plugin';
import { usersPlugin } from './users/plugin';
import { webPhoneRouter } from './web-phone/routes';
import { queueDashboard } from './queue-dashboard/routes';
import { reconciliationPlugin } from './reconciliation/plugin';

export interface AdminApi {
  app: Express;
  routes: RouteSpec[];
  close(): Promise<void>;
}

export async function createAdminApi(deps: { config: Config; db: Database; redis: Redis; logger: Logger }): Promise<AdminApi> {
  const { config, db, redis, logger } = deps;
  const notifier = new ChangeNotifier(redis, logger);
  const subscriber = redis.duplicate();
  const access = new AccessCache(redis, subscriber, logger);
  await access.start();
  const jobs = new JobQueue(redis);
  // What each domain's plugin builds itself from (admin-api/domain.ts).
  const domainDeps: DomainDependencies = { config, db, redis, logger, notifier, access, jobs };
  const routes: RouteSpec[] = [
    ...authPlugin(domainDeps),
    ...mePlugin(domainDeps),
    ...accountsPlugin(domainDeps),
    ...rolesPlugin(domainDeps),
    // Before the user routes: /users/bulk must not be taken for /users/:userId.
    ...bulkPlugin(domainDeps),
    ...usersPlugin(domainDeps),
    ...invitationsPlugin(domainDeps),
    ...groupRoutes(new GroupService(db)),
    ...devicesPlugin(domainDeps),
    ...trunksPlugin(domainDeps),
    ...callsPlugin(domainDeps),
    ...callSettingsPlugin(domainDeps),
    ...ringGroupsPlugin(domainDeps),
    // Before the number routes: /numbers/purchases and /numbers/requests must not be taken for /numbers/:numberId.
    ...numberOrdersPlugin(domainDeps),
    ...numberRequestsPlugin(domainDeps),
    ...numbersPlugin(domainDeps),
    ...dialerAccessPlugin(domainDeps),
    ...creditsPlugin(domainDeps),
    ...reconciliationPlugin(domainDeps),
    ...auditPlugin(domainDeps),
  ];
  const resolver = new TokenAccessResolver(db, access);
  // The job queues for platform operators (bull-board), behind the route table's own authentication.
  const queues = queueDashboard({ redis, resolver, publicUrl: config.publicUrl });
  const app = createHttpApp(logger, [healthPlugin(domainDeps), openApiRouter(routes), webPhoneRouter({ config, logger }), queues.router, mountRoutes(routes, resolver)], { trustProxy: config.trustProxy });
  return {
    app,
    routes,
    async close() {
      await Promise.all([jobs.close(), queues.close()]);
      subscriber.disconnect();
    },
  };
}
