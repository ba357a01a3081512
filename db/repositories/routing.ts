// What the ARI app reads to route a call (issue 9): who owns an extension of an account's plan, a user's call
// settings, forwarding and devices, a ring group with its members and failover, and where a trunk number goes.
// Read-only for the ringing path; the one write there is round robin's memory (setRingGroupNextPosition).
// The write helpers at the end are for tests and tools that set routing up before (or without) the admin API.
import { destinationColumns, destinationFromColumns, type Destination, type ExtensionOwnerType } from '../../core/destinations';
import type { Queryable } from '../connection';
import type { RingGroupFields, RingStrategy } from './ring-groups';

export type ForwardCondition = 'always' | 'busy' | 'no_answer' | 'unreachable';
export const FORWARD_SLOTS: Record<ForwardCondition, string> = {
  always: 'forward_always', busy: 'forward_busy', no_answer: 'forward_no_answer', unreachable: 'forward_unreachable',
};

export interface ExtensionOwner {
  ownerType: ExtensionOwnerType;
  ownerId: number;
}

export interface UserRouting {
  userId: number;
  fullName: string;
  /** The user's extension in the account's plan, if they hold one (what a call answered by them shows). */
  extension: string | null;
  /** Null when the user has no call_settings row in the account: the app's default ring time applies. */
  settings: { dnd: boolean; noAnswerSeconds: number } | null;
  forwards: Partial<Record<ForwardCondition, Destination>>;
  /** The user's enabled devices in the account (PJSIP endpoint ids), oldest first. */
  endpointIds: string[];
}

export type { RingStrategy };

export interface RingGroupMember {
  position: number;
  type: 'user' | 'external';
  userId: number | null;
  number: string | null;
  /** Overrides the group's member ring time. */
  ringSeconds: number | null;
}

export interface RingGroupRouting extends RingGroupFields {
  id: number;
  nextPosition: number;
  /** Ordered by position. */
  members: RingGroupMember[];
  failover: Destination | null;
}

export interface TrunkNumberRoute {
  accountId: number;
  trunkNumberId: number;
  destination: Destination | null;
  /** The number's extension as trunk files set it, until every number's route is a destination row. */
  extension: string | null;
}

type DestinationRow = { slot: string; target_type: string; target_id: number | string | null; external_number: string | null };

export async function findExtensionOwner(db: Queryable, accountId: number, extension: string): Promise<ExtensionOwner | undefined> {
  const row = (await db('account_extensions').where({ account_id: accountId, extension }).first('owner_type', 'owner_id')) as { owner_type: ExtensionOwnerType; owner_id: number | string } | undefined;
  return row && { ownerType: row.owner_type, ownerId: Number(row.owner_id) };
}

/** A user as a call to them needs it; undefined when the user is not a member of the account. */
export async function findUserRouting(db: Queryable, accountId: number, userId: number): Promise<UserRouting | undefined> {
  const [user, settings, destinations, devices, extension] = await Promise.all([
    // Only an active member is routed to: a user removed from the account is no one to ring there.
    db('users').join('memberships', 'memberships.user_id', 'users.id')
      .where({ 'users.id': userId, 'memberships.account_id': accountId, 'memberships.status': 'active' })
      .first('users.id', 'users.full_name') as Promise<{ id: number; full_name: string } | undefined>,
    db('call_settings').where({ account_id: accountId, user_id: userId }).first('dnd', 'no_answer_seconds') as Promise<{ dnd: number | boolean; no_answer_seconds: number } | undefined>,
    db('destinations').where({ owner_type: 'user', owner_id: userId, account_id: accountId }).select('slot', 'target_type', 'target_id', 'external_number') as Promise<DestinationRow[]>,
    db('devices').where({ account_id: accountId, user_id: userId, enabled: true }).orderBy('id').pluck('endpoint_id') as Promise<string[]>,
    db('account_extensions').where({ account_id: accountId, owner_type: 'user', owner_id: userId }).first('extension') as Promise<{ extension: string } | undefined>,
  ]);
  if (!user) return undefined;
  const forwards: UserRouting['forwards'] = {};
  for (const [condition, slot] of Object.entries(FORWARD_SLOTS) as [ForwardCondition, string][]) {
    const row = destinations.find((candidate) => candidate.slot === slot);
    const destination = row && destinationFromColumns(row);
    if (destination) forwards[condition] = destination;
  }
  return {
    userId: Number(user.id),
    fullName: user.full_name,
    extension: extension?.extension ?? null,
    settings: settings ? { dnd: Boolean(settings.dnd), noAnswerSeconds: Number(settings.no_answer_seconds) } : null,
    forwards,
    endpointIds: devices,
  };
}

export async function findRingGroupRouting(db: Queryable, accountId: number, ringGroupId: number): Promise<RingGroupRouting | undefined> {
  const [group, members, failover] = await Promise.all([
    db('ring_groups').where({ id: ringGroupId, account_id: accountId }).first() as Promise<Record<string, unknown> | undefined>,
    db('ring_group_members').where({ ring_group_id: ringGroupId }).orderBy('position').select() as Promise<Record<string, unknown>[]>,
    db('destinations').where({ owner_type: 'ring_group', owner_id: ringGroupId, slot: 'failover', account_id: accountId })
      .first('slot', 'target_type', 'target_id', 'external_number') as Promise<DestinationRow | undefined>,
  ]);
  if (!group) return undefined;
  return {
    id: Number(group.id),
    name: String(group.name),
    strategy: group.strategy as RingStrategy,
    memberRingSeconds: Number(group.member_ring_seconds),
    totalSeconds: Number(group.total_seconds),
    skipBusy: Boolean(group.skip_busy),
    callerIdPrefix: (group.caller_id_prefix as string | null) ?? null,
    nextPosition: Number(group.next_position),
    members: members.map((row) => ({
      position: Number(row.position),
      type: row.member_type as 'user' | 'external',
      userId: row.user_id === null ? null : Number(row.user_id),
      number: (row.external_number as string | null) ?? null,
      ringSeconds: row.ring_seconds === null ? null : Number(row.ring_seconds),
    })),
    failover: (failover && destinationFromColumns(failover)) ?? null,
  };
}

/** Round robin's memory: where the group's next call starts. */
export async function setRingGroupNextPosition(db: Queryable, ringGroupId: number, nextPosition: number): Promise<void> {
  await db('ring_groups').where({ id: ringGroupId }).update({ next_position: nextPosition });
}

/** A provider's call to one of its numbers: the account the number is assigned to (if the trunk serves it) and
 *  the number's route (a destination row, owner 'number', slot 'route'), null when it has none. */
export async function findTrunkNumberRoute(db: Queryable, trunkEndpoint: string, number: string): Promise<TrunkNumberRoute | undefined> {
  const row = (await db('phone_numbers')
    .join('trunks', 'trunks.id', 'phone_numbers.trunk_id')
    .join('trunk_accounts', function joinServed() {
      this.on('trunk_accounts.trunk_id', '=', 'trunks.id').andOn('trunk_accounts.account_id', '=', 'phone_numbers.account_id');
    })
    .leftJoin('destinations', function joinRoute() {
      this.on('destinations.owner_id', '=', 'phone_numbers.id').andOnVal('destinations.owner_type', '=', 'number').andOnVal('destinations.slot', '=', 'route');
    })
    .where('trunks.name', trunkEndpoint.replace(/^trunk-/, ''))
    .andWhere('phone_numbers.number', number)
    // A number being bought is not ours yet; one being released still is until the provider has it back.
    .whereIn('phone_numbers.state', ['active', 'releasing'])
    .first('phone_numbers.account_id as accountId', 'phone_numbers.id as trunkNumberId', 'phone_numbers.extension', 'destinations.target_type', 'destinations.target_id', 'destinations.external_number')) as
    ({ accountId: number; trunkNumberId: number; extension: string | null; target_type: string | null; target_id: number | null; external_number: string | null } | undefined);
  if (!row) return undefined;
  const destination = row.target_type ? destinationFromColumns({ target_type: row.target_type, target_id: row.target_id, external_number: row.external_number }) : undefined;
  return { accountId: Number(row.accountId), trunkNumberId: Number(row.trunkNumberId), destination: destination ?? null, extension: row.extension };
}

// --- Write helpers for tests and tools (the admin API has its own writes) ---

export async function setExtensionOwner(db: Queryable, accountId: number, extension: string, owner: ExtensionOwner): Promise<void> {
  await db('account_extensions').where({ account_id: accountId, owner_type: owner.ownerType, owner_id: owner.ownerId }).delete();
  await db('account_extensions').insert({ account_id: accountId, extension, owner_type: owner.ownerType, owner_id: owner.ownerId })
    .onConflict(['account_id', 'extension']).merge();
}

export async function setCallSettings(db: Queryable, accountId: number, userId: number, settings: { dnd: boolean; noAnswerSeconds: number }): Promise<void> {
  await db('call_settings').insert({ account_id: accountId, user_id: userId, dnd: settings.dnd, no_answer_seconds: settings.noAnswerSeconds })
    .onConflict(['account_id', 'user_id']).merge();
}

/** Sets (or, with null, removes) the destination an owner's slot points at. */
export async function setDestination(db: Queryable, accountId: number, owner: { type: string; id: number }, slot: string, destination: Destination | null): Promise<void> {
  const key = { owner_type: owner.type, owner_id: owner.id, slot };
  if (destination === null) {
    await db('destinations').where(key).delete();
    return;
  }
  await db('destinations').insert({ account_id: accountId, ...key, ...destinationColumns(destination) }).onConflict(['owner_type', 'owner_id', 'slot']).merge();
}

export interface NewRingGroup {
  name: string;
  strategy: RingStrategy;
  memberRingSeconds?: number;
  totalSeconds?: number;
  skipBusy?: boolean;
  callerIdPrefix?: string | null;
  members: { userId?: number; number?: string; ringSeconds?: number }[];
}

export async function insertRingGroup(db: Queryable, accountId: number, group: NewRingGroup): Promise<number> {
  const [id] = await db('ring_groups').insert({
    account_id: accountId, name: group.name, strategy: group.strategy, member_ring_seconds: group.memberRingSeconds ?? 20,
    total_seconds: group.totalSeconds ?? 60, skip_busy: group.skipBusy ?? false, caller_id_prefix: group.callerIdPrefix ?? null,
  });
  const members = group.members.map((member, index) => ({
    ring_group_id: id, position: index, member_type: member.userId !== undefined ? 'user' : 'external',
    user_id: member.userId ?? null, external_number: member.number ?? null, ring_seconds: member.ringSeconds ?? null,
  }));
  if (members.length > 0) await db('ring_group_members').insert(members);
  return Number(id);
}
