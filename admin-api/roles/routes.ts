// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { PERMISSIONS } from '../../core/access';
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { createRoleSchema, updateRoleSchema } from './schemas';
import type { RoleService } from './service';

export function roleRoutes(roles: RoleService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/permissions', tag: 'roles', summary: 'The permission catalogue', access: { kind: 'authenticated' },
      handler: async () => ({ body: { permissions: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })) } }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/roles', tag: 'roles', summary: 'Roles offered in the account (presets and custom)', access: { kind: 'account', permission: 'roles.read' },
      handler: async (ctx) => ({ body: { roles: await roles.list(accountOf(ctx)) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/roles', tag: 'roles', summary: 'Create a custom role (never above your rank or permissions)', access: { kind: 'account', permission: 'roles.manage' }, successStatus: 201,
      body: createRoleSchema,
      handler: async (ctx, { body }) => ({ body: await roles.create(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/accounts/:accountId/roles/:roleId', tag: 'roles', summary: 'Edit a custom role; holders keep their permissions until re-applied', access: { kind: 'account', permission: 'roles.manage' },
      body: updateRoleSchema,
      handler: async (ctx, { body, id }) => ({ body: await roles.update(accountOf(ctx), id('roleId'), body) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/roles/:roleId/reapply', tag: 'roles', summary: "Re-apply a custom role's current permissions to its holders", access: { kind: 'account', permission: 'roles.manage' },
      handler: async (ctx, { id }) => ({ body: await roles.reapply(accountOf(ctx), id('roleId')) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/accounts/:accountId/roles/:roleId', tag: 'roles', summary: 'Delete a custom role; holders keep their permissions', access: { kind: 'account', permission: 'roles.manage' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await roles.remove(accountOf(ctx), id('roleId'));
        return {};
      },
    }),
  ];
}
