// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { ringGroupSchema } from './schemas';
import type { RingGroupService } from './service';

export function ringGroupRoutes(groups: RingGroupService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/ring-groups', tag: 'ring-groups', summary: 'Ring groups of the account, with members and failover', access: { kind: 'account', permission: 'users.read' },
      handler: async (ctx) => ({ body: { ringGroups: await groups.list(accountOf(ctx)) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/ring-groups', tag: 'ring-groups', summary: 'Create a ring group with an extension, members in order and a failover', access: { kind: 'account', permission: 'routing.manage' }, successStatus: 201,
      body: ringGroupSchema,
      handler: async (ctx, { body }) => ({ body: await groups.create(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/ring-groups/:ringGroupId', tag: 'ring-groups', summary: 'One ring group', access: { kind: 'account', permission: 'users.read' },
      handler: async (ctx, { id }) => ({ body: await groups.get(accountOf(ctx), id('ringGroupId')) }),
    }),
    defineRoute({
      method: 'put', path: '/v1/accounts/:accountId/ring-groups/:ringGroupId', tag: 'ring-groups', summary: 'Replace a ring group whole (fields left out take their defaults)', access: { kind: 'account', permission: 'routing.manage' },
      body: ringGroupSchema,
      handler: async (ctx, { body, id }) => ({ body: await groups.replace(accountOf(ctx), id('ringGroupId'), body) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/accounts/:accountId/ring-groups/:ringGroupId', tag: 'ring-groups', summary: 'Delete a ring group (409 while calls are routed to it)', access: { kind: 'account', permission: 'routing.manage' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await groups.remove(accountOf(ctx), id('ringGroupId'));
        return {};
      },
    }),
  ];
}
