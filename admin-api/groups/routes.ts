// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { createGroupSchema, updateGroupSchema } from './schemas';
import type { GroupService } from './service';

export function groupRoutes(groups: GroupService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/groups', tag: 'groups', summary: 'User groups of the account', access: { kind: 'account', permission: 'groups.read' },
      handler: async (ctx) => ({ body: { groups: await groups.list(accountOf(ctx)) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/groups', tag: 'groups', summary: 'Create a user group with a manager and members', access: { kind: 'account', permission: 'groups.manage' }, successStatus: 201,
      body: createGroupSchema,
      handler: async (ctx, { body }) => ({ body: await groups.create(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/accounts/:accountId/groups/:groupId', tag: 'groups', summary: 'Rename a group, change its manager or replace its members', access: { kind: 'account', permission: 'groups.manage' },
      body: updateGroupSchema,
      handler: async (ctx, { body, id }) => ({ body: await groups.update(accountOf(ctx), id('groupId'), body) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/accounts/:accountId/groups/:groupId', tag: 'groups', summary: 'Delete a group (its users stay)', access: { kind: 'account', permission: 'groups.manage' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await groups.remove(accountOf(ctx), id('groupId'));
        return {};
      },
    }),
  ];
}
