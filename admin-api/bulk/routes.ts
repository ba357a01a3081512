// HTTP only: the bulk route takes CSV (as text) or JSON (validated by its schema), reads either into rows and
// hands them to the service.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { rowsFromCsv, rowsFromJson } from './rows';
import { bulkQuerySchema, bulkUsersSchema } from './schemas';
import type { BulkProvisioningService } from './service';

export function bulkRoutes(bulk: BulkProvisioningService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/users/bulk', tag: 'users', acceptsCsv: true, successStatus: 201, access: { kind: 'account', permission: 'users.manage' },
      summary: 'Create many users at once from CSV (username, full_name, email[, role, phone_mode, extension]) or JSON; all rows or none',
      query: bulkQuerySchema,
      body: bulkUsersSchema,
      // A CSV body arrives as rawBody (the schema is for JSON); a JSON one as body, validated.
      handler: async (ctx, { body, ids, rawBody }) => ({
        body: rawBody !== undefined
          ? await bulk.provision(accountOf(ctx), rowsFromCsv(rawBody), ids.roleId)
          : await bulk.provision(accountOf(ctx), rowsFromJson(body.users), body.roleId),
      }),
    }),
  ];
}
