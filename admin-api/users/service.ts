// Users within an account, under the tier rules of core/access.ts. Every write runs in one transaction with
// its audit row; device changes reach Asterisk through the notifier after commit.
import { isTopTier, mayAdd, mayChangeRole, mayRemove, RANK, roleAssignableIn, type TierVerdict } from '../../core/access';
import { generatePassword } from '../../core/secrets';
import type { Database, Transaction } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { setDevicesEnabled } from '../../db/repositories/devices';
import {
  applyRole, countActiveWithRoleRank, insertMemberships, listAccountUsers, setMembershipStatus, type AccountUser, type MembershipRecord,
} from '../../db/repositories/memberships';
import { setEndpointsEnabled } from '../../db/repositories/pjsip';
import { findPresetRole, findRoleForAccount, type RoleRecord } from '../../db/repositories/roles';
import { revokeAllTokens } from '../../db/repositories/tokens';
import { existingUsernames, highestRankInOrganization, homeOrganizationOf, insertUser, organizationOfAccount, updateUser } from '../../db/repositories/users';
import { assertPasswordAcceptable, hashPassword, type PasswordPolicy } from '../auth/passwords';
import { createError } from '../http/errors';
import type { AccountContext } from '../http/routes';
import type { AccessInvalidator } from '../auth/access-cache';
import type { ChangeNotifier } from '../notifier';
import { changeMemberships } from './membership-change';
import type { CreateUserInput, UpdateUserInput } from './schemas';

export function publicUser({ user, membership }: AccountUser): Record<string, unknown> {
  return {
    ...user,
    membership: { roleId: membership.roleId, role: membership.roleName, rank: membership.rank, status: membership.status, permissions: membership.permissions },
  };
}

export function assertVerdict(verdict: TierVerdict): void {
  if (!verdict.allowed) throw createError(verdict.code, 403, verdict.message, verdict.details ?? {});
}

export class UserService {
  constructor(
    private readonly db: Database,
    private readonly notifier: ChangeNotifier,
    private readonly access: AccessInvalidator,
    private readonly policy: PasswordPolicy,
  ) {}

  async list(ctx: AccountContext, filter: { groupId?: number; status?: 'invited' | 'active' | 'deactivated' }): Promise<Record<string, unknown>[]> {
    return (await listAccountUsers(this.db, ctx.accountId, filter)).map(publicUser);
  }

  async get(ctx: AccountContext, userId: number): Promise<Record<string, unknown>> {
    return publicUser(await this.member(this.db, ctx.accountId, userId));
  }

  /** A role offered in this account and assignable at its kind of account. */
  async assignableRole(db: Database | Transaction, accountId: number, roleId: number): Promise<RoleRecord> {
    const [role, account] = await Promise.all([findRoleForAccount(db, roleId, accountId), findAccount(db, accountId)]);
    if (!role || !account) throw createError('ROLE_NOT_FOUND', 404, `No role ${roleId} is offered in this account.`, { roleId });
    if (!roleAssignableIn(role, account.kind)) {
      throw createError('ROLE_NOT_ASSIGNABLE_HERE', 422, `The ${role.name} role (${role.type}) cannot be held in a ${account.kind}.`, { roleId });
    }
    return role;
  }

  async create(ctx: AccountContext, input: CreateUserInput): Promise<{ user: Record<string, unknown>; password?: string }> {
    const generated = input.password === undefined ? generatePassword(20) : undefined;
    const password = input.password ?? generated ?? '';
    assertPasswordAcceptable(password, this.policy, input.username);
    const passwordHash = await hashPassword(password);
    const created = await this.db.transaction(async (trx) => {
      const role = await this.assignableRole(trx, ctx.accountId, input.roleId);
      assertVerdict(mayAdd(ctx.membership, role));
      if ((await existingUsernames(trx, [input.username.toLowerCase()])).size > 0) {
        throw createError('USERNAME_TAKEN', 409, `The username ${input.username} is taken.`, { fields: [{ path: '/username', message: 'is taken' }] });
      }
      const userId = await insertUser(trx, {
        username: input.username.toLowerCase(), fullName: input.fullName, email: input.email, passwordHash, status: 'active',
        phoneMode: input.phoneMode ?? 'sip', language: input.language, theme: input.theme, timezone: input.timezone,
        createdInOrganizationId: await organizationOfAccount(trx, ctx.accountId),
      });
      await insertMemberships(trx, [{ userId, accountId: ctx.accountId, role, status: 'active' }]);
      const member = await this.member(trx, ctx.accountId, userId);
      await ctx.audit(trx, { action: 'user.create', entity: 'user', entityId: userId, after: publicUser(member) });
      return member;
    });
    return { user: publicUser(created), ...(generated ? { password: generated } : {}) };
  }

  async update(ctx: AccountContext, userId: number, input: UpdateUserInput): Promise<Record<string, unknown>> {
    const updated = await this.db.transaction(async (trx) => {
      const target = await this.member(trx, ctx.accountId, userId);
      if (target.user.id !== ctx.actor.user.id) await this.assertMayEditProfile(trx, ctx, target);
      await updateUser(trx, userId, input);
      const after = await this.member(trx, ctx.accountId, userId);
      await ctx.audit(trx, { action: 'user.update', entity: 'user', entityId: userId, before: publicUser(target), after: publicUser(after) });
      return publicUser(after);
    });
    await this.access.userAccessChanged([userId]);
    return updated;
  }

  async changeRole(ctx: AccountContext, userId: number, roleId: number): Promise<Record<string, unknown>> {
    const changed = await changeMemberships(this.db, ctx, 'users.manage', async (trx, actor) => {
      const target = await this.member(trx, ctx.accountId, userId);
      const role = await this.assignableRole(trx, ctx.accountId, roleId);
      const topTierHolders = await countActiveWithRoleRank(trx, ctx.accountId, RANK.organizationOwner);
      assertVerdict(mayChangeRole(actor, target.membership, role, topTierHolders));
      await applyRole(trx, target.membership.id, role);
      const after = await this.member(trx, ctx.accountId, userId);
      await ctx.audit(trx, { action: 'user.role', entity: 'membership', entityId: target.membership.id, before: publicUser(target), after: publicUser(after) });
      return publicUser(after);
    });
    await this.access.userAccessChanged([userId]);
    return changed;
  }

  /** Removes the user from this account: their membership and devices here are deactivated; a user left with
   *  no active membership is deactivated entirely (tokens revoked). */
  async remove(ctx: AccountContext, userId: number, decision: { deactivateOnSubaccounts?: boolean }): Promise<void> {
    // Under the account's membership lock: two Organization Owners removing each other at once are counted one
    // after the other, so the second finds itself removed or the last one.
    const disabled = await changeMemberships(this.db, ctx, 'users.manage', async (trx, actor) => {
      const target = await this.member(trx, ctx.accountId, userId);
      if (target.membership.status === 'deactivated') throw createError('USER_ALREADY_REMOVED', 409, 'This user is already removed from the account.');
      const topTierHolders = await countActiveWithRoleRank(trx, ctx.accountId, RANK.organizationOwner);
      assertVerdict(mayRemove({ ...actor, topTier: isTopTier(actor) }, { ...target.membership, topTier: isTopTier(target.membership) }, topTierHolders));
      await setMembershipStatus(trx, { userId, accountIds: [ctx.accountId] }, 'deactivated');
      if (isTopTier(target.membership)) await this.settleSubaccounts(trx, ctx, target.membership, decision);
      const devices = await setDevicesEnabled(trx, { userId, accountId: ctx.accountId }, false);
      await setEndpointsEnabled(trx, devices.map((device) => device.endpointId), false);
      const remaining = await trx('memberships').where({ user_id: userId, status: 'active' }).count<{ n: number }[]>({ n: '*' }).first();
      if (Number(remaining?.n ?? 0) === 0) {
        await updateUser(trx, userId, { status: 'deactivated' });
        await revokeAllTokens(trx, userId);
      }
      await ctx.audit(trx, { action: 'user.remove', entity: 'membership', entityId: target.membership.id, before: publicUser(target), after: { ...decision, devicesDisabled: devices.length } });
      return devices;
    });
    await this.access.userAccessChanged([userId]);
    if (disabled.length > 0) await this.notifier.devicesChanged(ctx.accountId, disabled.map((device) => device.endpointId));
  }

  /** An Organization Owner removed from the organization: deactivated on every subaccount too, or left there
   *  as Owner (their implicit access ended with the organization membership). */
  private async settleSubaccounts(trx: Transaction, ctx: AccountContext, target: MembershipRecord, decision: { deactivateOnSubaccounts?: boolean }): Promise<void> {
    if (decision.deactivateOnSubaccounts === undefined) {
      throw createError('DECISION_REQUIRED', 400, 'Removing an Organization Owner: say whether to deactivate them on every subaccount (deactivateOnSubaccounts).', {
        fields: [{ path: '/deactivateOnSubaccounts', message: 'is required when removing an Organization Owner' }],
      });
    }
    const subaccounts = (await trx('accounts').where({ parent_id: ctx.accountId }).pluck('id')).map(Number);
    if (decision.deactivateOnSubaccounts) {
      if (subaccounts.length > 0) await setMembershipStatus(trx, { userId: target.userId, accountIds: subaccounts }, 'deactivated');
      return;
    }
    const owner = await findPresetRole(trx, 'owner');
    for (const accountId of subaccounts) {
      const existing = await trx('memberships').where({ user_id: target.userId, account_id: accountId }).first('id');
      if (existing) {
        await applyRole(trx, Number(existing.id), owner);
        await setMembershipStatus(trx, { userId: target.userId, accountIds: [accountId] }, 'active');
      } else {
        await insertMemberships(trx, [{ userId: target.userId, accountId, role: owner, status: 'active' }]);
      }
    }
  }

  /** A profile (name, email, preferences) is one per user, shared by every account they belong to: only the
   *  organization that created the user edits it, and there only someone above the user's highest rank in
   *  that organization, not merely above the membership shown in this account. */
  private async assertMayEditProfile(trx: Transaction, ctx: AccountContext, target: AccountUser): Promise<void> {
    const [home, here] = await Promise.all([homeOrganizationOf(trx, target.user.id), organizationOfAccount(trx, ctx.accountId)]);
    if (home === undefined || home !== here) {
      throw createError('PROFILE_MANAGED_ELSEWHERE', 403, "This user's profile is managed by the organization that created them; only they or its admins can change it.", { userId: target.user.id });
    }
    const targetRank = Math.max(target.membership.rank, await highestRankInOrganization(trx, target.user.id, home));
    if (targetRank >= ctx.membership.rank) {
      throw createError('TARGET_NOT_BELOW_YOU', 403, 'You can edit only yourself and users ranked below you.', { targetRank, yourRank: ctx.membership.rank });
    }
  }

  private async member(db: Database | Transaction, accountId: number, userId: number): Promise<AccountUser> {
    const [found] = await listAccountUsers(db, accountId, { userId });
    if (!found) throw createError('USER_NOT_FOUND', 404, `No user ${userId} in this account.`, { userId });
    return found;
  }
}
