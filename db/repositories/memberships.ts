// Memberships: (user, account, role applied). A user's effective membership in an account is their own there,
// or one held higher up the tree by a role that reaches descendants (Organization Owner, reseller roles).
import type { Permission } from '../../core/access';
import { parseJson, type Queryable } from '../connection';
import { toUser, USER_COLUMNS, type UserRecord, type UserStatus } from './users';

export interface MembershipRecord {
  id: number;
  userId: number;
  accountId: number;
  roleId: number | null;
  roleName: string;
  rank: number;
  permissions: Permission[];
  reachesDescendants: boolean;
  status: UserStatus;
}

export interface EffectiveMembership extends MembershipRecord {
  /** Held at an ancestor account and reaching this one, rather than held here. */
  inherited: boolean;
}

interface MembershipRow {
  id: number | string;
  user_id: number | string;
  account_id: number | string;
  role_id: number | string | null;
  role_name: string;
  rank: number;
  permissions: string | Permission[];
  reaches_descendants: number | boolean;
  status: UserStatus;
}

export function toMembership(row: MembershipRow): MembershipRecord {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    accountId: Number(row.account_id),
    roleId: row.role_id === null ? null : Number(row.role_id),
    roleName: row.role_name,
    rank: row.rank,
    permissions: parseJson<Permission[]>(row.permissions),
    reachesDescendants: Boolean(row.reaches_descendants),
    status: row.status,
  };
}

/** The account and its ancestors, nearest first. */
export async function accountLineage(db: Queryable, accountId: number): Promise<number[]> {
  const row = await db('accounts as a')
    .leftJoin('accounts as p', 'p.id', 'a.parent_id')
    .where('a.id', accountId)
    .first('a.id as self', 'a.parent_id as parent', 'p.parent_id as grandparent');
  if (!row) return [];
  return [row.self, row.parent, row.grandparent].filter((id) => id !== null && id !== undefined).map(Number);
}

/** The direct children of an account (an organization's subaccounts). */
export async function childAccountIds(db: Queryable, accountId: number): Promise<number[]> {
  return (await db('accounts').where({ parent_id: accountId }).pluck('id')).map(Number);
}

export async function effectiveMembership(db: Queryable, userId: number, accountId: number): Promise<EffectiveMembership | undefined> {
  const lineage = await accountLineage(db, accountId);
  if (lineage.length === 0) return undefined;
  const rows = await db<MembershipRow>('memberships').where({ user_id: userId, status: 'active' }).whereIn('account_id', lineage);
  const candidates = rows
    .map(toMembership)
    .filter((membership) => membership.accountId === accountId || membership.reachesDescendants)
    .map((membership) => ({ ...membership, inherited: membership.accountId !== accountId }));
  // Where a user holds both (e.g. an Organization Owner also invited to a subaccount), the higher rank counts.
  return candidates.sort((a, b) => b.rank - a.rank)[0];
}

export async function findMembership(db: Queryable, userId: number, accountId: number): Promise<MembershipRecord | undefined> {
  const row = await db<MembershipRow>('memberships').where({ user_id: userId, account_id: accountId }).first();
  return row ? toMembership(row) : undefined;
}

export interface NewMembership {
  userId: number;
  accountId: number;
  role: { id: number; name: string; rank: number; permissions: Permission[]; reachesDescendants: boolean };
  status: UserStatus;
}

function membershipRow(membership: NewMembership): Record<string, unknown> {
  return {
    user_id: membership.userId,
    account_id: membership.accountId,
    role_id: membership.role.id,
    role_name: membership.role.name,
    rank: membership.role.rank,
    permissions: JSON.stringify(membership.role.permissions),
    reaches_descendants: membership.role.reachesDescendants,
    status: membership.status,
  };
}

export async function insertMemberships(db: Queryable, memberships: NewMembership[]): Promise<void> {
  if (memberships.length > 0) await db('memberships').insert(memberships.map(membershipRow));
}

/** Applies a role to an existing membership: its permissions are copied now. */
export async function applyRole(db: Queryable, membershipId: number, role: NewMembership['role']): Promise<void> {
  await db('memberships').where({ id: membershipId }).update({
    role_id: role.id,
    role_name: role.name,
    rank: role.rank,
    permissions: JSON.stringify(role.permissions),
    reaches_descendants: role.reachesDescendants,
    updated_at: db.fn.now(),
  });
}

export async function setMembershipStatus(db: Queryable, where: { userId: number; accountIds?: number[] }, status: UserStatus): Promise<void> {
  const query = db('memberships').where({ user_id: where.userId });
  if (where.accountIds) query.whereIn('account_id', where.accountIds);
  await query.update({ status, updated_at: db.fn.now() });
}

export async function deleteMembership(db: Queryable, membershipId: number): Promise<void> {
  await db('memberships').where({ id: membershipId }).delete();
}

/** Removes the membership a new user's invitation created, while it is still only invited. */
export async function deleteInvitedMembership(db: Queryable, userId: number, accountId: number): Promise<void> {
  await db('memberships').where({ user_id: userId, account_id: accountId, status: 'invited' }).delete();
}

/** Whether the user holds any membership at all, in any state. */
export async function hasAnyMembership(db: Queryable, userId: number): Promise<boolean> {
  return (await db('memberships').where({ user_id: userId }).first('id')) !== undefined;
}

/** How many accounts the user is an active member of. */
export async function countActiveMembershipsOf(db: Queryable, userId: number): Promise<number> {
  const row = await db('memberships').where({ user_id: userId, status: 'active' }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function countActiveWithRoleRank(db: Queryable, accountId: number, rank: number): Promise<number> {
  const row = await db('memberships').where({ account_id: accountId, rank, status: 'active' }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Every membership holding the role, whatever its status; `forUpdate` locks them (in id order) until commit. */
export async function membershipsHoldingRole(db: Queryable, roleId: number, options: { forUpdate?: boolean } = {}): Promise<MembershipRecord[]> {
  const query = db<MembershipRow>('memberships').where({ role_id: roleId }).orderBy('id');
  if (options.forUpdate) query.forUpdate();
  return (await query).map(toMembership);
}

/** Serializes changes to who holds what in an account (removals, role changes, role edits and re-applies), so
 *  rules that count holders, such as "never the last Organization Owner", hold under concurrent requests. Each
 *  such transaction locks the account row as its first statement: one lock, always taken first, so they queue
 *  instead of deadlocking, and (InnoDB's snapshot starts at the first plain read) every read after it sees what
 *  the previous holder of the lock committed. */
export async function lockAccountMemberships(trx: Queryable, accountId: number): Promise<void> {
  await trx('accounts').where({ id: accountId }).forUpdate().first('id');
}

/** Accounts a user reaches: where they hold a membership, and below those that reach descendants. */
export async function reachableAccounts(db: Queryable, userId: number): Promise<{ accountId: number; membership: MembershipRecord; inherited: boolean }[]> {
  const held = (await db<MembershipRow>('memberships').where({ user_id: userId, status: 'active' })).map(toMembership);
  const result = new Map<number, { accountId: number; membership: MembershipRecord; inherited: boolean }>();
  for (const membership of held) {
    const current = result.get(membership.accountId);
    if (!current || current.membership.rank < membership.rank) result.set(membership.accountId, { accountId: membership.accountId, membership, inherited: false });
  }
  const reaching = held.filter((membership) => membership.reachesDescendants);
  if (reaching.length > 0) {
    const children = await db('accounts as c')
      .leftJoin('accounts as p', 'p.id', 'c.parent_id')
      .whereIn('c.parent_id', reaching.map((m) => m.accountId))
      .orWhereIn('p.parent_id', reaching.map((m) => m.accountId))
      .select('c.id', 'c.parent_id', 'p.parent_id as grandparent_id');
    for (const child of children as { id: number; parent_id: number; grandparent_id: number | null }[]) {
      const via = reaching.filter((m) => m.accountId === Number(child.parent_id) || m.accountId === Number(child.grandparent_id)).sort((a, b) => b.rank - a.rank)[0];
      const current = result.get(Number(child.id));
      if (via && (!current || current.membership.rank < via.rank)) result.set(Number(child.id), { accountId: Number(child.id), membership: via, inherited: true });
    }
  }
  return [...result.values()];
}

export interface AccountUser {
  user: UserRecord;
  membership: MembershipRecord;
}

/** The users holding a membership in the account, optionally those of one group or one status. */
export async function listAccountUsers(db: Queryable, accountId: number, filter: { groupId?: number; status?: UserStatus; userId?: number } = {}): Promise<AccountUser[]> {
  const query = db('memberships')
    .join('users', 'users.id', 'memberships.user_id')
    .where('memberships.account_id', accountId)
    .orderBy('users.id')
    .select([...USER_COLUMNS, 'memberships.id as m_id', 'memberships.user_id as m_user_id', 'memberships.account_id as m_account_id', 'memberships.role_id as m_role_id',
      'memberships.role_name as m_role_name', 'memberships.rank as m_rank', 'memberships.permissions as m_permissions',
      'memberships.reaches_descendants as m_reaches', 'memberships.status as m_status']);
  if (filter.status) query.andWhere('memberships.status', filter.status);
  if (filter.userId) query.andWhere('users.id', filter.userId);
  if (filter.groupId) query.whereIn('users.id', db('user_group_members').where('group_id', filter.groupId).select('user_id'));
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((row) => ({
    user: toUser(row as never),
    membership: toMembership({
      id: row.m_id as number, user_id: row.m_user_id as number, account_id: row.m_account_id as number, role_id: row.m_role_id as number | null,
      role_name: row.m_role_name as string, rank: row.m_rank as number, permissions: row.m_permissions as string,
      reaches_descendants: row.m_reaches as number, status: row.m_status as UserStatus,
    }),
  }));
}
