// Trunks over the API. Trunks are operator infrastructure: a trunk's inbound addresses are taken for the
// provider without a password and its host is where our Asterisk sends SIP, so only platform operators (a
// property of the user set from the command line, which no account role holds) reach these routes; everyone
// else gets 403 PLATFORM_OPERATOR_REQUIRED. The rules (trunks kept in files are not editable here, an edit
// without a password keeps the current one) are TrunkService's, which trunks:apply goes through too.
import { actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { apiTrunkSchema } from './schemas';
import type { TrunkService } from './service';

const OPERATOR = { kind: 'operator' } as const;

export function trunkRoutes(trunks: TrunkService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/trunks', tag: 'trunks', summary: 'Every trunk (platform operators only)', access: OPERATOR,
      handler: async (ctx) => ({ body: { trunks: await trunks.list(actorOf(ctx)) } }),
    }),
    defineRoute({
      method: 'get', path: '/v1/trunks/:name', tag: 'trunks', summary: 'One trunk, its secret never shown (platform operators only)', access: OPERATOR,
      handler: async (ctx, { params }) => ({ body: await trunks.get(actorOf(ctx), params.name ?? '') }),
    }),
    defineRoute({
      method: 'put', path: '/v1/trunks/:name', tag: 'trunks', access: OPERATOR,
      summary: 'Create or replace a trunk: public provider host, credentials and registration, public inbound addresses, codecs, accounts and numbers (platform operators only)',
      body: apiTrunkSchema,
      handler: async (ctx, { body, params }) => {
        const saved = await trunks.save(actorOf(ctx), params.name ?? '', body);
        return { status: saved.action === 'create' ? 201 : 200, body: saved };
      },
    }),
    defineRoute({
      method: 'delete', path: '/v1/trunks/:name', tag: 'trunks', summary: 'Delete a trunk: its numbers stop reaching us and its registration ends (platform operators only)', access: OPERATOR, successStatus: 204,
      handler: async (ctx, { params }) => {
        await trunks.remove(actorOf(ctx), params.name ?? '', 'api');
        return {};
      },
    }),
  ];
}
