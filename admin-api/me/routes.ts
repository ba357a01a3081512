// HTTP only: which route, who may call it, which schema; then one service call and the response. Your password
// is changed in admin-api/auth (it ends your other sessions); your devices, invitations and API keys are served
// by their own domains.
import { actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { updateProfileSchema } from './schemas';
import type { MeService } from './service';

export function meRoutes(me: MeService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/me', tag: 'me', summary: 'Your user, with your extension in each account that gave you one', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: await me.profile(actorOf(ctx)) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/me', tag: 'me', summary: 'Edit your profile and preferences', access: { kind: 'authenticated' },
      body: updateProfileSchema,
      handler: async (ctx, { body }) => ({ body: await me.updateProfile(actorOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/me/accounts', tag: 'accounts', summary: 'Accounts you can reach, with the role you hold there', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: { accounts: await me.reachableAccounts(actorOf(ctx)) } }),
    }),
  ];
}
