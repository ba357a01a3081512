import { ALL_PERMISSIONS, PERMISSIONS } from '../../core/access';
import { accountOf, type RouteSpec } from '../http/routes';
import { singleLineText } from '../http/text-safety';
import type { RoleInput, RoleService } from './service';

const roleProperties = {
  name: singleLineText(80),
  type: { type: 'string', enum: ['reseller', 'customer', 'unit'] },
  rank: { type: 'integer', minimum: 1, maximum: 99 },
  permissions: { type: 'array', items: { type: 'string', enum: ALL_PERMISSIONS }, uniqueItems: true },
};

export function roleRoutes(roles: RoleService): RouteSpec[] {
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
      handler: async (ctx, { body, id }) => ({ body: await roles.update(accountOf(ctx), id('roleId'), body as Partial<RoleInput>) }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/roles/:roleId/reapply', tag: 'roles', summary: "Re-apply a custom role's current permissions to its holders", access: { kind: 'account', permission: 'roles.manage' },
      handler: async (ctx, { id }) => ({ body: await roles.reapply(accountOf(ctx), id('roleId')) }),
    },
    {
      method: 'delete', path: '/v1/accounts/:accountId/roles/:roleId', tag: 'roles', summary: 'Delete a custom role; holders keep their permissions', access: { kind: 'account', permission: 'roles.manage' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await roles.remove(accountOf(ctx), id('roleId'));
        return {};
      },
    },
  ];
}
