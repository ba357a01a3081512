// User groups and their members. A group belongs to one account; its members and manager are users of it.
import type { Queryable } from '../connection';

export interface GroupRecord {
  id: number;
  name: string;
  managerUserId: number | null;
  memberIds: number[];
}

export interface GroupFields {
  name?: string;
  managerUserId?: number | null;
}

interface GroupRow {
  id: number | string;
  name: string;
  manager_user_id: number | string | null;
}

function groupRecord(row: GroupRow, memberIds: number[]): GroupRecord {
  return {
    id: Number(row.id),
    name: row.name,
    managerUserId: row.manager_user_id === null ? null : Number(row.manager_user_id),
    memberIds: [...memberIds].sort((a, b) => a - b),
  };
}

async function membersByGroup(db: Queryable, groupIds: number[]): Promise<Map<number, number[]>> {
  const byGroup = new Map<number, number[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return byGroup;
  const rows = await db('user_group_members').whereIn('group_id', groupIds).select('group_id', 'user_id');
  for (const row of rows as { group_id: number | string; user_id: number | string }[]) byGroup.get(Number(row.group_id))?.push(Number(row.user_id));
  return byGroup;
}

export async function listGroups(db: Queryable, accountId: number): Promise<GroupRecord[]> {
  const rows = (await db('user_groups').where({ account_id: accountId }).orderBy('name').select('id', 'name', 'manager_user_id')) as GroupRow[];
  const members = await membersByGroup(db, rows.map((row) => Number(row.id)));
  return rows.map((row) => groupRecord(row, members.get(Number(row.id)) ?? []));
}

export async function findGroup(db: Queryable, accountId: number, groupId: number): Promise<GroupRecord | undefined> {
  const row = (await db('user_groups').where({ id: groupId, account_id: accountId }).first('id', 'name', 'manager_user_id')) as GroupRow | undefined;
  if (!row) return undefined;
  const members = await membersByGroup(db, [groupId]);
  return groupRecord(row, members.get(groupId) ?? []);
}

export async function groupNameTaken(db: Queryable, accountId: number, name: string, exceptGroupId?: number): Promise<boolean> {
  const query = db('user_groups').where({ account_id: accountId, name });
  if (exceptGroupId !== undefined) query.whereNot({ id: exceptGroupId });
  return (await query.first('id')) !== undefined;
}

export async function insertGroup(db: Queryable, accountId: number, fields: { name: string; managerUserId: number | null }): Promise<number> {
  const [id] = await db('user_groups').insert({ account_id: accountId, name: fields.name, manager_user_id: fields.managerUserId });
  return Number(id);
}

export async function updateGroup(db: Queryable, groupId: number, fields: GroupFields): Promise<void> {
  const row: Record<string, unknown> = {};
  if (fields.name !== undefined) row.name = fields.name;
  if (fields.managerUserId !== undefined) row.manager_user_id = fields.managerUserId;
  if (Object.keys(row).length > 0) await db('user_groups').where({ id: groupId }).update({ ...row, updated_at: db.fn.now() });
}

export async function deleteGroup(db: Queryable, groupId: number): Promise<void> {
  await db('user_groups').where({ id: groupId }).delete();
}

export async function replaceGroupMembers(db: Queryable, groupId: number, memberIds: number[]): Promise<void> {
  await db('user_group_members').where({ group_id: groupId }).delete();
  const unique = [...new Set(memberIds)];
  if (unique.length > 0) await db('user_group_members').insert(unique.map((userId) => ({ group_id: groupId, user_id: userId })));
}

/** The users among userIds that hold no membership in the account. */
export async function usersOutsideAccount(db: Queryable, accountId: number, userIds: number[]): Promise<number[]> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return [];
  const found = new Set((await db('memberships').where({ account_id: accountId }).whereIn('user_id', unique).pluck('user_id')).map(Number));
  return unique.filter((id) => !found.has(id));
}
