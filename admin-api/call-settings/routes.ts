// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { callSettingsSchema } from './schemas';
import type { CallSettingsService } from './service';

export function callSettingsRoutes(settings: CallSettingsService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/me/accounts/:accountId/call-settings', tag: 'call-settings', summary: 'Your do-not-disturb, ring time and forwarding in this account',
      // Any member: every role holds accounts.read.
      access: { kind: 'account', permission: 'accounts.read' },
      handler: async (ctx) => ({ body: await settings.getOwn(accountOf(ctx)) }),
    }),
    defineRoute({
      method: 'put', path: '/v1/me/accounts/:accountId/call-settings', tag: 'call-settings', summary: 'Set your do-not-disturb, ring time and forwarding in this account',
      access: { kind: 'account', permission: 'accounts.read' },
      body: callSettingsSchema,
      handler: async (ctx, { body }) => ({ body: await settings.putOwn(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/users/:userId/call-settings', tag: 'call-settings', summary: "A user's do-not-disturb, ring time and forwarding in this account",
      access: { kind: 'account', permission: 'users.manage' },
      handler: async (ctx, { id }) => ({ body: await settings.get(accountOf(ctx), id('userId')) }),
    }),
    defineRoute({
      method: 'put', path: '/v1/accounts/:accountId/users/:userId/call-settings', tag: 'call-settings', summary: "Set a user's do-not-disturb, ring time and forwarding (yourself, or users below you)",
      access: { kind: 'account', permission: 'users.manage' },
      body: callSettingsSchema,
      handler: async (ctx, { body, id }) => ({ body: await settings.put(accountOf(ctx), id('userId'), body) }),
    }),
  ];
}
