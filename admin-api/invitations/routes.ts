import { accountOf, type RouteSpec } from '../http/routes';
import type { InvitationService, InviteInput } from './service';

export function invitationRoutes(invitations: InvitationService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/v1/accounts/:accountId/invitations', tag: 'invitations', summary: 'Invite someone by email with a role at your tier or below', access: { kind: 'account', permission: 'users.manage' }, successStatus: 202,
      body: {
        type: 'object',
        properties: {
          fullName: { type: 'string', minLength: 1, maxLength: 120 },
          email: { type: 'string', format: 'email', maxLength: 254 },
          roleId: { type: 'integer', minimum: 1 },
          username: { type: 'string', pattern: '^[A-Za-z0-9._@+-]{3,120}$' },
        },
        required: ['fullName', 'email', 'roleId'],
        additionalProperties: false,
      },
      handler: async (ctx, { body }) => ({ body: await invitations.invite(accountOf(ctx), body as InviteInput) }),
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
