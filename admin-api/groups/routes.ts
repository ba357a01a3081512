import { ID_SCHEMA } from '../http/ids';
import { accountOf, type RouteSpec } from '../http/routes';
import { singleLineText } from '../http/text-safety';
import type { GroupInput, GroupService } from './service';

const groupProperties = {
  name: singleLineText(80),
  managerUserId: { anyOf: [ID_SCHEMA, { type: 'null' }] },
  memberIds: { type: 'array', items: ID_SCHEMA, maxItems: 10000 },
};

export function groupRoutes(groups: GroupService): RouteSpec[] {
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
      handler: async (ctx, { body, id }) => ({ body: await groups.update(accountOf(ctx), id('groupId'), body as GroupInput) }),
    },
    {
      method: 'delete', path: '/v1/accounts/:accountId/groups/:groupId', tag: 'groups', summary: 'Delete a group (its users stay)', access: { kind: 'account', permission: 'groups.manage' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await groups.remove(accountOf(ctx), id('groupId'));
        return {};
      },
    },
  ];
}
