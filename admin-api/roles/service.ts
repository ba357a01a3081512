// Roles offered in an account: the presets and the account's custom roles. A custom role never outranks nor
// out-permits its creator; editing it leaves its holders as they are until an admin re-applies it.
import { mayEditRole, mayGrant, roleAssignableIn, UNIT_RANK_RANGE, type Holder, type Role, type RoleType } from '../../core/access';
import type { Database, Queryable, Transaction } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { applyRole, membershipsHoldingRole, type MembershipRecord } from '../../db/repositories/memberships';
import { deleteRole, findRoleForAccount, insertRole, listRolesForAccount, roleNameTaken, updateRole } from '../../db/repositories/roles';
import type { AccessInvalidator } from '../auth/access-cache';
import type { AccountScope } from '../scope';
import { changeMemberships } from '../users/membership-change';
import { assertVerdict } from '../users/service';
import { roleErrors } from './errors';
import type { CreateRoleInput, UpdateRoleInput } from './schemas';

function assertRankFitsType(type: RoleType, rank: number): void {
  if (type === 'unit' && (rank < UNIT_RANK_RANGE.min || rank > UNIT_RANK_RANGE.max)) throw roleErrors.rankOutOfRange();
}

export class RoleService {
  constructor(private readonly db: Database, private readonly access: AccessInvalidator) {}

  async list(scope: AccountScope): Promise<(Role & { assignableHere: boolean })[]> {
    const [account, roles] = await Promise.all([findAccount(this.db, scope.accountId), listRolesForAccount(this.db, scope.accountId)]);
    return roles.map((role) => ({ ...role, assignableHere: account ? roleAssignableIn(role, account.kind) : false }));
  }

  async create(scope: AccountScope, input: CreateRoleInput): Promise<Role> {
    assertRankFitsType(input.type, input.rank);
    assertVerdict(mayGrant(scope.membership, input));
    return this.db.transaction(async (trx) => {
      const account = await findAccount(trx, scope.accountId);
      if (!account || !roleAssignableIn({ type: input.type }, account.kind)) throw roleErrors.typeNotForAccount(input.type, account?.kind);
      if (await roleNameTaken(trx, scope.accountId, input.type, input.name)) throw roleErrors.nameTaken(input.type, input.name);
      const role = await insertRole(trx, { accountId: scope.accountId, name: input.name, type: input.type, rank: input.rank, permissions: input.permissions, reachesDescendants: false });
      await scope.audit(trx, { action: 'role.create', entity: 'role', entityId: role.id, after: role });
      return role;
    });
  }

  async update(scope: AccountScope, roleId: number, change: UpdateRoleInput): Promise<Role> {
    return changeMemberships(this.db, scope, 'roles.manage', async (trx, editor) => {
      const { role } = await this.lockedRoleWithinTier(trx, scope.accountId, roleId, editor, change);
      const next = { ...role, ...change };
      await updateRole(trx, roleId, change);
      await scope.audit(trx, { action: 'role.update', entity: 'role', entityId: roleId, before: role, after: next });
      return next;
    });
  }

  /** Copies the role's current permissions and rank into every membership of this account that holds it. */
  async reapply(scope: AccountScope, roleId: number): Promise<{ updated: number }> {
    const holders = await changeMemberships(this.db, scope, 'roles.manage', async (trx, editor) => {
      const locked = await this.lockedRoleWithinTier(trx, scope.accountId, roleId, editor, {});
      const { role } = locked;
      const holders = locked.holders.filter((membership) => membership.accountId === scope.accountId);
      for (const holder of holders) await applyRole(trx, holder.id, role);
      await scope.audit(trx, { action: 'role.reapply', entity: 'role', entityId: roleId, after: { holders: holders.map((holder) => holder.userId) } });
      return holders.map((holder) => holder.userId);
    });
    await this.access.userAccessChanged(holders);
    return { updated: holders.length };
  }

  async remove(scope: AccountScope, roleId: number): Promise<void> {
    await changeMemberships(this.db, scope, 'roles.manage', async (trx, editor) => {
      const { role } = await this.lockedRoleWithinTier(trx, scope.accountId, roleId, editor, {});
      await deleteRole(trx, roleId);
      await scope.audit(trx, { action: 'role.delete', entity: 'role', entityId: roleId, before: role });
    });
  }

  /** The role and its holders, locked until commit (so a promotion or another edit waits), once the editor is
   *  allowed the change: within what they may grant, and every holder someone they could demote or remove. */
  private async lockedRoleWithinTier(
    trx: Transaction, accountId: number, roleId: number, editor: Holder, change: UpdateRoleInput,
  ): Promise<{ role: Role; holders: MembershipRecord[] }> {
    const role = await this.customRole(trx, accountId, roleId);
    const next = { ...role, ...change };
    assertRankFitsType(next.type, next.rank);
    const holders = await membershipsHoldingRole(trx, roleId, { forUpdate: true });
    assertVerdict(mayEditRole(editor, role, next, holders));
    return { role, holders };
  }

  private async customRole(db: Queryable, accountId: number, roleId: number): Promise<Role> {
    const role = await findRoleForAccount(db, roleId, accountId, { forUpdate: true });
    if (!role) throw roleErrors.notFound(roleId);
    if (role.accountId === null) throw roleErrors.presetReadOnly(roleId, role.name);
    return role;
  }
}
