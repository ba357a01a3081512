// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { acceptLinkSchema, inviteSchema } from './schemas';
import type { InvitationService } from './service';

export function invitationRoutes(invitations: InvitationService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/invitations', tag: 'invitations', summary: 'Invite someone with a role at your tier or below: a new user gets an emailed link, an existing one a request to accept while signed in (same answer either way)', access: { kind: 'account', permission: 'users.manage' }, successStatus: 202,
      body: inviteSchema,
      handler: async (ctx, { body }) => ({ body: await invitations.invite(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/invitations', tag: 'invitations', summary: 'Invitations of the account: the username you typed, the role and the state', access: { kind: 'account', permission: 'users.read' },
      handler: async (ctx) => ({ body: await invitations.list(accountOf(ctx)) }),
    }),
    ...revokeRoutes(invitations),
    defineRoute({
      method: 'get', path: '/v1/me/invitations', tag: 'me', summary: 'Invitations you received to join other accounts, waiting for your answer', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: await invitations.mine.list(actorOf(ctx)) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/me/invitations/:invitationId/accept', tag: 'me', summary: 'Accept an invitation you received: you become a member with its role', access: { kind: 'authenticated' },
      handler: async (ctx, { id }) => ({ body: await invitations.mine.accept(actorOf(ctx), id('invitationId')) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/me/invitations/:invitationId/decline', tag: 'me', summary: 'Decline an invitation you received', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await invitations.mine.decline(actorOf(ctx), id('invitationId'));
        return {};
      },
    }),
    // The emailed link: its token is the only credential, so these are public.
    defineRoute({
      method: 'get', path: '/v1/invitations/:token', tag: 'invitations', summary: "The invitation an emailed link points to", access: { kind: 'public' },
      handler: async (ctx, { params }) => ({ body: await invitations.describe(ctx, String(params.token)) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/invitations/:token/accept', tag: 'invitations', summary: 'Accept an invitation (once): sets your password if you have none and activates your membership', access: { kind: 'public' },
      body: acceptLinkSchema,
      handler: async (ctx, { body, params }) => ({ body: await invitations.accept(ctx, String(params.token), body.password) }),
    }),
  ];
}

/** Withdrawing a pending invitation: DELETE, or POST .../revoke for clients that cannot send DELETE. */
function revokeRoutes(invitations: InvitationService): RouteSpec[] {
  return (['delete', 'post'] as const).map((method) => defineRoute({
    method, path: `/v1/accounts/:accountId/invitations/:invitationId${method === 'post' ? '/revoke' : ''}`, tag: 'invitations',
    summary: 'Revoke a pending invitation', access: { kind: 'account', permission: 'users.manage' }, successStatus: 204,
    handler: async (ctx, { id }) => {
      await invitations.revoke(accountOf(ctx), id('invitationId'));
      return {};
    },
  }));
}
