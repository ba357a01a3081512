import { ALL_PERMISSIONS, PERMISSIONS } from '../../core/access';
import { accountOf, type RouteSpec } from '../http/routes';
import type { RoleInput, RoleService } from './service';

const roleProperties = {
  name: { type: 'string', minLength: 1, maxLength: 80 },
  type: { type: 'string', enum: ['reseller', 'customer', 'unit'] },
  rank: { type: 'integer', minimum: 1, maximum: 99 },
  permissions: { type: 'array', items: { type: 'string', enum: ALL_PERMISSIONS }, uniqueItems: true },
};

export function roleRoutes(roles: RoleService): RouteSpec[] {
  const roleId = (params: Record<string, string>): number => Number(params.roleId) || 0;
  return [
    {
      method: 'get', path: '/v1/permissions', tag: 'roles', summary: 'The permission catalogue', access: { kind: 'authenticated' },
      handler: async () => ({ body: { permissions: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })) } }),
    },
    {
      method: 'get', path: '/v1/accounts/:accountId/roles', tag: 'roles', summary: 'Roles offered in the account (presets and custom)', access: { kind: 'account', permission: 'roles.read' },
      handler: async (ctx) => ({ body: { roles: await roles.list(accountOf(ctx)) } }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/roles', tag: 'roles', summary: 'Create a custom role (never above your rank or permissions)', access: { kind: 'account', permission: 'roles.manage' }, successStatus: 201,
      body: { type: 'object', properties: roleProperties, required: ['name', 'type', 'rank', 'permissions'], additionalProperties: false },
      handler: async (ctx, { body }) => ({ body: await roles.create(accountOf(ctx), body as RoleInput) }),
    },
    {
      method: 'patch', path: '/v1/accounts/:accountId/roles/:roleId', tag: 'roles', summary: 'Edit a custom role; holders keep their permissions until re-applied', access: { kind: 'account', permission: 'roles.manage' },
      body: { type: 'object', properties: { name: roleProperties.name, rank: roleProperties.rank, permissions: roleProperties.permissions }, additionalProperties: false, minProperties: 1 },
      handler: async (ctx, { body, params }) => ({ body: await roles.update(accountOf(ctx), roleId(params), body as Partial<RoleInput>) }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/roles/:roleId/reapply', tag: 'roles', summary: "Re-apply a custom role's current permissions to its holders", access: { kind: 'account', permission: 'roles.manage' },
      handler: async (ctx, { params }) => ({ body: await roles.reapply(accountOf(ctx), roleId(params)) }),
    },
    {
      method: 'delete', path: '/v1/accounts/:accountId/roles/:roleId', tag: 'roles', summary: 'Delete a custom role; holders keep their permissions', access: { kind: 'account', permission: 'roles.manage' }, successStatus: 204,
      handler: async (ctx, { params }) => {
        await roles.remove(accountOf(ctx), roleId(params));
        return {};
      },
    },
  ];
}
