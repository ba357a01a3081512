// Trunks, the accounts they serve, the numbers they carry, and their PJSIP rows. A trunk's PJSIP rows are
// replaced, never patched, so they are always exactly what its definition produces; its numbers (the static
// pool) are kept by number instead, since the numbers API hangs owners, sharing and routes on them
// (static-pool.ts).
import { STATIC_POOL } from '../../core/numbers';
import { parseJson, type Queryable } from '../connection';
import { liveStaticPoolRows, releaseStaticPool, syncStaticPool } from './static-pool';
import { TRUNK_TABLES, trunkObjectId, type Row, type TrunkDefinition, type TrunkNumber, type TrunkPurchasing, type TrunkRows } from './trunk-rows';
import type { HeldNumber as CallerIdNumber } from '../../core/caller-id-policy';
import { callerIdNumbersOnTrunks } from './phone-numbers';

export interface TrunkRecord {
  id: number;
  name: string;
  source: 'file' | 'api';
  /** As written (trunks.definition): credentials name the username only. */
  definition: TrunkDefinition<{ username: string }>;
}

interface TrunkRow {
  id: number | string;
  name: string;
  source: 'file' | 'api';
  definition: string | TrunkRecord['definition'];
}

/** A trunk as the database holds it: what a dry run compares a file with. */
export interface TrunkState {
  rows: Partial<Record<(typeof TRUNK_TABLES)[number], Row>>;
  accounts: number[];
  /** The static pool's held numbers, each with its account and extension (routes: TrunkNumberRoutes). */
  numbers: TrunkNumber[];
  /** The definition's purchasing section (it sets the pool's monthly price). */
  purchasing?: TrunkPurchasing;
}

// The column holds what the service wrote after validating it; MariaDB may hand JSON back as text.
function trunkRecord(row: TrunkRow): TrunkRecord {
  const definition = parseJson<TrunkRecord['definition']>(row.definition);
  return { id: Number(row.id), name: row.name, source: row.source, definition };
}

export async function listTrunks(db: Queryable): Promise<TrunkRecord[]> {
  const rows = (await db('trunks').select('id', 'name', 'source', 'definition').orderBy('name')) as TrunkRow[];
  return rows.map(trunkRecord);
}

export async function findTrunk(db: Queryable, name: string): Promise<TrunkRecord | undefined> {
  const row = (await db('trunks').where({ name }).first('id', 'name', 'source', 'definition')) as TrunkRow | undefined;
  return row && trunkRecord(row);
}

export async function readTrunkState(db: Queryable, trunk: { id: number; name: string; definition?: Pick<TrunkDefinition, 'purchasing'> }): Promise<TrunkState> {
  const id = trunkObjectId(trunk.name);
  const rows: TrunkState['rows'] = {};
  for (const table of TRUNK_TABLES) {
    const row = (await db(table).where({ id }).first()) as Row | undefined;
    if (row) rows[table] = row;
  }
  const accounts = ((await db('trunk_accounts').where({ trunk_id: trunk.id }).orderBy('account_id').pluck('account_id')) as number[]).map(Number);
  const numbers = (await liveStaticPoolRows(db, trunk.id)).map((row) => ({
    number: row.number,
    ...(row.accountId === null ? {} : { account: row.accountId }),
    ...(row.extension === null ? {} : { extension: row.extension }),
  }));
  const purchasing = trunk.definition?.purchasing;
  return { rows, accounts, numbers, ...(purchasing ? { purchasing } : {}) };
}

/** The account ids of this list that name no account. */
export async function missingAccountIds(db: Queryable, accountIds: number[]): Promise<number[]> {
  if (accountIds.length === 0) return [];
  const known = new Set(((await db('accounts').whereIn('id', accountIds).pluck('id')) as (number | string)[]).map(Number));
  return accountIds.filter((id) => !known.has(id));
}

/** A number a trunk may not list: held (not released) by another trunk, bought at a provider on this one,
 *  or bought on a trunk since removed (trunk null). */
export interface HeldNumber {
  number: string;
  trunk: string | null;
  provider: string;
}

/** The numbers of this list held by anything but this trunk's static pool. */
export async function numbersHeldElsewhere(db: Queryable, trunkName: string, numbers: string[]): Promise<HeldNumber[]> {
  if (numbers.length === 0) return [];
  return (await db('phone_numbers')
    .leftJoin('trunks', 'trunks.id', 'phone_numbers.trunk_id')
    .whereIn('phone_numbers.live_number', numbers)
    .andWhere((held) => { held.whereNull('trunks.name').orWhereNot('trunks.name', trunkName).orWhereNot('phone_numbers.provider', STATIC_POOL); })
    .select('phone_numbers.number as number', 'trunks.name as trunk', 'phone_numbers.provider as provider')) as HeldNumber[];
}

/** Writes the trunk, its PJSIP rows and accounts, and brings its static pool to `numbers` (the merged state),
 *  each held number at `monthlyPriceCents`. */
export async function writeTrunk(
  db: Queryable,
  trunk: { name: string; source: 'file' | 'api'; definition: unknown; rows: TrunkRows; accounts: number[]; numbers: TrunkNumber[]; monthlyPriceCents: number },
): Promise<number> {
  const existing = await findTrunk(db, trunk.name);
  let trunkId: number;
  if (existing) {
    trunkId = existing.id;
    await db('trunks').where({ id: trunkId }).update({ source: trunk.source, definition: JSON.stringify(trunk.definition), updated_at: db.fn.now() });
  } else {
    const [id] = await db('trunks').insert({ name: trunk.name, source: trunk.source, definition: JSON.stringify(trunk.definition) });
    trunkId = Number(id);
  }
  await deletePjsipRows(db, trunk.name);
  for (const table of TRUNK_TABLES) {
    const row = trunk.rows[table];
    if (row) await db(table).insert(row);
  }
  await db('trunk_accounts').where({ trunk_id: trunkId }).delete();
  await db('trunk_accounts').insert(trunk.accounts.map((accountId) => ({ trunk_id: trunkId, account_id: accountId })));
  // The file's numbers are the static pool; numbers bought at the trunk's provider are not the file's to touch.
  await syncStaticPool(db, trunkId, trunk.numbers, trunk.monthlyPriceCents);
  return trunkId;
}

async function deletePjsipRows(db: Queryable, name: string): Promise<void> {
  const id = trunkObjectId(name);
  for (const table of TRUNK_TABLES) await db(table).where({ id }).delete();
  await db('ps_contacts').where({ endpoint: id }).delete();
}

/** The trunk goes with its static pool (released); numbers bought at its provider stay ours, trunk NULL. */
export async function deleteTrunk(db: Queryable, trunk: { id: number; name: string }): Promise<void> {
  await releaseStaticPool(db, trunk.id);
  await deletePjsipRows(db, trunk.name);
  await db('trunks').where({ id: trunk.id }).delete();
}

/** A trunk that serves an account, with the numbers it carries for that account: what an outbound call of the
 *  account may go out through, and with which caller IDs. */
export interface OutboundTrunk {
  name: string;
  /** The trunk's PJSIP endpoint ("trunk-<name>"): calls go out as PJSIP/<e164>@<endpointId>. */
  endpointId: string;
  /** With owner and sharing: the caller-ID policy decides per user which of them a call may present. */
  numbers: CallerIdNumber[];
}

/** The trunks serving an account, in a stable order (by name), each with the account's numbers on it. */
export async function findOutboundTrunks(db: Queryable, accountId: number): Promise<OutboundTrunk[]> {
  const trunks = (await db('trunks')
    .join('trunk_accounts', 'trunk_accounts.trunk_id', 'trunks.id')
    .join('ps_endpoints', 'ps_endpoints.id', db.raw("CONCAT('trunk-', trunks.name)"))
    .where('trunk_accounts.account_id', accountId)
    .orderBy('trunks.name')
    .select('trunks.id as id', 'trunks.name as name')) as { id: number | string; name: string }[];
  if (trunks.length === 0) return [];
  const numbers = await callerIdNumbersOnTrunks(db, accountId, trunks.map((trunk) => Number(trunk.id)));
  return trunks.map((trunk) => ({
    name: trunk.name,
    endpointId: trunkObjectId(trunk.name),
    numbers: numbers.filter((row) => row.trunkId === Number(trunk.id)).map(({ trunkId, ...held }) => held),
  }));
}
