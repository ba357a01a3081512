// HTTP only: which route, who may call it, which schema; then one service call and the response. Reading who
// has dialer access takes numbers.read; granting and revoking take numbers.manage (a grant that buys its number
// also numbers.purchase, judged by the service).
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { grantSchema, revokeSchema } from './schemas';
import type { DialerAccessService } from './service';

export function dialerAccessRoutes(access: DialerAccessService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/dialer-access', tag: 'dialer-access', summary: 'Who may place outbound calls in the account, each with their default caller ID',
      access: { kind: 'account', permission: 'numbers.read' },
      handler: async (ctx) => ({ body: { dialerAccess: await access.list(accountOf(ctx)) } }),
    }),
    defineRoute({
      method: 'put', path: '/v1/accounts/:accountId/users/:userId/dialer-access', tag: 'dialer-access',
      summary: 'Let a user place outbound calls, with a number to call from: {numberId} (an ownerless number becomes theirs, an owned one is shared with them) or {purchase: {trunk, number, label}} (bought for them)',
      access: { kind: 'account', permission: 'numbers.manage' },
      body: grantSchema,
      handler: async (ctx, { body, id }) => ({ body: await access.grant(accountOf(ctx), id('userId'), body) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/users/:userId/dialer-access/revoke', tag: 'dialer-access',
      summary: 'Stop a user placing outbound calls; the numbers they own go to {handOverTo: userId} or {handOver: [{numberId, toUserId}]} (409 NUMBERS_NEED_NEW_OWNER lists any left)',
      access: { kind: 'account', permission: 'numbers.manage' },
      body: revokeSchema,
      handler: async (ctx, { body, id }) => ({ body: await access.revoke(accountOf(ctx), id('userId'), body) }),
    }),
  ];
}
