// Ring groups: users and external numbers rung by a strategy, with an extension in the account's plan and a
// failover destination. Every write takes the account's routing lock, then (edits) the group's row lock, and
// replaces the group whole in one transaction: concurrent edits leave the last one whole, never half a member
// list. Deleting a group something routes calls to is 409 DESTINATION_IN_USE. Changes reach the ARI app as a
// `routing` change event after commit.
import type { Database, Transaction } from '../../db/connection';
import { deleteOwnedDestinations } from '../../db/repositories/destinations';
import {
  deleteRingGroup, findRingGroup, insertRingGroup, listRingGroups, replaceRingGroupMembers, ringGroupNameTaken, updateRingGroup, usersNotActiveIn,
  type RingGroupFields, type RingGroupMember, type RingGroupRecord,
} from '../../db/repositories/ring-groups';
import { DestinationService, lockAccountRouting } from '../destinations/service';
import { assignExtension } from '../extensions/assign';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope } from '../scope';
import { ringGroupErrors } from './errors';
import type { RingGroupInput } from './schemas';

const DEFAULTS = { strategy: 'ring_all', memberRingSeconds: 20, totalSeconds: 60, skipBusy: false, callerIdPrefix: null } as const;

function fieldsOf(input: RingGroupInput): RingGroupFields {
  return {
    name: input.name,
    strategy: input.strategy ?? DEFAULTS.strategy,
    memberRingSeconds: input.memberRingSeconds ?? DEFAULTS.memberRingSeconds,
    totalSeconds: input.totalSeconds ?? DEFAULTS.totalSeconds,
    skipBusy: input.skipBusy ?? DEFAULTS.skipBusy,
    callerIdPrefix: input.callerIdPrefix ?? DEFAULTS.callerIdPrefix,
  };
}

function membersOf(input: RingGroupInput): RingGroupMember[] {
  return (input.members ?? []).map((member) => ('userId' in member
    ? { userId: member.userId, ringSeconds: member.ringSeconds ?? null }
    : { number: member.number, ringSeconds: member.ringSeconds ?? null }));
}

export class RingGroupService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly destinations = new DestinationService()) {}

  async list(scope: AccountScope): Promise<RingGroupRecord[]> {
    return listRingGroups(this.db, scope.accountId);
  }

  async get(scope: AccountScope, ringGroupId: number): Promise<RingGroupRecord> {
    const group = await findRingGroup(this.db, scope.accountId, ringGroupId);
    if (!group) throw ringGroupErrors.notFound(ringGroupId);
    return group;
  }

  async create(scope: AccountScope, input: RingGroupInput): Promise<RingGroupRecord> {
    return this.change(scope, async (trx) => {
      if (await ringGroupNameTaken(trx, scope.accountId, input.name)) throw ringGroupErrors.nameTaken(input.name);
      const members = await this.checkedMembers(trx, scope.accountId, input);
      const ringGroupId = await insertRingGroup(trx, scope.accountId, fieldsOf(input));
      await this.writeParts(trx, scope.accountId, ringGroupId, input, members);
      const group = await this.find(trx, scope.accountId, ringGroupId);
      await scope.audit(trx, { action: 'ring_group.create', entity: 'ring_group', entityId: ringGroupId, after: group });
      return group;
    });
  }

  /** Replaces the group whole: fields, extension, members in order and failover. */
  async replace(scope: AccountScope, ringGroupId: number, input: RingGroupInput): Promise<RingGroupRecord> {
    return this.change(scope, async (trx) => {
      const before = await this.find(trx, scope.accountId, ringGroupId, true);
      if (await ringGroupNameTaken(trx, scope.accountId, input.name, ringGroupId)) throw ringGroupErrors.nameTaken(input.name);
      const members = await this.checkedMembers(trx, scope.accountId, input);
      await updateRingGroup(trx, ringGroupId, fieldsOf(input));
      await this.writeParts(trx, scope.accountId, ringGroupId, input, members);
      const after = await this.find(trx, scope.accountId, ringGroupId);
      await scope.audit(trx, { action: 'ring_group.update', entity: 'ring_group', entityId: ringGroupId, before, after });
      return after;
    });
  }

  /** 409 DESTINATION_IN_USE while anything routes calls to the group; its extension is freed. */
  async remove(scope: AccountScope, ringGroupId: number): Promise<void> {
    await this.change(scope, async (trx) => {
      const before = await this.find(trx, scope.accountId, ringGroupId, true);
      await this.destinations.assertNotReferenced(trx, scope.accountId, { type: 'ring_group', id: ringGroupId });
      const owner = { type: 'ring_group' as const, id: ringGroupId };
      await deleteOwnedDestinations(trx, scope.accountId, owner);
      await assignExtension(trx, scope.accountId, owner, null);
      await deleteRingGroup(trx, scope.accountId, ringGroupId);
      await scope.audit(trx, { action: 'ring_group.delete', entity: 'ring_group', entityId: ringGroupId, before });
    });
  }

  /** One transaction under the account's routing lock; the ARI app hears of it after commit. */
  private async change<T>(scope: AccountScope, work: (trx: Transaction) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (trx) => {
      await lockAccountRouting(trx, scope.accountId);
      return work(trx);
    });
    await this.notifier.routingChanged(scope.accountId);
    return result;
  }

  private async writeParts(trx: Transaction, accountId: number, ringGroupId: number, input: RingGroupInput, members: RingGroupMember[]): Promise<void> {
    const failover = input.failover ?? null;
    if (failover?.type === 'ring_group' && failover.ringGroupId === ringGroupId) throw ringGroupErrors.failoverToSelf();
    await assignExtension(trx, accountId, { type: 'ring_group', id: ringGroupId }, input.extension);
    await replaceRingGroupMembers(trx, ringGroupId, members);
    await this.destinations.put(trx, accountId, { type: 'ring_group', id: ringGroupId }, 'failover', failover, '/failover');
  }

  /** Members ring once each, users only of this account, external numbers only through a trunk. */
  private async checkedMembers(trx: Transaction, accountId: number, input: RingGroupInput): Promise<RingGroupMember[]> {
    const members = membersOf(input);
    const seen = new Map<string, number>();
    members.forEach((member, index) => {
      const key = 'userId' in member ? `user:${member.userId}` : `number:${member.number}`;
      const first = seen.get(key);
      if (first !== undefined) throw ringGroupErrors.duplicateMember(index, first);
      seen.set(key, index);
    });
    const userMembers = members.flatMap((member, index) => ('userId' in member ? [{ index, userId: member.userId }] : []));
    const outside = new Set(await usersNotActiveIn(trx, accountId, userMembers.map((member) => member.userId)));
    if (outside.size > 0) throw ringGroupErrors.usersNotInAccount(userMembers.filter((member) => outside.has(member.userId)));
    const firstExternal = members.findIndex((member) => 'number' in member);
    const external = members[firstExternal];
    if (external && 'number' in external) await this.destinations.assertUsable(trx, accountId, { type: 'external', number: external.number }, `/members/${firstExternal}/number`);
    return members;
  }

  private async find(trx: Transaction, accountId: number, ringGroupId: number, forUpdate = false): Promise<RingGroupRecord> {
    const group = await findRingGroup(trx, accountId, ringGroupId, { forUpdate });
    if (!group) throw ringGroupErrors.notFound(ringGroupId);
    return group;
  }
}
