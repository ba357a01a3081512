// Trunks over the API. Trunks are operator infrastructure: a trunk's inbound addresses are taken for the
// provider without a password and its host is where our Asterisk sends SIP, so only platform operators (a
// property of the user set from the command line, which no account role holds) reach these routes; everyone
// else gets 403 PLATFORM_OPERATOR_REQUIRED. Trunks kept in files belong to ops' files: the API refuses to edit
// them rather than let the next trunks:apply silently undo the edit.
import type { TrunkDefinition } from '../../db/repositories/trunk-rows';
import type { TrunkRecord } from '../../db/repositories/trunks';
import { createError, notFound } from '../http/errors';
import type { RouteSpec } from '../http/routes';
import { apiTrunkSchema, TRUNK_NAME_PATTERN, type ApiTrunkDefinition } from './schemas';
import type { TrunkService } from './service';

const OPERATOR = { kind: 'operator' } as const;

function definitionOf(trunk: TrunkRecord): TrunkDefinition<{ username: string }> {
  return trunk.definition as TrunkDefinition<{ username: string }>;
}

function nameOf(params: Record<string, string>): string {
  const name = params.name ?? '';
  if (!new RegExp(TRUNK_NAME_PATTERN).test(name)) throw createError('VALIDATION_FAILED', 400, `Trunk names are lowercase letters, digits and dashes (up to 31), not "${name}".`, { fields: [{ path: '/name', message: `must match ${TRUNK_NAME_PATTERN}` }] });
  return name;
}

function view(trunk: TrunkRecord): unknown {
  return { name: trunk.name, source: trunk.source, ...definitionOf(trunk) };
}

function editable(trunk: TrunkRecord | undefined): void {
  if (trunk?.source === 'file') throw createError('TRUNK_KEPT_IN_FILE', 409, `Trunk ${trunk.name} is kept in asterisk-config/trunks/${trunk.name}.yaml: edit the file and run npm run trunks:apply.`);
}

export function trunkRoutes(trunks: TrunkService): RouteSpec[] {
  const existing = async (name: string): Promise<TrunkRecord> => {
    const trunk = await trunks.find(name);
    if (!trunk) throw notFound('trunk', name);
    return trunk;
  };
  return [
    {
      method: 'get', path: '/v1/trunks', tag: 'trunks', summary: 'Every trunk (platform operators only)', access: OPERATOR,
      handler: async () => ({ body: { trunks: (await trunks.list()).map(view) } }),
    },
    {
      method: 'get', path: '/v1/trunks/:name', tag: 'trunks', summary: 'One trunk, its secret never shown (platform operators only)', access: OPERATOR,
      handler: async (_ctx, { params }) => ({ body: view(await existing(nameOf(params))) }),
    },
    {
      method: 'put', path: '/v1/trunks/:name', tag: 'trunks', access: OPERATOR,
      summary: 'Create or replace a trunk: public provider host, credentials and registration, public inbound addresses, codecs, accounts and numbers (platform operators only)',
      body: apiTrunkSchema,
      handler: async (ctx, { body, params }) => {
        const name = nameOf(params);
        const input = body as ApiTrunkDefinition;
        editable(await trunks.find(name));
        const password = input.credentials ? input.credentials.password ?? (await trunks.currentPassword(name)) : undefined;
        if (input.credentials && password === undefined) throw createError('VALIDATION_FAILED', 400, 'A new trunk with credentials needs /credentials/password.', { fields: [{ path: '/credentials/password', message: 'is required for a new trunk' }] });
        const { credentials, ...rest } = input;
        const definition = { ...rest, ...(credentials ? { credentials: { username: credentials.username } } : {}) };
        const plan = await trunks.put({ name, source: 'api', definition, password }, ctx.audit);
        return { status: plan.action === 'create' ? 201 : 200, body: { ...plan, trunk: view(await existing(name)) } };
      },
    },
    {
      method: 'delete', path: '/v1/trunks/:name', tag: 'trunks', summary: 'Delete a trunk: its numbers stop reaching us and its registration ends (platform operators only)', access: OPERATOR, successStatus: 204,
      handler: async (ctx, { params }) => {
        const trunk = await existing(nameOf(params));
        editable(trunk);
        await trunks.remove(trunk.name, ctx.audit);
        return {};
      },
    },
  ];
}
