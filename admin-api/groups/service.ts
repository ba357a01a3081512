// User groups: teams for campaign access and reporting. A user may be in several; a group may have a manager.
import type { Database, Transaction } from '../../db/connection';
import { createError } from '../http/errors';
import type { AccountContext } from '../http/routes';

export interface GroupInput {
  name?: string;
  managerUserId?: number | null;
  memberIds?: number[];
}

export class GroupService {
  constructor(private readonly db: Database) {}

  async list(ctx: AccountContext): Promise<Record<string, unknown>[]> {
    const groups = await this.db('user_groups').where({ account_id: ctx.accountId }).orderBy('name');
    const members = await this.db('user_group_members').whereIn('group_id', groups.map((group: { id: number }) => group.id));
    return groups.map((group: Record<string, unknown>) => this.view(group, members.filter((member: { group_id: number }) => Number(member.group_id) === Number(group.id)).map((member: { user_id: number }) => Number(member.user_id))));
  }

  async create(ctx: AccountContext, input: GroupInput & { name: string }): Promise<Record<string, unknown>> {
    return this.db.transaction(async (trx) => {
      await this.assertMembersOfAccount(trx, ctx.accountId, [...(input.memberIds ?? []), ...(input.managerUserId ? [input.managerUserId] : [])]);
      if (await trx('user_groups').where({ account_id: ctx.accountId, name: input.name }).first('id')) {
        throw createError('GROUP_NAME_TAKEN', 409, `A group named ${input.name} exists in this account.`, { fields: [{ path: '/name', message: 'is taken' }] });
      }
      const [id] = await trx('user_groups').insert({ account_id: ctx.accountId, name: input.name, manager_user_id: input.managerUserId ?? null });
      await this.setMembers(trx, Number(id), input.memberIds ?? []);
      const group = await this.find(trx, ctx.accountId, Number(id));
      await ctx.audit(trx, { action: 'group.create', entity: 'group', entityId: Number(id), after: group });
      return group;
    });
  }

  async update(ctx: AccountContext, groupId: number, input: GroupInput): Promise<Record<string, unknown>> {
    return this.db.transaction(async (trx) => {
      const before = await this.find(trx, ctx.accountId, groupId);
      await this.assertMembersOfAccount(trx, ctx.accountId, [...(input.memberIds ?? []), ...(input.managerUserId ? [input.managerUserId] : [])]);
      const row: Record<string, unknown> = {};
      if (input.name !== undefined) row.name = input.name;
      if (input.managerUserId !== undefined) row.manager_user_id = input.managerUserId;
      if (Object.keys(row).length > 0) await trx('user_groups').where({ id: groupId }).update({ ...row, updated_at: trx.fn.now() });
      if (input.memberIds !== undefined) await this.setMembers(trx, groupId, input.memberIds);
      const after = await this.find(trx, ctx.accountId, groupId);
      await ctx.audit(trx, { action: 'group.update', entity: 'group', entityId: groupId, before, after });
      return after;
    });
  }

  async remove(ctx: AccountContext, groupId: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await this.find(trx, ctx.accountId, groupId);
      await trx('user_groups').where({ id: groupId }).delete();
      await ctx.audit(trx, { action: 'group.delete', entity: 'group', entityId: groupId, before });
    });
  }

  private async setMembers(trx: Transaction, groupId: number, memberIds: number[]): Promise<void> {
    await trx('user_group_members').where({ group_id: groupId }).delete();
    const unique = [...new Set(memberIds)];
    if (unique.length > 0) await trx('user_group_members').insert(unique.map((userId) => ({ group_id: groupId, user_id: userId })));
  }

  private async assertMembersOfAccount(trx: Transaction, accountId: number, userIds: number[]): Promise<void> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return;
    const found = (await trx('memberships').where({ account_id: accountId }).whereIn('user_id', unique).pluck('user_id')).map(Number);
    const missing = unique.filter((id) => !found.includes(id));
    if (missing.length > 0) throw createError('USER_NOT_IN_ACCOUNT', 422, `Users ${missing.join(', ')} are not members of this account.`, { userIds: missing });
  }

  private async find(db: Database | Transaction, accountId: number, groupId: number): Promise<Record<string, unknown>> {
    const group = await db('user_groups').where({ id: groupId, account_id: accountId }).first();
    if (!group) throw createError('GROUP_NOT_FOUND', 404, `No group ${groupId} in this account.`, { groupId });
    const members = (await db('user_group_members').where({ group_id: groupId }).pluck('user_id')).map(Number);
    return this.view(group, members);
  }

  private view(group: Record<string, unknown>, memberIds: number[]): Record<string, unknown> {
    return { id: Number(group.id), name: group.name, managerUserId: group.manager_user_id === null ? null : Number(group.manager_user_id), memberIds: memberIds.sort((a, b) => a - b) };
  }
}
