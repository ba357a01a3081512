// HTTP only: which route, who may call it, which schema; then one service call and the response. Any member
// reaches the inventory routes (every role holds accounts.read): what they see and may change is the service's
// rule (numbers.read, numbers.manage, ownership and sharing).
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { callerIdSchema, NUMBERS_PAGE_DEFAULT_LIMIT, numberListQuerySchema, updateNumberSchema } from './schemas';
import type { NumberService } from './service';

const ANY_MEMBER = { kind: 'account', permission: 'accounts.read' } as const;

export function numberRoutes(numbers: NumberService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/numbers', tag: 'numbers',
      summary: 'Phone numbers of the account (all of them with numbers.read, else the ones you own or that are shared with you), by id',
      access: ANY_MEMBER,
      query: numberListQuerySchema,
      handler: async (ctx, { ids, query }) => ({
        body: await numbers.list(accountOf(ctx), {
          state: query.state, provider: query.provider, q: query.q, ownerUserId: ids.ownerUserId, after: ids.after,
          limit: query.limit ? Number(query.limit) : NUMBERS_PAGE_DEFAULT_LIMIT,
        }),
      }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/numbers/:numberId', tag: 'numbers', summary: 'One phone number, with its owner, sharing and destination',
      access: ANY_MEMBER,
      handler: async (ctx, { id }) => ({ body: await numbers.get(accountOf(ctx), id('numberId')) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/accounts/:accountId/numbers/:numberId', tag: 'numbers',
      summary: "Change a number's label, owner, sharing or destination (its owner, or numbers.manage)",
      access: ANY_MEMBER,
      body: updateNumberSchema,
      handler: async (ctx, { body, id }) => ({ body: await numbers.update(accountOf(ctx), id('numberId'), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/me/accounts/:accountId/numbers', tag: 'numbers', summary: 'The numbers you may call from in this account',
      access: ANY_MEMBER,
      handler: async (ctx) => ({ body: { numbers: await numbers.listMine(accountOf(ctx)) } }),
    }),
    defineRoute({
      method: 'get', path: '/v1/me/accounts/:accountId/caller-id', tag: 'numbers', summary: 'Your default outbound caller ID in this account, and whether you may call out',
      access: ANY_MEMBER,
      handler: async (ctx) => ({ body: await numbers.callerId(accountOf(ctx)) }),
    }),
    defineRoute({
      method: 'put', path: '/v1/me/accounts/:accountId/caller-id', tag: 'numbers', summary: 'Pick your default outbound caller ID: a number you may use',
      access: ANY_MEMBER,
      body: callerIdSchema,
      handler: async (ctx, { body }) => ({ body: await numbers.setCallerId(accountOf(ctx), body) }),
    }),
  ];
}
