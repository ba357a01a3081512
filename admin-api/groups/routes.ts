import { accountOf, type RouteSpec } from '../http/routes';
import type { GroupInput, GroupService } from './service';

const groupProperties = {
  name: { type: 'string', minLength: 1, maxLength: 80 },
  managerUserId: { type: ['integer', 'null'], minimum: 1 },
  memberIds: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 10000 },
};

export function groupRoutes(groups: GroupService): RouteSpec[] {
  const groupId = (params: Record<string, string>): number => Number(params.groupId) || 0;
  return [
    {
      method: 'get', path: '/v1/accounts/:accountId/groups', tag: 'groups', summary: 'User groups of the account', access: { kind: 'account', permission: 'groups.read' },
      handler: async (ctx) => ({ body: { groups: await groups.list(accountOf(ctx)) } }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/groups', tag: 'groups', summary: 'Create a user group with a manager and members', access: { kind: 'account', permission: 'groups.manage' }, successStatus: 201,
      body: { type: 'object', properties: groupProperties, required: ['name'], additionalProperties: false },
      handler: async (ctx, { body }) => ({ body: await groups.create(accountOf(ctx), body as GroupInput & { name: string }) }),
    },
    {
      method: 'patch', path: '/v1/accounts/:accountId/groups/:groupId', tag: 'groups', summary: 'Rename a group, change its manager or replace its members', access: { kind: 'account', permission: 'groups.manage' },
      body: { type: 'object', properties: groupProperties, additionalProperties: false, minProperties: 1 },
      handler: async (ctx, { body, params }) => ({ body: await groups.update(accountOf(ctx), groupId(params), body as GroupInput) }),
    },
    {
      method: 'delete', path: '/v1/accounts/:accountId/groups/:groupId', tag: 'groups', summary: 'Delete a group (its users stay)', access: { kind: 'account', permission: 'groups.manage' }, successStatus: 204,
      handler: async (ctx, { params }) => {
        await groups.remove(accountOf(ctx), groupId(params));
        return {};
      },
    },
  ];
}
