// Users within an account, under the tier rules of core/access.ts. Every write runs in one transaction with
// its audit row; device changes reach Asterisk through the notifier after commit.
import { isTopTier, mayAdd, mayChangeRole, mayRemove, RANK } from '../../core/access';
import { generatePassword } from '../../core/secrets';
import type { Database, Queryable, Transaction } from '../../db/connection';
import { refreshUserCallerIds, setDevicesEnabled } from '../../db/repositories/devices';
import { extensionsOfUsers, findOwnerExtension, freeExtension } from '../../db/repositories/extensions';
import {
  applyRole, childAccountIds, countActiveMembershipsOf, countActiveWithRoleRank, findMembership, insertMemberships, listAccountUsers, setMembershipStatus,
  type AccountUser, type MembershipRecord,
} from '../../db/repositories/memberships';
import { setEndpointsEnabled } from '../../db/repositories/pjsip';
import { findPresetRole } from '../../db/repositories/roles';
import { revokeAllTokens } from '../../db/repositories/tokens';
import { existingUsernames, highestRankInOrganization, homeOrganizationOf, insertUser, organizationOfAccount, updateUser } from '../../db/repositories/users';
import { assertPasswordAcceptable, hashPassword, type PasswordPolicy } from '../auth/passwords';
import type { AccessInvalidator } from '../auth/access-cache';
import { assignExtension, changed } from '../extensions/assign';
import { releaseRemovedUser } from '../destinations/service';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope } from '../scope';
import { assertVerdict, assignableRole } from './assignable-role';
import { publishCallerIdChanges } from './caller-ids';
import { userErrors } from './errors';
import { releaseNumbersOfLeaver } from './leaving-numbers';
import { changeMemberships } from './membership-change';
import type { CreateUserInput, RemoveUserDecision, UpdateUserInput } from './schemas';

// The roles service raises tier verdicts the same way.
export { assertVerdict } from './assignable-role';

export type UserStatusFilter = 'invited' | 'active' | 'deactivated';

/** A user as an account sees them: the profile, their extension in this account, their membership. */
export type UserInAccount = AccountUser & { extension: string | null };

export function publicUser({ user, membership, extension }: UserInAccount): Record<string, unknown> {
  return {
    ...user,
    extension,
    membership: { roleId: membership.roleId, role: membership.roleName, rank: membership.rank, status: membership.status, permissions: membership.permissions },
  };
}

export class UserService {
  constructor(
    private readonly db: Database,
    private readonly notifier: ChangeNotifier,
    private readonly access: AccessInvalidator,
    private readonly policy: PasswordPolicy,
  ) {}

  async list(scope: AccountScope, filter: { groupId?: number; status?: UserStatusFilter }): Promise<Record<string, unknown>[]> {
    const users = await listAccountUsers(this.db, scope.accountId, filter);
    const extensions = await extensionsOfUsers(this.db, scope.accountId, users.map(({ user }) => user.id));
    return users.map((user) => publicUser({ ...user, extension: extensions.get(user.user.id) ?? null }));
  }

  async get(scope: AccountScope, userId: number): Promise<Record<string, unknown>> {
    return publicUser(await this.member(this.db, scope.accountId, userId));
  }

  async create(scope: AccountScope, input: CreateUserInput): Promise<{ user: Record<string, unknown>; password?: string }> {
    const generated = input.password === undefined ? generatePassword(20) : undefined;
    const password = input.password ?? generated ?? '';
    assertPasswordAcceptable(password, this.policy, input.username);
    const passwordHash = await hashPassword(password);
    const created = await this.db.transaction(async (trx) => {
      const role = await assignableRole(trx, scope.accountId, input.roleId);
      assertVerdict(mayAdd(scope.membership, role));
      if ((await existingUsernames(trx, [input.username.toLowerCase()])).size > 0) throw userErrors.usernameTaken(input.username);
      const userId = await insertUser(trx, {
        username: input.username.toLowerCase(), fullName: input.fullName, email: input.email, passwordHash, status: 'active',
        phoneMode: input.phoneMode ?? 'sip', language: input.language, theme: input.theme, timezone: input.timezone,
        createdInOrganizationId: await organizationOfAccount(trx, scope.accountId),
      });
      await insertMemberships(trx, [{ userId, accountId: scope.accountId, role, status: 'active' }]);
      if (input.extension !== undefined) await assignExtension(trx, scope.accountId, { type: 'user', id: userId }, input.extension);
      const member = await this.member(trx, scope.accountId, userId);
      await scope.audit(trx, { action: 'user.create', entity: 'user', entityId: userId, after: publicUser(member) });
      return member;
    });
    if (input.extension !== undefined) await this.notifier.routingChanged(scope.accountId);
    return { user: publicUser(created), ...(generated ? { password: generated } : {}) };
  }

  /** The profile (shared by every account), and the extension in this account. A new name or extension is the
   *  new caller ID of the user's devices (every account's for a name, this account's for an extension). */
  async update(scope: AccountScope, userId: number, input: UpdateUserInput): Promise<Record<string, unknown>> {
    const { extension, ...profile } = input;
    const { updated, callerIds } = await this.db.transaction(async (trx) => {
      const target = await this.member(trx, scope.accountId, userId);
      if (target.user.id !== scope.actor.user.id) {
        if (Object.keys(profile).length > 0) await this.assertMayEditProfile(trx, scope, target);
        if (extension !== undefined && target.membership.rank >= scope.membership.rank) throw userErrors.targetNotBelowYou(target.membership.rank, scope.membership.rank);
      }
      await updateUser(trx, userId, profile);
      const renumbered = extension !== undefined && changed(await assignExtension(trx, scope.accountId, { type: 'user', id: userId }, extension));
      const renamed = profile.fullName !== undefined && profile.fullName !== target.user.fullName;
      const callerIds = renamed || renumbered ? await refreshUserCallerIds(trx, userId, renamed ? undefined : scope.accountId) : new Map<number, string[]>();
      const after = await this.member(trx, scope.accountId, userId);
      await scope.audit(trx, { action: 'user.update', entity: 'user', entityId: userId, before: publicUser(target), after: publicUser(after) });
      return { updated: publicUser(after), callerIds };
    });
    await this.access.userAccessChanged([userId]);
    await publishCallerIdChanges(this.notifier, callerIds);
    if (extension !== undefined) await this.notifier.routingChanged(scope.accountId);
    return updated;
  }

  async changeRole(scope: AccountScope, userId: number, roleId: number): Promise<Record<string, unknown>> {
    const changed = await changeMemberships(this.db, scope, 'users.manage', async (trx, actor) => {
      const target = await this.member(trx, scope.accountId, userId);
      const role = await assignableRole(trx, scope.accountId, roleId);
      const topTierHolders = await countActiveWithRoleRank(trx, scope.accountId, RANK.organizationOwner);
      assertVerdict(mayChangeRole(actor, target.membership, role, topTierHolders));
      await applyRole(trx, target.membership.id, role);
      const after = await this.member(trx, scope.accountId, userId);
      await scope.audit(trx, { action: 'user.role', entity: 'membership', entityId: target.membership.id, before: publicUser(target), after: publicUser(after) });
      return publicUser(after);
    });
    await this.access.userAccessChanged([userId]);
    return changed;
  }

  /** Removes the user from this account: their membership and devices here are deactivated; a user left with
   *  no active membership is deactivated entirely (tokens revoked). */
  async remove(scope: AccountScope, userId: number, decision: RemoveUserDecision): Promise<void> {
    // Under the account's membership lock: two Organization Owners removing each other at once are counted one
    // after the other, so the second finds itself removed or the last one.
    const { disabled, numbersReleasedIn } = await changeMemberships(this.db, scope, 'users.manage', async (trx, actor) => {
      const target = await this.member(trx, scope.accountId, userId);
      if (target.membership.status === 'deactivated') throw userErrors.alreadyRemoved();
      const topTierHolders = await countActiveWithRoleRank(trx, scope.accountId, RANK.organizationOwner);
      assertVerdict(mayRemove({ ...actor, topTier: isTopTier(actor) }, { ...target.membership, topTier: isTopTier(target.membership) }, topTierHolders));
      const extensionFreed = await freeExtension(trx, scope.accountId, { type: 'user', id: userId });
      await setMembershipStatus(trx, { userId, accountIds: [scope.accountId] }, 'deactivated');
      if (isTopTier(target.membership)) await this.settleSubaccounts(trx, scope, target.membership, decision);
      // Their dialer access, shares and numbers in every account they no longer reach (issue 10 review).
      const numbersReleasedIn = await releaseNumbersOfLeaver(trx, scope, userId, [scope.accountId, ...(await childAccountIds(trx, scope.accountId))]);
      // Routing (issue 9): 409 DESTINATION_IN_USE while anything routes calls to them where they are no longer a member.
      await releaseRemovedUser(trx, userId);
      const devices = await setDevicesEnabled(trx, { userId, accountId: scope.accountId }, false);
      await setEndpointsEnabled(trx, devices.map((device) => device.endpointId), false);
      if ((await countActiveMembershipsOf(trx, userId)) === 0) {
        await updateUser(trx, userId, { status: 'deactivated' });
        await revokeAllTokens(trx, userId);
      }
      await scope.audit(trx, { action: 'user.remove', entity: 'membership', entityId: target.membership.id, before: publicUser(target), after: { ...decision, devicesDisabled: devices.length, extensionFreed: extensionFreed ?? null } });
      return { disabled: devices, numbersReleasedIn };
    });
    await this.access.userAccessChanged([userId]);
    if (disabled.length > 0) await this.notifier.devicesChanged(scope.accountId, disabled.map((device) => device.endpointId));
    // Their extension was freed and their routing here released; elsewhere, their numbers and dialer access went.
    for (const accountId of new Set([scope.accountId, ...numbersReleasedIn])) await this.notifier.routingChanged(accountId);
  }

  /** An Organization Owner removed from the organization: deactivated on every subaccount too, or left there
   *  as Owner (their implicit access ended with the organization membership). */
  private async settleSubaccounts(trx: Transaction, scope: AccountScope, target: MembershipRecord, decision: RemoveUserDecision): Promise<void> {
    if (decision.deactivateOnSubaccounts === undefined) throw userErrors.decisionRequired();
    const subaccounts = await childAccountIds(trx, scope.accountId);
    if (decision.deactivateOnSubaccounts) {
      if (subaccounts.length > 0) await setMembershipStatus(trx, { userId: target.userId, accountIds: subaccounts }, 'deactivated');
      return;
    }
    const owner = await findPresetRole(trx, 'owner');
    for (const accountId of subaccounts) {
      const existing = await findMembership(trx, target.userId, accountId);
      if (existing) {
        await applyRole(trx, existing.id, owner);
        await setMembershipStatus(trx, { userId: target.userId, accountIds: [accountId] }, 'active');
      } else {
        await insertMemberships(trx, [{ userId: target.userId, accountId, role: owner, status: 'active' }]);
      }
    }
  }

  /** A profile (name, email, preferences) is one per user, shared by every account they belong to: only the
   *  organization that created the user edits it, and there only someone above the user's highest rank in
   *  that organization, not merely above the membership shown in this account. */
  private async assertMayEditProfile(trx: Transaction, scope: AccountScope, target: AccountUser): Promise<void> {
    const [home, here] = await Promise.all([homeOrganizationOf(trx, target.user.id), organizationOfAccount(trx, scope.accountId)]);
    if (home === undefined || home !== here) throw userErrors.profileManagedElsewhere(target.user.id);
    const targetRank = Math.max(target.membership.rank, await highestRankInOrganization(trx, target.user.id, home));
    if (targetRank >= scope.membership.rank) throw userErrors.targetNotBelowYou(targetRank, scope.membership.rank);
  }

  private async member(db: Queryable, accountId: number, userId: number): Promise<UserInAccount> {
    const [found] = await listAccountUsers(db, accountId, { userId });
    if (!found) throw userErrors.notFound(userId);
    return { ...found, extension: (await findOwnerExtension(db, accountId, { type: 'user', id: userId })) ?? null };
  }
}
