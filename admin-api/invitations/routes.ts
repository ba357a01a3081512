import { ID_SCHEMA } from '../http/ids';
import { accountOf, actorOf, type RouteSpec } from '../http/routes';
import { singleLineText } from '../http/text-safety';
import type { InvitationService, InviteInput } from './service';

export function invitationRoutes(invitations: InvitationService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/v1/accounts/:accountId/invitations', tag: 'invitations', summary: 'Invite someone with a role at your tier or below: a new user gets an emailed link, an existing one a request to accept while signed in (same answer either way)', access: { kind: 'account', permission: 'users.manage' }, successStatus: 202,
      body: {
        type: 'object',
        properties: {
          fullName: singleLineText(120),
          email: { type: 'string', format: 'email', maxLength: 254 },
          roleId: ID_SCHEMA,
          username: { type: 'string', pattern: '^[A-Za-z0-9._@+-]{3,120}$' },
        },
        required: ['fullName', 'email', 'roleId'],
        additionalProperties: false,
      },
      handler: async (ctx, { body }) => ({ body: await invitations.invite(accountOf(ctx), body as InviteInput) }),
    },
    {
      method: 'get', path: '/v1/accounts/:accountId/invitations', tag: 'invitations', summary: 'Invitations of the account: the username you typed, the role and the state', access: { kind: 'account', permission: 'users.read' },
      handler: async (ctx) => ({ body: await invitations.list(accountOf(ctx)) }),
    },
    ...revokeRoutes(invitations),
    {
      method: 'get', path: '/v1/me/invitations', tag: 'me', summary: 'Invitations you received to join other accounts, waiting for your answer', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: await invitations.mine.list(actorOf(ctx)) }),
    },
    {
      method: 'post', path: '/v1/me/invitations/:invitationId/accept', tag: 'me', summary: 'Accept an invitation you received: you become a member with its role', access: { kind: 'authenticated' },
      handler: async (ctx, { ids }) => ({ body: await invitations.mine.accept(actorOf(ctx), ids.invitationId!) }),
    },
    {
      method: 'post', path: '/v1/me/invitations/:invitationId/decline', tag: 'me', summary: 'Decline an invitation you received', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx, { ids }) => {
        await invitations.mine.decline(actorOf(ctx), ids.invitationId!);
        return {};
      },
    },
    {
      method: 'get', path: '/v1/invitations/:token', tag: 'invitations', summary: "The invitation an emailed link points to", access: { kind: 'public' },
      handler: async (_ctx, { params }) => ({ body: await invitations.describe(String(params.token)) }),
    },
    {
      method: 'post', path: '/v1/invitations/:token/accept', tag: 'invitations', summary: 'Accept an invitation (once): sets your password if you have none and activates your membership', access: { kind: 'public' },
      body: { type: 'object', properties: { password: { type: 'string', minLength: 1, maxLength: 256 } }, additionalProperties: false },
      handler: async (_ctx, { body, params }) => ({ body: await invitations.accept(String(params.token), (body as { password?: string }).password) }),
    },
  ];
}

/** Withdrawing a pending invitation: DELETE, or POST .../revoke for clients that cannot send DELETE. */
function revokeRoutes(invitations: InvitationService): RouteSpec[] {
  return (['delete', 'post'] as const).map((method) => ({
    method, path: `/v1/accounts/:accountId/invitations/:invitationId${method === 'post' ? '/revoke' : ''}`, tag: 'invitations',
    summary: 'Revoke a pending invitation', access: { kind: 'account', permission: 'users.manage' }, successStatus: 204,
    handler: async (ctx, { ids }) => {
      await invitations.revoke(accountOf(ctx), ids.invitationId!);
      return {};
    },
  }));
}
