import { findUser, updateUser } from '../../db/repositories/users';
import type { Database } from '../../db/connection';
import type { AccessInvalidator } from '../auth/access-cache';
import { accountOf, actorOf, type RouteSpec } from '../http/routes';
import { updateUserSchema, type UpdateUserInput } from '../users/schemas';
import { createChildAccountSchema, updateAccountSchema, type AccountSettingsInput } from './schemas';
import type { AccountService } from './service';

export function accountRoutes(accounts: AccountService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/v1/me/accounts', tag: 'accounts', summary: 'Accounts you can reach, with the role you hold there', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: { accounts: await accounts.reachable(actorOf(ctx).actor.user.id) } }),
    },
    {
      method: 'get', path: '/v1/accounts/:accountId', tag: 'accounts', summary: 'The account and its settings', access: { kind: 'account', permission: 'accounts.read' },
      handler: async (ctx) => ({ body: await accounts.view(accountOf(ctx).accountId) }),
    },
    {
      method: 'patch', path: '/v1/accounts/:accountId', tag: 'accounts', summary: "Edit settings; an organization's name and export targets need organization.manage", access: { kind: 'account', permission: 'settings.manage' },
      body: updateAccountSchema,
      handler: async (ctx, { body }) => ({ body: await accounts.updateSettings(accountOf(ctx), body as AccountSettingsInput) }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/accounts', tag: 'accounts', summary: 'Create an account below (an organization under a reseller, a subaccount under an organization)', access: { kind: 'account', permission: 'subaccounts.create' }, successStatus: 201,
      body: createChildAccountSchema,
      handler: async (ctx, { body }) => ({ body: await accounts.createChild(accountOf(ctx), body as AccountSettingsInput & { name: string }) }),
    },
    {
      method: 'delete', path: '/v1/accounts/:accountId', tag: 'accounts', summary: 'Remove an account below the one you hold (it must have no accounts below it)', access: { kind: 'account', permission: 'subaccounts.create' }, successStatus: 204,
      handler: async (ctx) => {
        await accounts.removeAsActor(accountOf(ctx));
        return {};
      },
    },
  ];
}

// Changing your password is in admin-api/auth: it ends your other sessions and shares the login throttle.
export function meRoutes(db: Database, access: AccessInvalidator): RouteSpec[] {
  return [
    {
      method: 'get', path: '/v1/me', tag: 'me', summary: 'Your user', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: actorOf(ctx).actor.user }),
    },
    {
      method: 'patch', path: '/v1/me', tag: 'me', summary: 'Edit your profile and preferences', access: { kind: 'authenticated' },
      body: updateUserSchema,
      handler: async (ctx, { body }) => {
        const { actor } = actorOf(ctx);
        await db.transaction(async (trx) => {
          await updateUser(trx, actor.user.id, body as UpdateUserInput);
          await ctx.audit(trx, { accountId: null, action: 'me.update', entity: 'user', entityId: actor.user.id, before: actor.user, after: body });
        });
        await access.userAccessChanged([actor.user.id]);
        return { body: await findUser(db, actor.user.id) };
      },
    },
  ];
}
