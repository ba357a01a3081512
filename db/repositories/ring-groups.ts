// Ring groups: members (users or external numbers, in order) rung by a strategy, with an extension in the
// account's plan (account_extensions, written through db/repositories/extensions.ts) and a failover destination
// (db/repositories/destinations.ts, slot 'failover'). What the ARI app reads of them is db/repositories/routing.ts.
import type { Destination } from '../../core/destinations';
import type { Queryable } from '../connection';
import { destinationsOfOwners } from './destinations';

export type RingStrategy = 'ring_all' | 'linear' | 'round_robin' | 'random';

export type RingGroupMember =
  | { userId: number; ringSeconds: number | null }
  | { number: string; ringSeconds: number | null };

export interface RingGroupFields {
  name: string;
  strategy: RingStrategy;
  memberRingSeconds: number;
  totalSeconds: number;
  skipBusy: boolean;
  callerIdPrefix: string | null;
}

export interface RingGroupRecord extends RingGroupFields {
  id: number;
  extension: string | null;
  members: RingGroupMember[];
  failover: Destination | null;
}

interface RingGroupRow {
  id: number | string;
  name: string;
  strategy: RingStrategy;
  member_ring_seconds: number;
  total_seconds: number;
  skip_busy: number | boolean;
  caller_id_prefix: string | null;
  extension: string | null;
}

interface MemberRow {
  ring_group_id: number | string;
  member_type: 'user' | 'external';
  user_id: number | string | null;
  external_number: string | null;
  ring_seconds: number | null;
}

const COLUMNS = ['g.id', 'g.name', 'g.strategy', 'g.member_ring_seconds', 'g.total_seconds', 'g.skip_busy', 'g.caller_id_prefix', 'e.extension'];

function groupsQuery(db: Queryable, accountId: number) {
  return db('ring_groups as g')
    .leftJoin('account_extensions as e', function joinExtension() {
      this.on('e.account_id', '=', 'g.account_id').andOn('e.owner_id', '=', 'g.id').andOnVal('e.owner_type', '=', 'ring_group');
    })
    .where('g.account_id', accountId);
}

function memberOf(row: MemberRow): RingGroupMember {
  return row.member_type === 'user'
    ? { userId: Number(row.user_id), ringSeconds: row.ring_seconds }
    : { number: row.external_number ?? '', ringSeconds: row.ring_seconds };
}

async function withDetails(db: Queryable, accountId: number, rows: RingGroupRow[]): Promise<RingGroupRecord[]> {
  const ids = rows.map((row) => Number(row.id));
  const memberRows = ids.length === 0 ? [] : ((await db('ring_group_members').whereIn('ring_group_id', ids).orderBy(['ring_group_id', 'position'])
    .select('ring_group_id', 'member_type', 'user_id', 'external_number', 'ring_seconds')) as MemberRow[]);
  const failovers = await destinationsOfOwners(db, accountId, 'ring_group', ids);
  return rows.map((row) => ({
    id: Number(row.id),
    name: row.name,
    extension: row.extension,
    strategy: row.strategy,
    memberRingSeconds: row.member_ring_seconds,
    totalSeconds: row.total_seconds,
    skipBusy: Boolean(row.skip_busy),
    callerIdPrefix: row.caller_id_prefix,
    members: memberRows.filter((member) => Number(member.ring_group_id) === Number(row.id)).map(memberOf),
    failover: failovers.get(Number(row.id))?.get('failover') ?? null,
  }));
}

export async function listRingGroups(db: Queryable, accountId: number): Promise<RingGroupRecord[]> {
  const rows = (await groupsQuery(db, accountId).orderBy('g.name').select(COLUMNS)) as RingGroupRow[];
  return withDetails(db, accountId, rows);
}

/** One ring group of the account; forUpdate locks its row until the transaction ends (edits are whole). */
export async function findRingGroup(db: Queryable, accountId: number, ringGroupId: number, options: { forUpdate?: boolean } = {}): Promise<RingGroupRecord | undefined> {
  if (options.forUpdate) await db('ring_groups').where({ id: ringGroupId, account_id: accountId }).forUpdate().first('id');
  const row = (await groupsQuery(db, accountId).andWhere('g.id', ringGroupId).first(COLUMNS)) as RingGroupRow | undefined;
  return row ? (await withDetails(db, accountId, [row]))[0] : undefined;
}

export async function ringGroupExists(db: Queryable, accountId: number, ringGroupId: number): Promise<boolean> {
  return (await db('ring_groups').where({ id: ringGroupId, account_id: accountId }).first('id')) !== undefined;
}

export async function ringGroupNameTaken(db: Queryable, accountId: number, name: string, exceptId?: number): Promise<boolean> {
  const query = db('ring_groups').where({ account_id: accountId, name });
  if (exceptId !== undefined) query.whereNot({ id: exceptId });
  return (await query.first('id')) !== undefined;
}

function fieldColumns(fields: RingGroupFields): Record<string, unknown> {
  return {
    name: fields.name, strategy: fields.strategy, member_ring_seconds: fields.memberRingSeconds, total_seconds: fields.totalSeconds,
    skip_busy: fields.skipBusy, caller_id_prefix: fields.callerIdPrefix,
  };
}

export async function insertRingGroup(db: Queryable, accountId: number, fields: RingGroupFields): Promise<number> {
  const [id] = await db('ring_groups').insert({ account_id: accountId, ...fieldColumns(fields) });
  return Number(id);
}

/** Replaces every field; the round-robin memory restarts (the member list it pointed into may have changed). */
export async function updateRingGroup(db: Queryable, ringGroupId: number, fields: RingGroupFields): Promise<void> {
  await db('ring_groups').where({ id: ringGroupId }).update({ ...fieldColumns(fields), next_position: 0, updated_at: db.fn.now() });
}

/** The group and its members go; its extension and failover are the caller's to free (they live elsewhere). */
export async function deleteRingGroup(db: Queryable, accountId: number, ringGroupId: number): Promise<void> {
  await db('ring_groups').where({ id: ringGroupId, account_id: accountId }).delete();
}

export async function replaceRingGroupMembers(db: Queryable, ringGroupId: number, members: RingGroupMember[]): Promise<void> {
  await db('ring_group_members').where({ ring_group_id: ringGroupId }).delete();
  if (members.length === 0) return;
  await db('ring_group_members').insert(members.map((member, position) => ({
    ring_group_id: ringGroupId, position,
    member_type: 'userId' in member ? 'user' : 'external',
    user_id: 'userId' in member ? member.userId : null,
    external_number: 'number' in member ? member.number : null,
    ring_seconds: member.ringSeconds,
  })));
}

/** The users among userIds without an active membership of the account. */
export async function usersNotActiveIn(db: Queryable, accountId: number, userIds: number[]): Promise<number[]> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return [];
  const found = new Set((await db('memberships').where({ account_id: accountId, status: 'active' }).whereIn('user_id', unique).pluck('user_id')).map(Number));
  return unique.filter((id) => !found.has(id));
}
