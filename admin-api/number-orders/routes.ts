// HTTP only: which route, who may call it, which schema; then one service call and the response. Buying and
// searching take numbers.purchase (it spends the organization's credits); releasing takes numbers.manage;
// following an order takes numbers.read. Orders run as jobs: purchase and release answer 202 with the order.
import { accountOf, defineRoute, type RouteSpec } from '../http/routes';
import { availableNumbersQuerySchema, purchaseSchema } from './schemas';
import type { NumberOrderService } from './service';

export function numberOrderRoutes(orders: NumberOrderService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/number-providers', tag: 'number-orders', access: { kind: 'account', permission: 'numbers.purchase' },
      summary: 'The trunks this account may buy numbers through: each one\'s provider API and its prices',
      handler: async (ctx) => ({ body: { providers: await orders.providers(accountOf(ctx)) } }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/available-numbers', tag: 'number-orders', access: { kind: 'account', permission: 'numbers.purchase' },
      summary: "Search a trunk's provider for numbers to buy, by country, region, locality or area code and capabilities (a provider's failure is 502, 503 or 504)",
      query: availableNumbersQuerySchema,
      handler: async (ctx, { query }) => ({ body: { numbers: await orders.search(accountOf(ctx), query) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/numbers/purchases', tag: 'number-orders', access: { kind: 'account', permission: 'numbers.purchase' }, successStatus: 202,
      summary: 'Buy a number: reserves its price from the credits (402 when short) and orders it in the background; the number is "purchasing" until the order completes',
      body: purchaseSchema,
      handler: async (ctx, { body }) => ({ body: await orders.purchase(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/numbers/orders/:orderId', tag: 'number-orders', access: { kind: 'account', permission: 'numbers.read' },
      summary: 'A purchase or release order: pending, ordered, completed or failed (with the reason), and its number',
      handler: async (ctx, { id }) => ({ body: await orders.order(accountOf(ctx), id('orderId')) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/accounts/:accountId/numbers/:numberId', tag: 'number-orders', access: { kind: 'account', permission: 'numbers.manage' }, successStatus: 202,
      summary: 'Release a number: it is given back to its provider in the background (calls reach it until then); no refund',
      handler: async (ctx, { id }) => ({ body: await orders.release(accountOf(ctx), id('numberId')) }),
    }),
  ];
}
