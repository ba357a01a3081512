// Invitations ("+ Invite"). A new user gets a membership in "invited" state and an email with a single-use,
// expiring link; accepting sets their password and activates the membership. An existing user (of any
// organization) gets only a pending invitation that they accept or decline themselves while signed in
// (./received.ts): until then the inviting account sees the username it typed and the state, nothing more.
import { mayAdd } from '../../core/access';
import type { JobQueue } from '../../core/job-queue';
import { hashToken } from '../../core/secrets';
import type { Database, Transaction } from '../../db/connection';
import {
  closeInvitation, findInvitationForUpdate, findInvitationLink, hasOpenInvitation, insertInvitation, listAccountInvitations, spendInvitationToken, type InvitationLink,
} from '../../db/repositories/invitations';
import { deleteInvitedMembership, findMembership, hasAnyMembership, insertMemberships, setMembershipStatus } from '../../db/repositories/memberships';
import { findRoleForAccount } from '../../db/repositories/roles';
import type { Role } from '../../core/access';
import { findUserCredentials, insertUser, organizationOfAccount, updateUser } from '../../db/repositories/users';
import type { AccessInvalidator } from '../auth/access-cache';
import { assertPasswordAcceptable, hashPassword, type PasswordPolicy } from '../auth/passwords';
import type { AccountScope, PublicScope } from '../scope';
import { assertVerdict, assignableRole } from '../users/assignable-role';
import { invitationErrors } from './errors';
import { ReceivedInvitations } from './received';
import type { InviteInput } from './schemas';

const VALID_DAYS = 7;

export interface InvitationReceipt {
  invitationId: number;
  username: string;
  state: 'pending';
  expiresAt: string;
}

export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly access: AccessInvalidator,
    private readonly policy: PasswordPolicy,
  ) {
    this.mine = new ReceivedInvitations(db, access);
  }

  /** The signed-in user's side: invitations they received, to accept or decline. */
  readonly mine: ReceivedInvitations;

  /** Same answer whether the username exists or not, so invitations cannot probe for users: a new user gets
   *  the emailed link; an existing one only a request to answer while signed in (no membership until then). */
  async invite(scope: AccountScope, input: InviteInput): Promise<InvitationReceipt> {
    const username = (input.username ?? input.email).toLowerCase();
    const created = await this.db.transaction(async (trx) => {
      const role = await assignableRole(trx, scope.accountId, input.roleId);
      assertVerdict(mayAdd(scope.membership, role));
      const found = await findUserCredentials(trx, username);
      if (found) await this.assertNotAlreadyIn(trx, scope.accountId, found.user.id, username);
      const existing = found && !(await this.neverJoined(trx, found)) ? found : undefined;
      const userId = existing?.user.id ?? (await this.newInvitedUser(trx, scope, input, username, role, found?.user.id));
      const expiresAt = new Date(Date.now() + VALID_DAYS * 86_400_000);
      const invitationId = await insertInvitation(trx, {
        accountId: scope.accountId, userId, invitedBy: scope.actor.user.id, kind: existing ? 'existing_user' : 'new_user', username, roleId: role.id, expiresAt,
      });
      // Nothing here tells the inviting account whether the username existed: its audit is read by its owners.
      await scope.audit(trx, { action: 'invitation.create', entity: 'invitation', entityId: invitationId, after: { username, email: input.email, role: role.name } });
      return { invitationId, username, state: 'pending' as const, expiresAt: expiresAt.toISOString() };
    });
    await this.jobs.enqueue('email.invitation', { invitationId: created.invitationId }, `invitation-${created.invitationId}`);
    return created;
  }

  /** The account's invitations as it may see them: the username it typed, the role and the state. */
  async list(scope: AccountScope): Promise<{ invitations: Record<string, unknown>[] }> {
    const now = Date.now();
    return {
      invitations: (await listAccountInvitations(this.db, scope.accountId)).map((invitation) => ({
        id: invitation.id, username: invitation.username, role: invitation.roleName,
        state: invitation.state === 'pending' && invitation.expiresAt.getTime() < now ? 'expired' : invitation.state,
        createdAt: invitation.createdAt.toISOString(), expiresAt: invitation.expiresAt.toISOString(), decidedAt: invitation.decidedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Withdraws a pending invitation: its link stops working; a new user's invited membership goes with it. */
  async revoke(scope: AccountScope, invitationId: number): Promise<void> {
    const userId = await this.db.transaction(async (trx) => {
      const invitation = await findInvitationForUpdate(trx, invitationId, { accountId: scope.accountId });
      if (!invitation) throw invitationErrors.notFoundInAccount(invitationId);
      if (invitation.state !== 'pending') throw invitationErrors.closed(invitation.state);
      const role = invitation.roleId === null ? undefined : await findRoleForAccount(trx, invitation.roleId, scope.accountId);
      if (role) assertVerdict(mayAdd(scope.membership, role));
      await closeInvitation(trx, invitation.id, 'revoked');
      if (invitation.kind === 'new_user') await deleteInvitedMembership(trx, invitation.userId, scope.accountId);
      await scope.audit(trx, { action: 'invitation.revoke', entity: 'invitation', entityId: invitation.id, before: { username: invitation.username, state: invitation.state } });
      return invitation.userId;
    });
    await this.access.userAccessChanged([userId]);
  }

  private async assertNotAlreadyIn(trx: Transaction, accountId: number, userId: number, username: string): Promise<void> {
    const membership = await findMembership(trx, userId, accountId);
    // A new user's second invitation and an existing user's second one answer alike.
    if (membership?.status === 'invited' || (!membership && (await hasOpenInvitation(trx, accountId, userId)))) throw invitationErrors.alreadyInvited(username);
    if (membership) throw invitationErrors.alreadyMember(username);
  }

  /** A user left over from a revoked invitation: never set a password, belongs nowhere. Invited again, they
   *  are a new user (emailed link), or they could never sign in to answer. */
  private async neverJoined(trx: Transaction, found: { user: { id: number; status: string }; passwordHash: string | null }): Promise<boolean> {
    if (found.user.status !== 'invited' || found.passwordHash !== null) return false;
    return !(await hasAnyMembership(trx, found.user.id));
  }

  private async newInvitedUser(trx: Transaction, scope: AccountScope, input: InviteInput, username: string, role: Role, leftOverId?: number): Promise<number> {
    const createdInOrganizationId = await organizationOfAccount(trx, scope.accountId);
    let userId = leftOverId;
    if (userId === undefined) {
      userId = await insertUser(trx, { username, fullName: input.fullName, email: input.email, passwordHash: null, status: 'invited', phoneMode: 'sip', createdInOrganizationId });
    } else {
      await updateUser(trx, userId, { fullName: input.fullName, email: input.email, createdInOrganizationId: createdInOrganizationId ?? null });
    }
    await insertMemberships(trx, [{ userId, accountId: scope.accountId, role, status: 'invited' }]);
    return userId;
  }

  /** What the link shows before accepting. */
  async describe(_scope: PublicScope, token: string): Promise<Record<string, unknown>> {
    const invitation = await this.live(token);
    return {
      account: invitation.accountName, role: invitation.roleName, fullName: invitation.fullName, email: invitation.email, username: invitation.username,
      passwordRequired: !invitation.passwordHash, expiresAt: invitation.expiresAt.toISOString(),
    };
  }

  async accept(scope: PublicScope, token: string, password: string | undefined): Promise<{ username: string; accountId: number }> {
    const invitation = await this.live(token);
    if (!invitation.passwordHash) {
      if (!password) throw invitationErrors.passwordRequired();
      assertPasswordAcceptable(password, this.policy, invitation.username);
    }
    const passwordHash = !invitation.passwordHash && password ? await hashPassword(password) : undefined;
    await this.db.transaction(async (trx) => {
      // Single use: the token is spent in the same transaction that accepts it.
      if (!(await spendInvitationToken(trx, invitation.id, hashToken(token)))) throw invitationErrors.linkNotValid();
      // Only a membership still waiting for this link becomes active: one an admin removed since (deactivated)
      // must not come back through an old email.
      const membership = await findMembership(trx, invitation.userId, invitation.accountId);
      if (membership?.status !== 'invited') throw invitationErrors.linkNotValid();
      if (passwordHash) await updateUser(trx, invitation.userId, { passwordHash });
      if (invitation.userStatus === 'invited') await updateUser(trx, invitation.userId, { status: 'active' });
      await setMembershipStatus(trx, { userId: invitation.userId, accountIds: [invitation.accountId] }, 'active');
      await scope.audit(trx, { accountId: invitation.accountId, action: 'invitation.accept', entity: 'invitation', entityId: invitation.id, after: { username: invitation.username, viaLink: true } });
    });
    await this.access.userAccessChanged([invitation.userId]);
    return { username: invitation.username, accountId: invitation.accountId };
  }

  private async live(token: string): Promise<InvitationLink> {
    const invitation = await findInvitationLink(this.db, hashToken(token));
    if (!invitation || invitation.acceptedAt) throw invitationErrors.linkNotValid();
    if (invitation.expiresAt < new Date()) throw invitationErrors.expired();
    return invitation;
  }
}
