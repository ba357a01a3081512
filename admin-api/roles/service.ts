// Roles offered in an account: the presets and the account's custom roles. A custom role never outranks nor
// out-permits its creator; editing it leaves its holders as they are until an admin re-applies it.
import { mayEditRole, mayGrant, roleAssignableIn, UNIT_RANK_RANGE, type Holder, type Permission, type RoleType } from '../../core/access';
import type { Database, Transaction } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { applyRole, membershipsHoldingRole, type MembershipRecord } from '../../db/repositories/memberships';
import { deleteRole, findRoleForAccount, insertRole, listRolesForAccount, updateRole, type RoleRecord } from '../../db/repositories/roles';
import { createError } from '../http/errors';
import type { AccountContext } from '../http/routes';
import type { AccessInvalidator } from '../auth/access-cache';
import { changeMemberships } from '../users/membership-change';
import { assertVerdict } from '../users/service';

export interface RoleInput {
  name: string;
  type: RoleType;
  rank: number;
  permissions: Permission[];
}

function assertRankFitsType(type: RoleType, rank: number): void {
  if (type === 'unit' && (rank < UNIT_RANK_RANGE.min || rank > UNIT_RANK_RANGE.max)) {
    throw createError('RANK_OUT_OF_RANGE', 400, `A unit role's rank is a level from ${UNIT_RANK_RANGE.min} to ${UNIT_RANK_RANGE.max}.`, { fields: [{ path: '/rank', message: 'out of range for a unit role' }] });
  }
}

export class RoleService {
  constructor(private readonly db: Database, private readonly access: AccessInvalidator) {}

  async list(ctx: AccountContext): Promise<(RoleRecord & { assignableHere: boolean })[]> {
    const [account, roles] = await Promise.all([findAccount(this.db, ctx.accountId), listRolesForAccount(this.db, ctx.accountId)]);
    return roles.map((role) => ({ ...role, assignableHere: account ? roleAssignableIn(role, account.kind) : false }));
  }

  async create(ctx: AccountContext, input: RoleInput): Promise<RoleRecord> {
    assertRankFitsType(input.type, input.rank);
    assertVerdict(mayGrant(ctx.membership, input));
    return this.db.transaction(async (trx) => {
      const account = await findAccount(trx, ctx.accountId);
      if (!account || !roleAssignableIn({ type: input.type }, account.kind)) {
        throw createError('ROLE_TYPE_NOT_FOR_THIS_ACCOUNT', 422, `A ${input.type} role cannot be held in a ${account?.kind ?? 'missing'} account.`, { fields: [{ path: '/type', message: 'not for this account' }] });
      }
      const clash = await trx('roles').where({ account_id: ctx.accountId, type: input.type, name: input.name }).first('id');
      if (clash) throw createError('ROLE_NAME_TAKEN', 409, `This account already has a ${input.type} role named ${input.name}.`);
      const role = await insertRole(trx, { accountId: ctx.accountId, name: input.name, type: input.type, rank: input.rank, permissions: input.permissions, reachesDescendants: false });
      await ctx.audit(trx, { action: 'role.create', entity: 'role', entityId: role.id, after: role });
      return role;
    });
  }

  async update(ctx: AccountContext, roleId: number, change: Partial<Omit<RoleInput, 'type'>>): Promise<RoleRecord> {
    return changeMemberships(this.db, ctx, 'roles.manage', async (trx, editor) => {
      const { role } = await this.lockedRoleWithinTier(trx, ctx.accountId, roleId, editor, change);
      const next = { ...role, ...change };
      await updateRole(trx, roleId, change);
      await ctx.audit(trx, { action: 'role.update', entity: 'role', entityId: roleId, before: role, after: next });
      return next;
    });
  }

  /** Copies the role's current permissions and rank into every membership of this account that holds it. */
  async reapply(ctx: AccountContext, roleId: number): Promise<{ updated: number }> {
    const holders = await changeMemberships(this.db, ctx, 'roles.manage', async (trx, editor) => {
      const locked = await this.lockedRoleWithinTier(trx, ctx.accountId, roleId, editor, {});
      const { role } = locked;
      const holders = locked.holders.filter((membership) => membership.accountId === ctx.accountId);
      for (const holder of holders) await applyRole(trx, holder.id, role);
      await ctx.audit(trx, { action: 'role.reapply', entity: 'role', entityId: roleId, after: { holders: holders.map((holder) => holder.userId) } });
      return holders.map((holder) => holder.userId);
    });
    await this.access.userAccessChanged(holders);
    return { updated: holders.length };
  }

  async remove(ctx: AccountContext, roleId: number): Promise<void> {
    await changeMemberships(this.db, ctx, 'roles.manage', async (trx, editor) => {
      const { role } = await this.lockedRoleWithinTier(trx, ctx.accountId, roleId, editor, {});
      await deleteRole(trx, roleId);
      await ctx.audit(trx, { action: 'role.delete', entity: 'role', entityId: roleId, before: role });
    });
  }

  /** The role and its holders, locked until commit (so a promotion or another edit waits), once the editor is
   *  allowed the change: within what they may grant, and every holder someone they could demote or remove. */
  private async lockedRoleWithinTier(
    trx: Transaction, accountId: number, roleId: number, editor: Holder, change: Partial<Omit<RoleInput, 'type'>>,
  ): Promise<{ role: RoleRecord; holders: MembershipRecord[] }> {
    const role = await this.customRole(trx, accountId, roleId);
    const next = { ...role, ...change };
    assertRankFitsType(next.type, next.rank);
    const holders = await membershipsHoldingRole(trx, roleId, { forUpdate: true });
    assertVerdict(mayEditRole(editor, role, next, holders));
    return { role, holders };
  }

  private async customRole(db: Database | Transaction, accountId: number, roleId: number): Promise<RoleRecord> {
    const role = await findRoleForAccount(db, roleId, accountId, { forUpdate: true });
    if (!role) throw createError('ROLE_NOT_FOUND', 404, `No role ${roleId} is offered in this account.`, { roleId });
    if (role.accountId === null) throw createError('PRESET_ROLE_READ_ONLY', 409, `${role.name} is a built-in preset: make a custom role instead.`, { roleId });
    return role;
  }
}
