// Trunks, the accounts they serve, the numbers they carry, and their PJSIP rows. A trunk is written whole:
// its rows are replaced, never patched, so a trunk's rows are always exactly what its definition produces.
import type { Queryable } from '../connection';
import { TRUNK_TABLES, trunkObjectId, type Row, type TrunkNumber, type TrunkRows } from './trunk-rows';

export interface TrunkRecord {
  id: number;
  name: string;
  source: 'file' | 'api';
  definition: unknown;
}

/** A trunk as the database holds it: what a dry run compares a file with. */
export interface TrunkState {
  rows: Partial<Record<(typeof TRUNK_TABLES)[number], Row>>;
  accounts: number[];
  numbers: TrunkNumber[];
}

function parseDefinition(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export async function listTrunks(db: Queryable): Promise<TrunkRecord[]> {
  const rows = (await db('trunks').select('id', 'name', 'source', 'definition').orderBy('name')) as TrunkRecord[];
  return rows.map((row) => ({ ...row, id: Number(row.id), definition: parseDefinition(row.definition) }));
}

export async function findTrunk(db: Queryable, name: string): Promise<TrunkRecord | undefined> {
  const row = (await db('trunks').where({ name }).first('id', 'name', 'source', 'definition')) as TrunkRecord | undefined;
  return row && { ...row, id: Number(row.id), definition: parseDefinition(row.definition) };
}

export async function readTrunkState(db: Queryable, trunk: { id: number; name: string }): Promise<TrunkState> {
  const id = trunkObjectId(trunk.name);
  const rows: TrunkState['rows'] = {};
  for (const table of TRUNK_TABLES) {
    const row = (await db(table).where({ id }).first()) as Row | undefined;
    if (row) rows[table] = row;
  }
  const accounts = ((await db('trunk_accounts').where({ trunk_id: trunk.id }).orderBy('account_id').pluck('account_id')) as number[]).map(Number);
  const numberRows = (await db('trunk_numbers').where({ trunk_id: trunk.id }).orderBy('number').select('number', 'account_id', 'extension')) as { number: string; account_id: number | null; extension: string | null }[];
  const numbers = numberRows.map((row) => ({
    number: row.number,
    ...(row.account_id === null ? {} : { account: Number(row.account_id) }),
    ...(row.extension === null ? {} : { extension: row.extension }),
  }));
  return { rows, accounts, numbers };
}

/** Numbers of this list already carried by another trunk. */
export async function numbersOnOtherTrunks(db: Queryable, trunkName: string, numbers: string[]): Promise<{ number: string; trunk: string }[]> {
  if (numbers.length === 0) return [];
  return (await db('trunk_numbers')
    .join('trunks', 'trunks.id', 'trunk_numbers.trunk_id')
    .whereIn('trunk_numbers.number', numbers)
    .andWhereNot('trunks.name', trunkName)
    .select('trunk_numbers.number as number', 'trunks.name as trunk')) as { number: string; trunk: string }[];
}

export async function writeTrunk(
  db: Queryable,
  trunk: { name: string; source: 'file' | 'api'; definition: unknown; rows: TrunkRows; accounts: number[]; numbers: TrunkNumber[] },
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
  await db('trunk_numbers').where({ trunk_id: trunkId }).delete();
  if (trunk.numbers.length > 0) {
    await db('trunk_numbers').insert(trunk.numbers.map((entry) => ({ trunk_id: trunkId, number: entry.number, account_id: entry.account ?? null, extension: entry.extension ?? null })));
  }
  return trunkId;
}

async function deletePjsipRows(db: Queryable, name: string): Promise<void> {
  const id = trunkObjectId(name);
  for (const table of TRUNK_TABLES) await db(table).where({ id }).delete();
  await db('ps_contacts').where({ endpoint: id }).delete();
}

export async function deleteTrunk(db: Queryable, name: string): Promise<void> {
  await deletePjsipRows(db, name);
  await db('trunks').where({ name }).delete();
}

/** Where a call from a trunk to one of its numbers goes, if the number is assigned to an account it serves. */
export async function findInboundRoute(db: Queryable, trunkEndpoint: string, number: string): Promise<{ accountId: number; extension: string | null } | undefined> {
  const row = (await db('trunk_numbers')
    .join('trunks', 'trunks.id', 'trunk_numbers.trunk_id')
    .join('trunk_accounts', function joinServed() {
      this.on('trunk_accounts.trunk_id', '=', 'trunks.id').andOn('trunk_accounts.account_id', '=', 'trunk_numbers.account_id');
    })
    .where('trunks.name', trunkEndpoint.replace(/^trunk-/, ''))
    .andWhere('trunk_numbers.number', number)
    .first('trunk_numbers.account_id as accountId', 'trunk_numbers.extension as extension')) as { accountId: number; extension: string | null } | undefined;
  return row && { accountId: Number(row.accountId), extension: row.extension };
}
