// Writes trunks for both of their paths: trunks:apply (files kept by ops) and the API. Either way the definition
// is checked against the database (accounts, numbers), turned into PJSIP rows by one function, and written with
// the trunk's accounts and numbers in one transaction; the ARI app then expires the trunk's cached objects.
import { isDeepStrictEqual } from 'node:util';
import type { Database, Queryable } from '../../db/connection';
import { trunkObjectId, trunkRows, type TrunkDefinition, type TrunkRows } from '../../db/repositories/trunk-rows';
import { findTrunk, listTrunks, numbersOnOtherTrunks, readTrunkState, writeTrunk, deleteTrunk, type TrunkRecord, type TrunkState } from '../../db/repositories/trunks';
import { authPassword } from '../../db/repositories/pjsip';
import { createError, notFound, type FieldProblem } from '../http/errors';
import type { RequestContext } from '../http/routes';
import type { ChangeNotifier } from '../notifier';
import { addressProblems } from './address-policy';

export type Auditor = RequestContext['audit'];

export interface TrunkWrite {
  name: string;
  source: TrunkRecord['source'];
  /** Stored as the trunk's definition: never holds a password. */
  definition: TrunkDefinition<{ username: string }>;
  /** The resolved secret, when the trunk has credentials. */
  password: string | undefined;
}

export interface TrunkPlan {
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'delete';
  /** One line per changed row field, account or number: what a dry run prints. */
  changes: string[];
}

function desiredState(write: TrunkWrite): TrunkState & { rows: TrunkRows } {
  return { rows: trunkRows(write.name, write.definition, write.password), accounts: [...write.definition.accounts].sort((a, b) => a - b), numbers: [...write.definition.numbers].sort((a, b) => a.number.localeCompare(b.number)) };
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
  if (!isDeepStrictEqual(current?.numbers ?? [], desired.numbers)) changes.push(`numbers: ${(current?.numbers ?? []).length} -> ${desired.numbers.length} (${desired.numbers.map((entry) => entry.number).join(', ')})`);
  return changes;
}

export class TrunkService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier) {}

  /** Problems the schema cannot see: unknown accounts, numbers assigned outside the trunk's accounts or
   *  carried by another trunk. Paths are JSON pointers into the definition, for files and the API alike. */
  async check(name: string, definition: TrunkDefinition<{ username: string }>, db: Queryable = this.db): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const known = new Set(((await db('accounts').whereIn('id', definition.accounts).pluck('id')) as number[]).map(Number));
    definition.accounts.forEach((accountId, index) => {
      if (!known.has(accountId)) problems.push({ path: `/accounts/${index}`, message: `account ${accountId} does not exist` });
    });
    const seen = new Map<string, number>();
    definition.numbers.forEach((entry, index) => {
      if (seen.has(entry.number)) problems.push({ path: `/numbers/${index}/number`, message: `${entry.number} is listed twice (also at /numbers/${seen.get(entry.number)})` });
      seen.set(entry.number, index);
      if (entry.account !== undefined && !definition.accounts.includes(entry.account)) problems.push({ path: `/numbers/${index}/account`, message: `account ${entry.account} is not among the trunk's accounts` });
      if (entry.extension !== undefined && entry.account === undefined) problems.push({ path: `/numbers/${index}/extension`, message: 'needs the account whose extension it is' });
    });
    const taken = await numbersOnOtherTrunks(db, name, definition.numbers.map((entry) => entry.number));
    for (const { number, trunk } of taken) problems.push({ path: `/numbers/${seen.get(number)}/number`, message: `${number} is carried by trunk ${trunk}` });
    return problems;
  }

  async plan(write: TrunkWrite): Promise<TrunkPlan> {
    const existing = await findTrunk(this.db, write.name);
    const current = existing ? await readTrunkState(this.db, existing) : undefined;
    const changes = diffTrunkState(current, desiredState(write));
    return { name: write.name, action: !existing ? 'create' : changes.length > 0 ? 'update' : 'unchanged', changes };
  }

  /** Hosts and inbound addresses that are not public, or ranges too broad (address-policy.ts). */
  checkAddresses(definition: TrunkDefinition<{ username: string }>): Promise<FieldProblem[]> {
    return addressProblems(definition);
  }

  /** Creates or replaces a trunk. Throws 400 for a refused address, 422 for every other problem, having
   *  written nothing. */
  async put(write: TrunkWrite, audit?: Auditor): Promise<TrunkPlan> {
    const refused = await this.checkAddresses(write.definition);
    if (refused.length > 0) {
      throw createError('TRUNK_ADDRESS_NOT_ALLOWED', 400, `Trunk ${write.name} cannot be saved: ${refused.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}.`, { fields: refused });
    }
    const plan = await this.db.transaction(async (trx) => {
      const problems = await this.check(write.name, write.definition, trx);
      if (problems.length > 0) {
        throw createError('TRUNK_INVALID', 422, `Trunk ${write.name} cannot be saved: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}.`, { fields: problems });
      }
      const existing = await findTrunk(trx, write.name);
      const current = existing ? await readTrunkState(trx, existing) : undefined;
      const desired = desiredState(write);
      const changes = diffTrunkState(current, desired);
      if (existing && changes.length === 0 && existing.source === write.source) return { name: write.name, action: 'unchanged' as const, changes, registrationChanged: false };
      const id = await writeTrunk(trx, { name: write.name, source: write.source, definition: write.definition, rows: desired.rows, accounts: desired.accounts, numbers: desired.numbers });
      await audit?.(trx, { accountId: null, action: existing ? 'trunk.update' : 'trunk.create', entity: 'trunk', entityId: id, before: existing?.definition, after: write.definition });
      const registrationChanged = !isDeepStrictEqual(current?.rows.ps_registrations, desired.rows.ps_registrations);
      return { name: write.name, action: existing ? 'update' as const : 'create' as const, changes, registrationChanged };
    });
    if (plan.action !== 'unchanged') await this.notifier.trunksChanged([trunkObjectId(write.name)], plan.registrationChanged);
    return { name: plan.name, action: plan.action, changes: plan.changes };
  }

  async remove(name: string, audit?: Auditor): Promise<void> {
    const removed = await this.db.transaction(async (trx) => {
      const existing = await findTrunk(trx, name);
      if (!existing) throw notFound('trunk', name);
      const state = await readTrunkState(trx, existing);
      await deleteTrunk(trx, name);
      await audit?.(trx, { accountId: null, action: 'trunk.delete', entity: 'trunk', entityId: existing.id, before: existing.definition });
      return state;
    });
    await this.notifier.trunksChanged([trunkObjectId(name)], removed.rows.ps_registrations !== undefined);
  }

  list(): Promise<TrunkRecord[]> {
    return listTrunks(this.db);
  }

  find(name: string): Promise<TrunkRecord | undefined> {
    return findTrunk(this.db, name);
  }

  /** The trunk's current password, for an API edit that does not change it. */
  currentPassword(name: string): Promise<string | undefined> {
    return authPassword(this.db, trunkObjectId(name));
  }

  async state(name: string): Promise<TrunkState | undefined> {
    const existing = await findTrunk(this.db, name);
    return existing && readTrunkState(this.db, existing);
  }
}
