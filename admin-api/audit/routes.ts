import type { Database } from '../../db/connection';
import { listAudit } from '../../db/repositories/audit';
import { ID_QUERY_SCHEMA } from '../http/ids';
import { accountOf, type RouteSpec } from '../http/routes';

export function auditRoutes(db: Database): RouteSpec[] {
  return [
    {
      method: 'get', path: '/v1/accounts/:accountId/audit', tag: 'audit', summary: 'Every write in the account: who, what, before and after (newest first)', access: { kind: 'account', permission: 'audit.read' },
      query: { type: 'object', properties: { before: ID_QUERY_SCHEMA, limit: { type: 'string', pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' } }, additionalProperties: false },
      handler: async (ctx, { ids, query }) => ({
        body: { entries: await listAudit(db, accountOf(ctx).accountId, { beforeId: ids.before, limit: query.limit ? Number(query.limit) : 50 }) },
      }),
    },
  ];
}
