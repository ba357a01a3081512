// The invited user's side of an invitation to an existing user: they see it while signed in and accept or
// decline it themselves. Accepting creates the membership then, and only if the invitation would still be
// allowed now: the role is still offered there and the inviter still holds the right to add it.
import { mayAdd } from '../../core/access';
import type { Database, Transaction } from '../../db/connection';
import { closeInvitation, findInvitationForUpdate, listOpenInvitationsFor, type InvitationRecord } from '../../db/repositories/invitations';
import { effectiveMembership, findMembership, insertMemberships } from '../../db/repositories/memberships';
import type { Role } from '../../core/access';
import { findUser, stampHomeOrganization } from '../../db/repositories/users';
import type { AccessInvalidator } from '../auth/access-cache';
import { ApiError } from '../http/errors';
import type { UserScope } from '../scope';
import { assignableRole } from '../users/assignable-role';
import { invitationErrors } from './errors';

const stale = invitationErrors.noLongerValid;

export class ReceivedInvitations {
  constructor(
    private readonly db: Database,
    private readonly access: AccessInvalidator,
  ) {}

  async list(scope: UserScope): Promise<{ invitations: Record<string, unknown>[] }> {
    const invitations = await listOpenInvitationsFor(this.db, scope.actor.user.id);
    return {
      invitations: invitations.map((invitation) => ({
        id: invitation.id, account: { id: invitation.accountId, name: invitation.accountName }, role: invitation.roleName,
        invitedBy: invitation.invitedByName, state: invitation.state, createdAt: invitation.createdAt.toISOString(), expiresAt: invitation.expiresAt.toISOString(),
      })),
    };
  }

  async accept(scope: UserScope, invitationId: number): Promise<{ accountId: number; role: string }> {
    const accepted = await this.db.transaction(async (trx) => {
      const invitation = await this.open(trx, scope, invitationId);
      const role = await this.stillGrantable(trx, invitation);
      // Also when they reach it from above (an Organization Owner invited to a subaccount): a second, lower
      // membership there would only give its admins a handle on someone above them.
      const direct = await findMembership(trx, invitation.userId, invitation.accountId);
      if (direct || (await effectiveMembership(trx, invitation.userId, invitation.accountId))) throw invitationErrors.youAreAlreadyMember();
      // Before the user belongs anywhere else, so their home organization stays the one that created them.
      await stampHomeOrganization(trx, invitation.userId);
      await insertMemberships(trx, [{ userId: invitation.userId, accountId: invitation.accountId, role, status: 'active' }]);
      await closeInvitation(trx, invitation.id, 'accepted');
      await scope.audit(trx, { accountId: invitation.accountId, action: 'invitation.accept', entity: 'invitation', entityId: invitation.id, after: { username: invitation.username, role: role.name } });
      return { accountId: invitation.accountId, role: role.name };
    });
    await this.access.userAccessChanged([scope.actor.user.id]);
    return accepted;
  }

  async decline(scope: UserScope, invitationId: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const invitation = await this.open(trx, scope, invitationId);
      await closeInvitation(trx, invitation.id, 'declined');
      await scope.audit(trx, { accountId: invitation.accountId, action: 'invitation.decline', entity: 'invitation', entityId: invitation.id, after: { username: invitation.username } });
    });
  }

  /** The actor's own pending invitation to an existing user, locked; someone else's looks like none. */
  private async open(trx: Transaction, scope: UserScope, invitationId: number): Promise<InvitationRecord> {
    const invitation = await findInvitationForUpdate(trx, invitationId, { userId: scope.actor.user.id });
    if (!invitation || invitation.kind !== 'existing_user' || invitation.state !== 'pending') throw invitationErrors.notFoundForYou(invitationId);
    if (invitation.expiresAt.getTime() < Date.now()) throw invitationErrors.expired();
    return invitation;
  }

  /** The tier rules applied when inviting, applied again now: roles and rights may have changed since. */
  private async stillGrantable(trx: Transaction, invitation: InvitationRecord): Promise<Role> {
    if (invitation.roleId === null) throw stale('ROLE_REMOVED', 'The role of this invitation no longer exists.');
    const role = await assignableRole(trx, invitation.accountId, invitation.roleId).catch((error: unknown) => {
      if (error instanceof ApiError && error.status < 500) throw stale('ROLE_NOT_OFFERED', 'The role of this invitation is no longer offered in that account.');
      throw error;
    });
    const inviter = invitation.invitedBy === null ? undefined : await effectiveMembership(trx, invitation.invitedBy, invitation.accountId);
    if (!inviter || !inviter.permissions.includes('users.manage')) throw stale('INVITER_NO_LONGER_ALLOWED', 'Whoever invited you may no longer add users there.');
    const inviterUser = await findUser(trx, inviter.userId);
    if (inviterUser?.status !== 'active') throw stale('INVITER_NO_LONGER_ALLOWED', 'Whoever invited you may no longer add users there.');
    const verdict = mayAdd(inviter, role);
    if (!verdict.allowed) throw stale('INVITER_NO_LONGER_ALLOWED', 'Whoever invited you may no longer grant this role.');
    return role;
  }
}
