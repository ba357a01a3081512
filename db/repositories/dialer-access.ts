// Dialer access (issue 10): who may place outbound calls in an account (one dialer_access row each), and the
// number their calls present by default. The admin API grants and revokes it; the ARI app reads it fresh for
// every outbound call.
import type { Dialer } from '../../core/caller-id-policy';
import type { Queryable } from '../connection';
import { effectiveMembership } from './memberships';

export interface DialerAccessRecord {
  userId: number;
  username: string;
  fullName: string;
  defaultNumberId: number | null;
  /** The default number itself, for people reading the list. */
  defaultNumber: string | null;
  grantedBy: number | null;
  grantedAt: string;
}

interface DialerAccessRow {
  user_id: number | string;
  username: string;
  full_name: string;
  default_number_id: number | string | null;
  default_number: string | null;
  granted_by: number | string | null;
  created_at: Date | string;
}

function toRecord(row: DialerAccessRow): DialerAccessRecord {
  return {
    userId: Number(row.user_id),
    username: row.username,
    fullName: row.full_name,
    defaultNumberId: row.default_number_id === null ? null : Number(row.default_number_id),
    defaultNumber: row.default_number,
    grantedBy: row.granted_by === null ? null : Number(row.granted_by),
    grantedAt: (row.created_at instanceof Date ? row.created_at : new Date(row.created_at)).toISOString(),
  };
}

function accessQuery(db: Queryable, accountId: number) {
  return db('dialer_access as a')
    .join('users as u', 'u.id', 'a.user_id')
    .leftJoin('phone_numbers as n', 'n.id', 'a.default_number_id')
    .where('a.account_id', accountId)
    .select('a.user_id', 'u.username', 'u.full_name', 'a.default_number_id', 'n.number as default_number', 'a.granted_by', 'a.created_at');
}

export async function listDialerAccess(db: Queryable, accountId: number): Promise<DialerAccessRecord[]> {
  return ((await accessQuery(db, accountId).orderBy('a.user_id')) as DialerAccessRow[]).map(toRecord);
}

export async function findDialerAccess(db: Queryable, accountId: number, userId: number): Promise<DialerAccessRecord | undefined> {
  const row = (await accessQuery(db, accountId).andWhere('a.user_id', userId).first()) as DialerAccessRow | undefined;
  return row && toRecord(row);
}

/** Grants access (or, already granted, changes its default number). */
export async function putDialerAccess(db: Queryable, accountId: number, userId: number, access: { defaultNumberId: number | null; grantedBy: number | null }): Promise<void> {
  await db('dialer_access')
    .insert({ account_id: accountId, user_id: userId, default_number_id: access.defaultNumberId, granted_by: access.grantedBy })
    .onConflict(['account_id', 'user_id'])
    .merge({ default_number_id: access.defaultNumberId, updated_at: db.fn.now() });
}

/** Sets the user's default caller ID; false when they have no dialer access in the account. */
export async function setDefaultNumber(db: Queryable, accountId: number, userId: number, numberId: number | null): Promise<boolean> {
  const updated = await db('dialer_access').where({ account_id: accountId, user_id: userId }).update({ default_number_id: numberId, updated_at: db.fn.now() });
  return Number(updated) > 0;
}

export async function deleteDialerAccess(db: Queryable, accountId: number, userId: number): Promise<void> {
  await db('dialer_access').where({ account_id: accountId, user_id: userId }).delete();
}

/** The user's dialer access as an outbound call checks it: a dialer_access row of the account while they are
 *  an active member there (a removed user's row grants nothing). Read fresh per call: a revocation applies to
 *  the next call. */
export async function findDialer(db: Queryable, accountId: number, userId: number): Promise<Dialer | undefined> {
  const row = (await db('dialer_access as a')
    .join('users as u', 'u.id', 'a.user_id')
    .where({ 'a.account_id': accountId, 'a.user_id': userId, 'u.status': 'active' })
    .first('a.default_number_id')) as { default_number_id: number | string | null } | undefined;
  if (!row || !(await effectiveMembership(db, userId, accountId))) return undefined;
  return { userId, defaultNumberId: row.default_number_id === null ? null : Number(row.default_number_id) };
}
