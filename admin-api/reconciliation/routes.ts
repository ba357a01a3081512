// Number reconciliation over the API: platform operators only (it spans every account and every provider).
import { actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { reconciliationRequestSchema } from './schemas';
import type { ReconciliationService } from './service';

const OPERATOR = { kind: 'operator' } as const;

export function reconciliationRoutes(reconciliation: ReconciliationService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post', path: '/v1/number-reconciliations', tag: 'numbers', access: OPERATOR, successStatus: 202,
      summary: 'Compare every provider\'s numbers with the inventory, in a job; with fix: true also repair the differences (platform operators only)',
      body: reconciliationRequestSchema,
      handler: async (ctx, { body }) => ({ body: await reconciliation.start(actorOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/number-reconciliations/last', tag: 'numbers', access: OPERATOR,
      summary: 'The last reconciliation\'s report: numbers we pay for but don\'t have, numbers we have but the provider released (platform operators only)',
      handler: async () => ({ body: await reconciliation.last() }),
    }),
  ];
}
