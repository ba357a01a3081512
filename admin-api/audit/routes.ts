// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { AUDIT_PAGE_DEFAULT_LIMIT, auditQuerySchema } from './schemas';
import type { AuditService } from './service';

export function auditRoutes(audit: AuditService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/audit', tag: 'audit', summary: 'Every write in the account: who, what, before and after (newest first)', access: { kind: 'account', permission: 'audit.read' },
      query: auditQuerySchema,
      handler: async (ctx, { ids, query }) => ({
        body: { entries: await audit.list(accountOf(ctx), { beforeId: ids.before, limit: query.limit ? Number(query.limit) : AUDIT_PAGE_DEFAULT_LIMIT }) },
      }),
    }),
  ];
}
