// HTTP only: which route, who may call it, which schema; then one service call and the response. Reading the
// ledger takes numbers.purchase (whoever may spend sees what there is to spend); adding credits is a platform
// operator's, which no account role grants.
import { accountOf, actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { addCreditsSchema, CREDITS_PAGE_DEFAULT_LIMIT, creditsQuerySchema } from './schemas';
import type { CreditService } from './service';

export function creditRoutes(credits: CreditService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/credits', tag: 'credits', access: { kind: 'account', permission: 'numbers.purchase' },
      summary: "The organization's credits: balance (what can be spent now), reserved by purchases in progress, and the ledger's entries (newest first; a subaccount sees its own spending)",
      query: creditsQuerySchema,
      handler: async (ctx, { ids, query }) => ({
        body: await credits.view(accountOf(ctx), { beforeId: ids.before, limit: query.limit ? Number(query.limit) : CREDITS_PAGE_DEFAULT_LIMIT }),
      }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/credits', tag: 'credits', access: { kind: 'operator' },
      summary: "Add credits to the account's organization (platform operators only); a repeated reference adds nothing",
      body: addCreditsSchema,
      handler: async (ctx, { body, id }) => {
        const result = await credits.add(actorOf(ctx), id('accountId'), body);
        return { status: result.added ? 201 : 200, body: result };
      },
    }),
  ];
}
