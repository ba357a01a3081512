// The number inventory (issue 10): phone_numbers rows as PhoneNumberRecords, who a number is shared with
// (phone_number_shares), and the reads the ARI app's caller-ID check makes. The only knex for numbers outside
// the trunk files' writer (trunks.ts) and the order jobs.
import type { HeldNumber } from '../../core/caller-id-policy';
import type { NumberCapabilities } from '../../core/number-providers/provider';
import { HELD_NUMBER_STATES, ROUTED_NUMBER_STATES, type NumberSharing, type NumberState, type PhoneNumberRecord } from '../../core/numbers';
import type { Queryable } from '../connection';
import { accountLineage } from './memberships';

/** A phone_numbers row's number, place and capability columns, as every reader of numbers selects them
 *  (MariaDB answers the booleans as 0 and 1). */
export interface NumberPlaceRow {
  number: string;
  country: string | null;
  region: string | null;
  locality: string | null;
  voice: number | boolean;
  sms: number | boolean;
  fax: number | boolean;
}

export function capabilitiesOf(row: Pick<NumberPlaceRow, 'voice' | 'sms' | 'fax'>): NumberCapabilities {
  return { voice: Boolean(row.voice), sms: Boolean(row.sms), fax: Boolean(row.fax) };
}

interface NumberRow extends NumberPlaceRow {
  id: number | string;
  provider: string;
  provider_ref: string | null;
  trunk: string | null;
  account_id: number | string | null;
  owner_user_id: number | string | null;
  label: string | null;
  sharing: NumberSharing;
  state: NumberState;
  monthly_price_cents: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = [
  'n.id', 'n.number', 'n.country', 'n.region', 'n.locality', 'n.voice', 'n.sms', 'n.fax', 'n.provider', 'n.provider_ref', 't.name as trunk',
  'n.account_id', 'n.owner_user_id', 'n.label', 'n.sharing', 'n.state', 'n.monthly_price_cents', 'n.created_at', 'n.updated_at',
];

const optionalId = (value: number | string | null): number | null => (value === null ? null : Number(value));
const isoTime = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

function toRecord(row: NumberRow, sharedWith: number[]): PhoneNumberRecord {
  return {
    id: Number(row.id),
    number: row.number,
    country: row.country,
    region: row.region,
    locality: row.locality,
    capabilities: capabilitiesOf(row),
    provider: row.provider,
    providerRef: row.provider_ref,
    trunk: row.trunk,
    accountId: optionalId(row.account_id),
    ownerUserId: optionalId(row.owner_user_id),
    label: row.label,
    sharing: row.sharing,
    sharedWithUserIds: row.sharing === 'users' ? sharedWith : [],
    state: row.state,
    monthlyPriceCents: Number(row.monthly_price_cents),
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

/** The users each number is shared with, by number id (ascending user ids). */
export async function sharesOf(db: Queryable, numberIds: number[]): Promise<Map<number, number[]>> {
  const byNumber = new Map<number, number[]>(numberIds.map((id) => [id, []]));
  if (numberIds.length === 0) return byNumber;
  const rows = (await db('phone_number_shares').whereIn('number_id', numberIds).orderBy(['number_id', 'user_id']).select('number_id', 'user_id')) as
    { number_id: number | string; user_id: number | string }[];
  for (const row of rows) byNumber.get(Number(row.number_id))?.push(Number(row.user_id));
  return byNumber;
}

async function withShares(db: Queryable, rows: NumberRow[]): Promise<PhoneNumberRecord[]> {
  const shares = await sharesOf(db, rows.filter((row) => row.sharing === 'users').map((row) => Number(row.id)));
  return rows.map((row) => toRecord(row, shares.get(Number(row.id)) ?? []));
}

function numbersQuery(db: Queryable) {
  return db('phone_numbers as n').leftJoin('trunks as t', 't.id', 'n.trunk_id');
}

/** A number of the account (any state), or undefined when it is unknown or another account's. */
export async function findNumberRecord(db: Queryable, accountId: number, numberId: number): Promise<PhoneNumberRecord | undefined> {
  const row = (await numbersQuery(db).where({ 'n.id': numberId, 'n.account_id': accountId }).first(COLUMNS)) as NumberRow | undefined;
  return row ? (await withShares(db, [row]))[0] : undefined;
}

/** Locks the account's number for the rest of the transaction (writers of one number queue on it) and reads its
 *  state and owner as the lock sees them (the latest committed row); undefined when the account has no such number. */
export async function lockNumber(trx: Queryable, accountId: number, numberId: number): Promise<{ state: NumberState; ownerUserId: number | null } | undefined> {
  const row = (await trx('phone_numbers').where({ id: numberId, account_id: accountId }).forUpdate().first('state', 'owner_user_id')) as
    { state: NumberState; owner_user_id: number | string | null } | undefined;
  return row && { state: row.state, ownerUserId: row.owner_user_id === null ? null : Number(row.owner_user_id) };
}

export interface NumberListFilter {
  accountId: number;
  /** Only these states; default: every state that still holds the number (not released or failed). */
  state?: NumberState;
  provider?: string;
  ownerUserId?: number;
  /** A substring of the number or the label. */
  q?: string;
  /** Only numbers this user may use (owner, listed, or shared with the account); undefined: every number. */
  usableBy?: number;
  /** Keyset paging: ids above this one, ascending. */
  afterId?: number;
  limit?: number;
}

/** LIKE treats % and _ as wildcards (MariaDB escapes with a backslash): a search for "50%" means the characters. */
function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export async function listNumbers(db: Queryable, filter: NumberListFilter): Promise<PhoneNumberRecord[]> {
  const query = numbersQuery(db).where('n.account_id', filter.accountId).orderBy('n.id').select(COLUMNS);
  if (filter.state) query.andWhere('n.state', filter.state);
  else query.whereIn('n.state', HELD_NUMBER_STATES);
  if (filter.provider) query.andWhere('n.provider', filter.provider);
  if (filter.ownerUserId !== undefined) query.andWhere('n.owner_user_id', filter.ownerUserId);
  if (filter.q) {
    const pattern = likeSubstring(filter.q);
    query.andWhere((where) => where.where('n.number', 'like', pattern).orWhere('n.label', 'like', pattern));
  }
  if (filter.usableBy !== undefined) {
    const userId = filter.usableBy;
    query.andWhere((where) => where
      .where('n.owner_user_id', userId)
      .orWhere('n.sharing', 'account')
      .orWhere((shared) => shared.where('n.sharing', 'users').whereExists(db('phone_number_shares as s').whereRaw('s.number_id = n.id').andWhere('s.user_id', userId).select(db.raw('1')))));
  }
  if (filter.afterId !== undefined) query.andWhere('n.id', '>', filter.afterId);
  if (filter.limit !== undefined) query.limit(filter.limit);
  return withShares(db, (await query) as NumberRow[]);
}

export interface NumberOwnership {
  ownerUserId: number | null;
  sharing: NumberSharing;
  /** Kept only with sharing 'users'; any other sharing clears the list. */
  sharedWithUserIds: number[];
}

/** Calls to the numbers go nowhere and no one presents them by default: their routes and users' default caller
 *  ID go. For numbers that leave (released, failed, back to a pool). */
export async function unrouteNumbers(db: Queryable, numberIds: number[]): Promise<void> {
  if (numberIds.length === 0) return;
  await db('dialer_access').whereIn('default_number_id', numberIds).update({ default_number_id: null, updated_at: db.fn.now() });
  await db('destinations').where({ owner_type: 'number' }).whereIn('owner_id', numberIds).delete();
}

/** Also whom the numbers are shared with: what the numbers API and dialer access hung on them goes, for numbers
 *  that change hands or leave. */
export async function detachNumbers(db: Queryable, numberIds: number[]): Promise<void> {
  if (numberIds.length === 0) return;
  await unrouteNumbers(db, numberIds);
  await db('phone_number_shares').whereIn('number_id', numberIds).delete();
}

/** Sets the number's owner and sharing, replacing whom it is shared with. */
export async function setNumberOwnership(db: Queryable, numberId: number, ownership: NumberOwnership): Promise<void> {
  await db('phone_numbers').where({ id: numberId }).update({ owner_user_id: ownership.ownerUserId, sharing: ownership.sharing, updated_at: db.fn.now() });
  await db('phone_number_shares').where({ number_id: numberId }).delete();
  const listed = ownership.sharing === 'users' ? [...new Set(ownership.sharedWithUserIds)].filter((userId) => userId !== ownership.ownerUserId) : [];
  if (listed.length > 0) await db('phone_number_shares').insert(listed.map((userId) => ({ number_id: numberId, user_id: userId })));
}

export async function setNumberLabel(db: Queryable, numberId: number, label: string | null): Promise<void> {
  await db('phone_numbers').where({ id: numberId }).update({ label, updated_at: db.fn.now() });
}

/** Adds one user to a number's list (sharing 'users'); already listed is no change. */
export async function addNumberShare(db: Queryable, numberId: number, userId: number): Promise<void> {
  await db('phone_number_shares').insert({ number_id: numberId, user_id: userId }).onConflict(['number_id', 'user_id']).ignore();
}

/** The account's numbers the user owns and still holds (any state but released or failed), by id. */
export async function numbersOwnedBy(db: Queryable, accountId: number, userId: number): Promise<{ id: number; number: string }[]> {
  const rows = (await db('phone_numbers').where({ account_id: accountId, owner_user_id: userId }).whereIn('state', HELD_NUMBER_STATES).orderBy('id').select('id', 'number')) as
    { id: number | string; number: string }[];
  return rows.map((row) => ({ id: Number(row.id), number: row.number }));
}

/** The user leaves every list of the account's numbers. */
export async function removeUserFromShares(db: Queryable, accountId: number, userId: number): Promise<void> {
  await db('phone_number_shares').where({ user_id: userId }).whereIn('number_id', db('phone_numbers').where({ account_id: accountId }).select('id')).delete();
}

/** The account's numbers whose list names the user, by id. */
export async function numbersListing(db: Queryable, accountId: number, userId: number): Promise<number[]> {
  return (await db('phone_number_shares as s').join('phone_numbers as n', 'n.id', 's.number_id').where({ 's.user_id': userId, 'n.account_id': accountId }).orderBy('n.id').pluck('n.id')).map(Number);
}

/** The user owns none of the account's numbers any more: each stays with the account, ownerless, for an admin
 *  to give to someone else. */
export async function disownNumbers(db: Queryable, accountId: number, userId: number): Promise<void> {
  await db('phone_numbers').where({ account_id: accountId, owner_user_id: userId }).update({ owner_user_id: null, updated_at: db.fn.now() });
}

/** Moves ownership of one number to another user; they leave its list (an owner is not listed as well). */
export async function transferNumber(db: Queryable, numberId: number, toUserId: number): Promise<void> {
  await db('phone_numbers').where({ id: numberId }).update({ owner_user_id: toUserId, updated_at: db.fn.now() });
  await db('phone_number_shares').where({ number_id: numberId, user_id: toUserId }).delete();
}

/** The account's numbers on these trunks that calls may present as caller ID (active or being released), with
 *  what the caller-ID policy needs: owner, sharing and list. Read fresh for every outbound call. */
export async function callerIdNumbersOnTrunks(db: Queryable, accountId: number, trunkIds: number[]): Promise<(HeldNumber & { trunkId: number })[]> {
  if (trunkIds.length === 0) return [];
  const rows = (await db('phone_numbers')
    .whereIn('trunk_id', trunkIds)
    .andWhere('account_id', accountId)
    .whereIn('state', ROUTED_NUMBER_STATES)
    .orderBy('number')
    .select('id', 'trunk_id', 'number', 'account_id', 'owner_user_id', 'sharing')) as
    { id: number | string; trunk_id: number | string; number: string; account_id: number | string; owner_user_id: number | string | null; sharing: NumberSharing }[];
  const shares = await sharesOf(db, rows.filter((row) => row.sharing === 'users').map((row) => Number(row.id)));
  return rows.map((row) => ({
    id: Number(row.id), trunkId: Number(row.trunk_id), number: row.number, accountId: Number(row.account_id),
    ownerUserId: optionalId(row.owner_user_id), sharing: row.sharing, sharedWithUserIds: row.sharing === 'users' ? shares.get(Number(row.id)) ?? [] : [],
  }));
}

/** Those of `userIds` who are active users with an active membership reaching the account (held there, or
 *  higher up by a role that reaches descendants): who may own a number of it or have one shared with them. */
export async function activeMembersAmong(db: Queryable, accountId: number, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const lineage = await accountLineage(db, accountId);
  const rows = (await db('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereIn('m.user_id', [...new Set(userIds)])
    .andWhere({ 'm.status': 'active', 'u.status': 'active' })
    .andWhere((where) => where.where('m.account_id', accountId).orWhere((above) => above.whereIn('m.account_id', lineage).andWhere('m.reaches_descendants', true)))
    .distinct('m.user_id')) as { user_id: number | string }[];
  return new Set(rows.map((row) => Number(row.user_id)));
}
