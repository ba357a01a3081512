// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { createChildAccountSchema, updateAccountSchema } from './schemas';
import type { AccountService } from './service';

export function accountRoutes(accounts: AccountService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId', tag: 'accounts', summary: 'The account and its settings', access: { kind: 'account', permission: 'accounts.read' },
      handler: async (ctx) => ({ body: await accounts.view(accountOf(ctx)) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/accounts/:accountId', tag: 'accounts', summary: "Edit settings; an organization's name and export targets need organization.manage", access: { kind: 'account', permission: 'settings.manage' },
      body: updateAccountSchema,
      handler: async (ctx, { body }) => ({ body: await accounts.updateSettings(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/accounts', tag: 'accounts', summary: 'Create an account below (an organization under a reseller, a subaccount under an organization)', access: { kind: 'account', permission: 'subaccounts.create' }, successStatus: 201,
      body: createChildAccountSchema,
      handler: async (ctx, { body }) => ({ body: await accounts.createChild(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/accounts/:accountId', tag: 'accounts', summary: 'Remove an account below the one you hold (it must have no accounts below it)', access: { kind: 'account', permission: 'subaccounts.create' }, successStatus: 204,
      handler: async (ctx) => {
        await accounts.removeAsActor(accountOf(ctx));
        return {};
      },
    }),
  ];
}
