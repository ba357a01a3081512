// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { changeRoleSchema, createUserSchema, listUsersQuery, removeUserSchema, updateUserSchema } from './schemas';
import type { UserService } from './service';

export function userRoutes(users: UserService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/users', tag: 'users', summary: 'Users of the account; filter by group or status', access: { kind: 'account', permission: 'users.read' },
      query: listUsersQuery,
      handler: async (ctx, { ids, query }) => ({ body: { users: await users.list(accountOf(ctx), { groupId: ids.groupId, status: query.status }) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/users', tag: 'users', summary: 'Add a user with a role at your tier or below, optionally with an extension; a generated password is returned once', access: { kind: 'account', permission: 'users.manage' }, successStatus: 201,
      body: createUserSchema,
      handler: async (ctx, { body }) => ({ body: await users.create(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/users/:userId', tag: 'users', summary: 'One user of the account', access: { kind: 'account', permission: 'users.read' },
      handler: async (ctx, { id }) => ({ body: await users.get(accountOf(ctx), id('userId')) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/accounts/:accountId/users/:userId', tag: 'users', summary: "Edit a user's profile (yourself, or users below you) or their extension in this account (null frees it)", access: { kind: 'account', permission: 'users.manage' },
      body: updateUserSchema,
      handler: async (ctx, { body, id }) => ({ body: await users.update(accountOf(ctx), id('userId'), body) }),
    }),
    defineRoute({
      method: 'put', path: '/v1/accounts/:accountId/users/:userId/role', tag: 'users', summary: 'Promote or demote a user below you (up to your own tier)', access: { kind: 'account', permission: 'users.manage' },
      body: changeRoleSchema,
      handler: async (ctx, { body, id }) => ({ body: await users.changeRole(accountOf(ctx), id('userId'), body.roleId) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/users/:userId/remove', tag: 'users', summary: 'Remove a user from the account (deactivates the membership and their devices here)', access: { kind: 'account', permission: 'users.manage' }, successStatus: 204,
      body: removeUserSchema,
      handler: async (ctx, { body, id }) => {
        await users.remove(accountOf(ctx), id('userId'), body);
        return {};
      },
    }),
  ];
}
