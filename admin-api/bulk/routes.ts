import { createError } from '../http/errors';
import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { accountOf, type RouteSpec } from '../http/routes';
import { rowsFromCsv, rowsFromJson } from './rows';
import type { BulkProvisioningService } from './service';

export function bulkRoutes(bulk: BulkProvisioningService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/v1/accounts/:accountId/users/bulk', tag: 'users', acceptsCsv: true, successStatus: 201, access: { kind: 'account', permission: 'users.manage' },
      summary: 'Create many users at once from CSV (username, full_name, email[, role, phone_mode, extension]) or JSON; all rows or none',
      query: { type: 'object', properties: { roleId: ID_QUERY_SCHEMA }, additionalProperties: false },
      body: {
        type: 'object',
        properties: {
          roleId: ID_SCHEMA,
          users: {
            type: 'array', minItems: 1, maxItems: 5000,
            items: {
              type: 'object',
              properties: {
                username: { type: 'string' }, fullName: { type: 'string' }, email: { type: 'string' },
                role: { type: ['string', 'integer'] }, phoneMode: { type: 'string' }, extension: { type: 'string' },
              },
              additionalProperties: false,
            },
          },
        },
        required: ['users'],
        additionalProperties: false,
      },
      handler: async (ctx, { body, ids, rawBody }) => {
        if (rawBody !== undefined) {
          return { body: await bulk.provision(accountOf(ctx), rowsFromCsv(rawBody), ids.roleId) };
        }
        const json = body as { roleId?: number; users?: Record<string, unknown>[] };
        if (!json.users) throw createError('VALIDATION_FAILED', 400, 'The request is not valid: /users is required.');
        return { body: await bulk.provision(accountOf(ctx), rowsFromJson(json.users), json.roleId) };
      },
    },
  ];
}
