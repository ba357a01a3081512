// Writes trunks for both of their paths: trunks:apply (files kept by ops) and the API, through the same methods
// and so the same rules: a trunk is changed only through the path that made it, an edit without a password keeps
// the current one, hosts and inbound addresses must be public (address-policy.ts), and the definition must agree
// with the database (accounts, numbers). The definition is turned into PJSIP rows by one function and written
// with the trunk's accounts and numbers in one transaction; the ARI app then expires the trunk's cached objects.
// The numbers are the static pool, kept by number across writes (static-pool.ts); a `purchasing:` section (the
// provider the trunk's accounts may buy numbers from) comes from files only (purchasing.ts).
//
// Trunks are the installation's, not an account's: the methods take a PublicScope, which an operator's request
// (a UserScope) and trunks:apply (admin-api/system-scope.ts) both are. Who may reach them at all is the routes'
// access (platform operators) and ops' hold on the files.
import type { EndpointMediaPolicy } from '../../core/config';
import { isDeepStrictEqual } from 'node:util';
import type { Database, Queryable } from '../../db/connection';
import { trunkObjectId, trunkRows, type TrunkDefinition, type TrunkRows } from '../../db/repositories/trunk-rows';
import {
  deleteTrunk, findTrunk, listTrunks, missingAccountIds, numbersHeldElsewhere, readTrunkState, writeTrunk, type HeldNumber, type TrunkRecord, type TrunkState,
} from '../../db/repositories/trunks';
import { authPassword } from '../../db/repositories/pjsip';
import type { FieldProblem } from '../http/errors';
import type { ChangeNotifier } from '../notifier';
import type { PublicScope } from '../scope';
import { addressProblems } from './address-policy';
import { TrunkNumberRoutes } from './number-routes';
import { purchasingProblems } from './purchasing';
import { trunkErrors } from './errors';
import { mergeStaticPool, staticPoolChanges } from './static-pool';
import { TRUNK_NAME_PATTERN, type ApiTrunkDefinition } from './schemas';

/** A definition as stored: credentials name the username only, never a password. */
export type StoredTrunkDefinition = TrunkDefinition<{ username: string }>;
export type TrunkSource = TrunkRecord['source'];

/** A trunk as the API shows it: its name, where it is kept, and its definition (no secret in it). */
export type TrunkView = { name: string; source: TrunkSource } & StoredTrunkDefinition;

export interface TrunkWrite {
  name: string;
  source: TrunkRecord['source'];
  /** Stored as the trunk's definition: never holds a password. */
  definition: StoredTrunkDefinition;
  /** The resolved secret, when the trunk has credentials; undefined on an edit keeps the current one. */
  password: string | undefined;
}

export interface TrunkPlan {
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'delete';
  /** One line per changed row field, account or number: what a dry run prints. */
  changes: string[];
}

function desiredState(write: TrunkWrite, media: EndpointMediaPolicy | undefined): TrunkState & { rows: TrunkRows } {
  const { purchasing } = write.definition;
  return {
    rows: trunkRows(write.name, write.definition, write.password, media),
    accounts: [...write.definition.accounts].sort((a, b) => a - b),
    numbers: [...write.definition.numbers].sort((a, b) => a.number.localeCompare(b.number)),
    ...(purchasing ? { purchasing } : {}),
  };
}

const SECRET_FIELDS = new Set(['password']);

function describeRow(table: string, field: string, before: unknown, after: unknown): string {
  const show = (value: unknown): string => (value === undefined || value === null ? '(none)' : SECRET_FIELDS.has(field) ? '(secret)' : JSON.stringify(value));
  return `${table}.${field}: ${show(before)} -> ${show(after)}`;
}

/** What writing `desired` over `current` changes, field by field. Secrets are named, never shown. */
export function diffTrunkState(current: TrunkState | undefined, desired: TrunkState): string[] {
  const changes: string[] = [];
  const tables = new Set([...Object.keys(current?.rows ?? {}), ...Object.keys(desired.rows)]) as Set<keyof TrunkState['rows']>;
  for (const table of tables) {
    const before = current?.rows[table] ?? {};
    const after = desired.rows[table] ?? {};
    if (!current?.rows[table]) { changes.push(`${table}: add row`); }
    if (!desired.rows[table]) { changes.push(`${table}: remove row`); continue; }
    for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const was = before[field] ?? null;
      const will = after[field] ?? null;
      if (String(was) !== String(will)) changes.push(describeRow(table, field, was, will));
    }
  }
  if (!isDeepStrictEqual(current?.accounts ?? [], desired.accounts)) changes.push(`accounts: ${JSON.stringify(current?.accounts ?? [])} -> ${JSON.stringify(desired.accounts)}`);
  // The section names where the provider's secret comes from, never the secret itself.
  if (!isDeepStrictEqual(current?.purchasing, desired.purchasing)) changes.push(`purchasing: ${JSON.stringify(current?.purchasing ?? null)} -> ${JSON.stringify(desired.purchasing ?? null)}`);
  changes.push(...staticPoolChanges(current?.numbers ?? [], desired.numbers));
  return changes;
}

function viewOf(trunk: TrunkRecord): TrunkView {
  return { name: trunk.name, source: trunk.source, ...trunk.definition };
}

const TRUNK_NAME = new RegExp(TRUNK_NAME_PATTERN);

function assertTrunkName(name: string): void {
  if (!TRUNK_NAME.test(name)) throw trunkErrors.invalidName(name);
}

/** Why a listed number is not this trunk's to carry. */
function heldMessage(held: HeldNumber, trunkName: string): string {
  if (held.trunk === null) return `${held.number} was bought through ${held.provider} on a trunk since removed: release it through the numbers API first`;
  if (held.trunk === trunkName) return `${held.number} was bought through ${held.provider} on this trunk: a trunk's list holds its static pool only`;
  return `${held.number} is carried by trunk ${held.trunk}`;
}

/** The rule of ownership: a trunk is changed only through the path that made it (the API or its file). */
function ownershipError(existing: TrunkRecord | undefined, source: TrunkSource): Error | undefined {
  if (!existing || existing.source === source) return undefined;
  return source === 'api' ? trunkErrors.keptInFile(existing.name) : trunkErrors.madeThroughApi(existing.name);
}

export class TrunkService {
  /** Numbers route to destinations (issue 9): checked, resolved and stored beside the trunk's rows. */
  private readonly routes = new TrunkNumberRoutes();

  /** media: the endpoints' media time-outs and session timers (config.sip.endpointMedia); defaults when absent. */
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly media?: EndpointMediaPolicy) {}

  /** Every trunk, in one query. */
  async list(_scope: PublicScope): Promise<TrunkView[]> {
    return (await listTrunks(this.db)).map(viewOf);
  }

  async find(_scope: PublicScope, name: string): Promise<TrunkView | undefined> {
    assertTrunkName(name);
    const trunk = await findTrunk(this.db, name);
    return trunk && viewOf(trunk);
  }

  async get(scope: PublicScope, name: string): Promise<TrunkView> {
    const trunk = await this.find(scope, name);
    if (!trunk) throw trunkErrors.notFound(name);
    return trunk;
  }

  /** Every problem that stops a write, as JSON pointers into the definition (files report them by line before
   *  anything is written): refused addresses, disagreement with the database, and ownership (path ''). */
  async problems(_scope: PublicScope, write: TrunkWrite): Promise<FieldProblem[]> {
    const problems = [...(await addressProblems(write.definition)), ...(await this.definitionProblems(this.db, write.name, write.definition))];
    const owner = ownershipError(await findTrunk(this.db, write.name), write.source);
    return owner ? [...problems, { path: '', message: owner.message }] : problems;
  }

  async plan(_scope: PublicScope, write: TrunkWrite): Promise<TrunkPlan> {
    const existing = await findTrunk(this.db, write.name);
    const { current, desired } = await this.states(this.db, existing, write);
    const changes = diffTrunkState(current, desired);
    return { name: write.name, action: !existing ? 'create' : changes.length > 0 ? 'update' : 'unchanged', changes };
  }

  /** The trunk as stored (with its numbers' routes) and as the write leaves it: the definition's rows and
   *  accounts, and its numbers merged with the stored ones (static-pool.ts). */
  private async states(db: Queryable, existing: TrunkRecord | undefined, write: TrunkWrite): Promise<{ current?: TrunkState; desired: TrunkState & { rows: TrunkRows } }> {
    const current = existing ? await this.routes.withStored(db, existing.id, await readTrunkState(db, existing)) : undefined;
    const desired = await this.routes.resolve(db, desiredState(write, this.media));
    return { current, desired: { ...desired, numbers: mergeStaticPool(current?.numbers, desired.numbers, desired.accounts) } };
  }

  /** The API's create-or-replace: the request's password goes to ps_auths only, never into the definition. */
  async save(scope: PublicScope, name: string, input: ApiTrunkDefinition): Promise<TrunkPlan & { trunk: TrunkView }> {
    assertTrunkName(name);
    const { credentials, purchasing, ...rest } = input;
    if (purchasing !== undefined) throw trunkErrors.purchasingInFilesOnly(name);
    const definition: StoredTrunkDefinition = { ...rest, ...(credentials ? { credentials: { username: credentials.username } } : {}) };
    const plan = await this.put(scope, { name, source: 'api', definition, password: credentials?.password });
    return { ...plan, trunk: await this.get(scope, name) };
  }

  /** Creates or replaces a trunk, having written nothing when a rule refuses it: 409 when the other path owns
   *  it, 400 for a missing password or a refused address, 422 for every other problem. */
  async put(scope: PublicScope, write: TrunkWrite): Promise<TrunkPlan> {
    const owner = ownershipError(await findTrunk(this.db, write.name), write.source);
    if (owner) throw owner;
    if (write.source === 'api' && write.definition.purchasing) throw trunkErrors.purchasingInFilesOnly(write.name);
    const resolved = { ...write, password: await this.passwordOf(write) };
    const refused = await addressProblems(resolved.definition);
    if (refused.length > 0) throw trunkErrors.addressNotAllowed(write.name, refused);
    const plan = await this.db.transaction(async (trx) => {
      const problems = await this.definitionProblems(trx, write.name, write.definition);
      if (problems.length > 0) throw trunkErrors.invalid(write.name, problems);
      const existing = await findTrunk(trx, write.name);
      const lost = ownershipError(existing, write.source);
      if (lost) throw lost;
      const { current, desired } = await this.states(trx, existing, resolved);
      const changes = diffTrunkState(current, desired);
      if (existing && changes.length === 0) return { name: write.name, action: 'unchanged' as const, changes, registrationChanged: false, accounts: [] };
      const monthlyPriceCents = desired.purchasing?.monthlyPriceCents ?? 0;
      const id = await writeTrunk(trx, { name: write.name, source: write.source, definition: write.definition, rows: desired.rows, accounts: desired.accounts, numbers: desired.numbers, monthlyPriceCents });
      await this.routes.write(trx, id, current?.numbers ?? [], desired.numbers);
      await scope.audit(trx, { accountId: null, action: existing ? 'trunk.update' : 'trunk.create', entity: 'trunk', entityId: id, before: existing?.definition, after: write.definition });
      const registrationChanged = !isDeepStrictEqual(current?.rows.ps_registrations, desired.rows.ps_registrations);
      return { name: write.name, action: existing ? 'update' as const : 'create' as const, changes, registrationChanged, accounts: [...new Set([...(current?.accounts ?? []), ...desired.accounts])] };
    });
    if (plan.action !== 'unchanged') await this.notifier.trunksChanged([trunkObjectId(write.name)], plan.registrationChanged);
    for (const accountId of plan.accounts) await this.notifier.routingChanged(accountId);
    return { name: plan.name, action: plan.action, changes: plan.changes };
  }

  /** Deletes a trunk through the path that made it (`source`): the API never deletes a file's trunk. */
  async remove(scope: PublicScope, name: string, source: TrunkSource): Promise<void> {
    assertTrunkName(name);
    const removed = await this.db.transaction(async (trx) => {
      const existing = await findTrunk(trx, name);
      if (!existing) throw trunkErrors.notFound(name);
      const owner = ownershipError(existing, source);
      if (owner) throw owner;
      const state = await readTrunkState(trx, existing);
      await deleteTrunk(trx, existing);
      await scope.audit(trx, { accountId: null, action: 'trunk.delete', entity: 'trunk', entityId: existing.id, before: existing.definition });
      return state;
    });
    await this.notifier.trunksChanged([trunkObjectId(name)], removed.rows.ps_registrations !== undefined);
    for (const accountId of removed.accounts) await this.notifier.routingChanged(accountId);
  }

  /** An edit that sends credentials without a password keeps the trunk's current one; a new trunk needs one. */
  private async passwordOf(write: TrunkWrite): Promise<string | undefined> {
    if (!write.definition.credentials || write.password !== undefined) return write.password;
    const current = await authPassword(this.db, trunkObjectId(write.name));
    if (current === undefined) throw trunkErrors.passwordRequired();
    return current;
  }

  /** Problems the schema cannot see: a purchasing section missing what its API needs, unknown accounts,
   *  numbers assigned outside the trunk's accounts or held elsewhere. Paths are JSON pointers into the
   *  definition, for files and the API alike. */
  private async definitionProblems(db: Queryable, name: string, definition: StoredTrunkDefinition): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [...purchasingProblems(definition.purchasing)];
    const missing = new Set(await missingAccountIds(db, definition.accounts));
    definition.accounts.forEach((accountId, index) => {
      if (missing.has(accountId)) problems.push({ path: `/accounts/${index}`, message: `account ${accountId} does not exist` });
    });
    const seen = new Map<string, number>();
    definition.numbers.forEach((entry, index) => {
      if (seen.has(entry.number)) problems.push({ path: `/numbers/${index}/number`, message: `${entry.number} is listed twice (also at /numbers/${seen.get(entry.number)})` });
      seen.set(entry.number, index);
      if (entry.account !== undefined && !definition.accounts.includes(entry.account)) problems.push({ path: `/numbers/${index}/account`, message: `account ${entry.account} is not among the trunk's accounts` });
      if (entry.extension !== undefined && entry.account === undefined) problems.push({ path: `/numbers/${index}/extension`, message: 'needs the account whose extension it is' });
    });
    const held = await numbersHeldElsewhere(db, name, definition.numbers.map((entry) => entry.number));
    for (const found of held) problems.push({ path: `/numbers/${seen.get(found.number)}/number`, message: heldMessage(found, name) });
    problems.push(...(await this.routes.problems(db, definition)));
    return problems;
  }
}
