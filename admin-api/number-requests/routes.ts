// HTTP only: which route, who may call it, which schema; then one service call and the response. Asking,
// listing, reading and cancelling are open to every member of the account (accounts.read, which every role
// holds); the service narrows what a non-admin sees to their own requests. Resolving is for numbers.manage.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { candidatesQuerySchema, createRequestSchema, listRequestsQuerySchema, PAGE_DEFAULT_LIMIT, resolveRequestSchema } from './schemas';
import type { NumberRequestService } from './service';

const BASE = '/v1/accounts/:accountId/number-requests';

export function numberRequestRoutes(requests: NumberRequestService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post', path: BASE, tag: 'number-requests', summary: 'Ask the admins for a phone number: location, capabilities and a note', access: { kind: 'account', permission: 'accounts.read' }, successStatus: 201,
      body: createRequestSchema,
      handler: async (ctx, { body }) => ({ body: await requests.create(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: BASE, tag: 'number-requests', summary: "Number requests, newest first, with each one's state and number: every request for numbers.manage, else your own", access: { kind: 'account', permission: 'accounts.read' },
      query: listRequestsQuerySchema,
      handler: async (ctx, { query, ids }) => ({
        body: await requests.list(accountOf(ctx), { state: query.state, requesterUserId: ids.requesterUserId, beforeId: ids.beforeId, limit: query.limit ? Number(query.limit) : PAGE_DEFAULT_LIMIT }),
      }),
    }),
    defineRoute({
      method: 'get', path: `${BASE}/:requestId`, tag: 'number-requests', summary: 'A number request and its outcome (yours, or any for numbers.manage)', access: { kind: 'account', permission: 'accounts.read' },
      handler: async (ctx, { id }) => ({ body: await requests.get(accountOf(ctx), id('requestId')) }),
    }),
    defineRoute({
      method: 'post', path: `${BASE}/:requestId/cancel`, tag: 'number-requests', summary: 'Withdraw your own open number request', access: { kind: 'account', permission: 'accounts.read' },
      handler: async (ctx, { id }) => ({ body: await requests.cancel(accountOf(ctx), id('requestId')) }),
    }),
    defineRoute({
      method: 'get', path: `${BASE}/:requestId/candidates`, tag: 'number-requests',
      summary: "The account's active numbers no one owns that could fulfil the request: in its location unless country, region or locality say otherwise (empty: any)",
      access: { kind: 'account', permission: 'numbers.manage' },
      query: candidatesQuerySchema,
      handler: async (ctx, { query, id }) => ({ body: await requests.candidates(accountOf(ctx), id('requestId'), query) }),
    }),
    defineRoute({
      method: 'post', path: `${BASE}/:requestId/resolve`, tag: 'number-requests',
      summary: 'Resolve an open request once: buy a number for the requester (numbers.purchase too), assign them an existing one, or reject with a reason; they are emailed the outcome',
      access: { kind: 'account', permission: 'numbers.manage' },
      body: resolveRequestSchema,
      handler: async (ctx, { body, id }) => ({ body: await requests.resolve(accountOf(ctx), id('requestId'), body) }),
    }),
  ];
}
