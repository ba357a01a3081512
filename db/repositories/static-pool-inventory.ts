// Reads of a trunk's static pool as a number provider sees it (core/number-providers/static-pool.ts): which of
// the numbers a trunk file lists are free to buy, and which the "provider" holds. Writing the pool from the
// file is db/repositories/static-pool.ts; assigning a number to an account is the purchase job's.
import { STATIC_POOL } from '../../core/numbers';
import type { Queryable } from '../connection';
import { capabilitiesOf, type NumberPlaceRow } from './phone-numbers';

export interface StaticPoolNumber {
  number: string;
  country: string | null;
  region: string | null;
  locality: string | null;
  voice: boolean;
  sms: boolean;
  fax: boolean;
  accountId: number | null;
  state: string;
}

export interface FreeNumberFilter {
  /** Rows of this country, or of no recorded country (the caller tells those by their number). */
  country: string;
  region?: string;
  locality?: string;
  capabilities: { voice?: boolean; sms?: boolean; fax?: boolean };
}

interface Row extends NumberPlaceRow {
  account_id: number | string | null;
  state: string;
}

const COLUMNS = ['number', 'country', 'region', 'locality', 'voice', 'sms', 'fax', 'account_id', 'state'];

function poolNumber(row: Row): StaticPoolNumber {
  return {
    number: row.number, country: row.country, region: row.region, locality: row.locality,
    ...capabilitiesOf(row),
    accountId: row.account_id === null ? null : Number(row.account_id), state: row.state,
  };
}

function livePool(db: Queryable, trunkId: number) {
  return db('phone_numbers').where({ trunk_id: trunkId, provider: STATIC_POOL }).whereNotNull('live_number');
}

/** The trunk's numbers no account holds, in service, matching the filter (the collation ignores case). */
export async function freeStaticPoolNumbers(db: Queryable, trunkId: number, filter: FreeNumberFilter): Promise<StaticPoolNumber[]> {
  const query = livePool(db, trunkId).whereNull('account_id').andWhere('state', 'active')
    .andWhere((where) => { where.where('country', filter.country).orWhereNull('country'); });
  if (filter.region !== undefined) query.andWhere('region', filter.region);
  if (filter.locality !== undefined) query.andWhere('locality', filter.locality);
  for (const capability of ['voice', 'sms', 'fax'] as const) if (filter.capabilities[capability]) query.andWhere(capability, true);
  return ((await query.orderBy('number').select(COLUMNS)) as Row[]).map(poolNumber);
}

/** The trunk's held row of the number, whoever holds it. */
export async function findStaticPoolNumber(db: Queryable, trunkId: number, number: string): Promise<StaticPoolNumber | undefined> {
  const row = (await livePool(db, trunkId).andWhere('number', number).first(COLUMNS)) as Row | undefined;
  return row && poolNumber(row);
}

/** Every held number of the trunk's static pool. */
export async function staticPoolNumbers(db: Queryable, trunkId: number): Promise<StaticPoolNumber[]> {
  return ((await livePool(db, trunkId).orderBy('number').select(COLUMNS)) as Row[]).map(poolNumber);
}
