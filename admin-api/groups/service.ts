// User groups: teams for campaign access and reporting. A user may be in several; a group may have a manager.
import type { Database, Queryable } from '../../db/connection';
import {
  deleteGroup, findGroup, groupNameTaken, insertGroup, listGroups, replaceGroupMembers, updateGroup, usersOutsideAccount, type GroupRecord,
} from '../../db/repositories/groups';
import type { AccountScope } from '../scope';
import { groupErrors } from './errors';
import type { CreateGroupInput, UpdateGroupInput } from './schemas';

export class GroupService {
  constructor(private readonly db: Database) {}

  async list(scope: AccountScope): Promise<GroupRecord[]> {
    return listGroups(this.db, scope.accountId);
  }

  async create(scope: AccountScope, input: CreateGroupInput): Promise<GroupRecord> {
    return this.db.transaction(async (trx) => {
      await this.assertUsersOfAccount(trx, scope.accountId, input);
      if (await groupNameTaken(trx, scope.accountId, input.name)) throw groupErrors.nameTaken(input.name);
      const groupId = await insertGroup(trx, scope.accountId, { name: input.name, managerUserId: input.managerUserId ?? null });
      await replaceGroupMembers(trx, groupId, input.memberIds ?? []);
      const group = await this.find(trx, scope.accountId, groupId);
      await scope.audit(trx, { action: 'group.create', entity: 'group', entityId: groupId, after: group });
      return group;
    });
  }

  async update(scope: AccountScope, groupId: number, input: UpdateGroupInput): Promise<GroupRecord> {
    return this.db.transaction(async (trx) => {
      const before = await this.find(trx, scope.accountId, groupId);
      await this.assertUsersOfAccount(trx, scope.accountId, input);
      if (input.name !== undefined && (await groupNameTaken(trx, scope.accountId, input.name, groupId))) throw groupErrors.nameTaken(input.name);
      await updateGroup(trx, groupId, { name: input.name, managerUserId: input.managerUserId });
      if (input.memberIds !== undefined) await replaceGroupMembers(trx, groupId, input.memberIds);
      const after = await this.find(trx, scope.accountId, groupId);
      await scope.audit(trx, { action: 'group.update', entity: 'group', entityId: groupId, before, after });
      return after;
    });
  }

  async remove(scope: AccountScope, groupId: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await this.find(trx, scope.accountId, groupId);
      await deleteGroup(trx, groupId);
      await scope.audit(trx, { action: 'group.delete', entity: 'group', entityId: groupId, before });
    });
  }

  private async assertUsersOfAccount(db: Queryable, accountId: number, input: UpdateGroupInput): Promise<void> {
    const userIds = [...(input.memberIds ?? []), ...(input.managerUserId ? [input.managerUserId] : [])];
    const outside = await usersOutsideAccount(db, accountId, userIds);
    if (outside.length > 0) throw groupErrors.usersNotInAccount(outside);
  }

  private async find(db: Queryable, accountId: number, groupId: number): Promise<GroupRecord> {
    const group = await findGroup(db, accountId, groupId);
    if (!group) throw groupErrors.notFound(groupId);
    return group;
  }
}
