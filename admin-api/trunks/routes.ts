// Trunks over the API. A trunk serves several accounts, so the caller must hold trunks.manage in every one of
// them (before and after the edit). Trunks kept in files belong to ops' files: the API refuses to edit them
// rather than let the next trunks:apply silently undo the edit.
import type { Database } from '../../db/connection';
import { effectiveMembership } from '../../db/repositories/memberships';
import type { TrunkDefinition } from '../../db/repositories/trunk-rows';
import type { TrunkRecord } from '../../db/repositories/trunks';
import { createError, notFound } from '../http/errors';
import { actorOf, type ActorContext, type RouteSpec } from '../http/routes';
import { apiTrunkSchema, TRUNK_NAME_PATTERN, type ApiTrunkDefinition } from './schemas';
import type { TrunkService } from './service';

async function mayManage(db: Database, ctx: ActorContext, accountIds: number[]): Promise<number | undefined> {
  for (const accountId of accountIds) {
    const membership = await effectiveMembership(db, ctx.actor.user.id, accountId);
    if (!membership?.permissions.includes('trunks.manage')) return accountId;
  }
  return undefined;
}

function definitionOf(trunk: TrunkRecord): TrunkDefinition<{ username: string }> {
  return trunk.definition as TrunkDefinition<{ username: string }>;
}

export function trunkRoutes(db: Database, trunks: TrunkService): RouteSpec[] {
  const nameOf = (params: Record<string, string>): string => {
    const name = params.name ?? '';
    if (!new RegExp(TRUNK_NAME_PATTERN).test(name)) throw createError('VALIDATION_FAILED', 400, `Trunk names are lowercase letters, digits and dashes (up to 31), not "${name}".`, { fields: [{ path: '/name', message: `must match ${TRUNK_NAME_PATTERN}` }] });
    return name;
  };
  const reachable = async (ctx: ActorContext, name: string): Promise<TrunkRecord> => {
    const trunk = await trunks.find(name);
    if (!trunk || (await mayManage(db, ctx, definitionOf(trunk).accounts)) !== undefined) throw notFound('trunk', name);
    return trunk;
  };
  const view = (trunk: TrunkRecord): unknown => ({ name: trunk.name, source: trunk.source, ...definitionOf(trunk) });
  const editable = (trunk: TrunkRecord | undefined): void => {
    if (trunk?.source === 'file') throw createError('TRUNK_KEPT_IN_FILE', 409, `Trunk ${trunk.name} is kept in asterisk-config/trunks/${trunk.name}.yaml: edit the file and run npm run trunks:apply.`);
  };
  return [
    {
      method: 'get', path: '/v1/trunks', tag: 'trunks', summary: 'Trunks serving accounts where you hold trunks.manage', access: { kind: 'authenticated' },
      handler: async (ctx) => {
        const all = await trunks.list();
        const visible: unknown[] = [];
        for (const trunk of all) if ((await mayManage(db, actorOf(ctx), definitionOf(trunk).accounts)) === undefined) visible.push(view(trunk));
        return { body: { trunks: visible } };
      },
    },
    {
      method: 'get', path: '/v1/trunks/:name', tag: 'trunks', summary: 'One trunk (its secret is never shown)', access: { kind: 'authenticated' },
      handler: async (ctx, { params }) => ({ body: view(await reachable(actorOf(ctx), nameOf(params))) }),
    },
    {
      method: 'put', path: '/v1/trunks/:name', tag: 'trunks', summary: 'Create or replace a trunk: provider address, credentials and registration, inbound addresses, codecs, accounts and numbers', access: { kind: 'authenticated' },
      body: apiTrunkSchema,
      handler: async (ctx, { body, params }) => {
        const actor = actorOf(ctx);
        const name = nameOf(params);
        const input = body as ApiTrunkDefinition;
        const existing = await trunks.find(name);
        if (existing) await reachable(actor, name);
        editable(existing);
        const refused = await mayManage(db, actor, input.accounts);
        if (refused !== undefined) throw createError('PERMISSION_DENIED', 403, `You lack trunks.manage in account ${refused}.`, { missingPermission: 'trunks.manage', accountId: refused });
        const password = input.credentials ? input.credentials.password ?? (await trunks.currentPassword(name)) : undefined;
        if (input.credentials && password === undefined) throw createError('VALIDATION_FAILED', 400, 'A new trunk with credentials needs /credentials/password.', { fields: [{ path: '/credentials/password', message: 'is required for a new trunk' }] });
        const { credentials, ...rest } = input;
        const definition = { ...rest, ...(credentials ? { credentials: { username: credentials.username } } : {}) };
        const plan = await trunks.put({ name, source: 'api', definition, password }, ctx.audit);
        return { status: plan.action === 'create' ? 201 : 200, body: { ...plan, trunk: view((await trunks.find(name))!) } };
      },
    },
    {
      method: 'delete', path: '/v1/trunks/:name', tag: 'trunks', summary: 'Delete a trunk: its numbers stop reaching us and its registration ends', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx, { params }) => {
        const trunk = await reachable(actorOf(ctx), nameOf(params));
        editable(trunk);
        await trunks.remove(trunk.name, ctx.audit);
        return {};
      },
    },
  ];
}
