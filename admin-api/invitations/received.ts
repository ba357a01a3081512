// The invited user's side of an invitation to an existing user: they see it while signed in and accept or
// decline it themselves. Accepting creates the membership then, and only if the invitation would still be
// allowed now: the role is still offered there and the inviter still holds the right to add it.
import { mayAdd } from '../../core/access';
import type { Database, Transaction } from '../../db/connection';
import { closeInvitation, findInvitationForUpdate, listOpenInvitationsFor, type InvitationRecord } from '../../db/repositories/invitations';
import { effectiveMembership, insertMemberships } from '../../db/repositories/memberships';
import type { RoleRecord } from '../../db/repositories/roles';
import { stampHomeOrganization } from '../../db/repositories/users';
import type { AccessInvalidator } from '../auth/access-cache';
import { ApiError, createError } from '../http/errors';
import type { ActorContext } from '../http/routes';
import type { UserService } from '../users/service';

const notFound = (invitationId: number): Error =>
  createError('INVITATION_NOT_FOUND', 404, `No open invitation ${invitationId} for you.`, { invitationId });

const stale = (reason: string, message: string): Error =>
  createError('INVITATION_NO_LONGER_VALID', 409, `${message} Ask for a new invitation.`, { reason });

export class ReceivedInvitations {
  constructor(
    private readonly db: Database,
    private readonly users: UserService,
    private readonly access: AccessInvalidator,
  ) {}

  async list(ctx: ActorContext): Promise<{ invitations: Record<string, unknown>[] }> {
    const invitations = await listOpenInvitationsFor(this.db, ctx.actor.user.id);
    return {
      invitations: invitations.map((invitation) => ({
        id: invitation.id, account: { id: invitation.accountId, name: invitation.accountName }, role: invitation.roleName,
        invitedBy: invitation.invitedByName, state: invitation.state, createdAt: invitation.createdAt.toISOString(), expiresAt: invitation.expiresAt.toISOString(),
      })),
    };
  }

  async accept(ctx: ActorContext, invitationId: number): Promise<{ accountId: number; role: string }> {
    const accepted = await this.db.transaction(async (trx) => {
      const invitation = await this.open(trx, ctx, invitationId);
      const role = await this.stillGrantable(trx, invitation);
      // Also when they reach it from above (an Organization Owner invited to a subaccount): a second, lower
      // membership there would only give its admins a handle on someone above them.
      const direct = await trx('memberships').where({ user_id: invitation.userId, account_id: invitation.accountId }).first('id');
      if (direct || (await effectiveMembership(trx, invitation.userId, invitation.accountId))) {
        throw createError('ALREADY_MEMBER', 409, 'You already belong to this account.');
      }
      // Before the user belongs anywhere else, so their home organization stays the one that created them.
      await stampHomeOrganization(trx, invitation.userId);
      await insertMemberships(trx, [{ userId: invitation.userId, accountId: invitation.accountId, role, status: 'active' }]);
      await closeInvitation(trx, invitation.id, 'accepted');
      await ctx.audit(trx, { accountId: invitation.accountId, action: 'invitation.accept', entity: 'invitation', entityId: invitation.id, after: { username: invitation.username, role: role.name } });
      return { accountId: invitation.accountId, role: role.name };
    });
    await this.access.userAccessChanged([ctx.actor.user.id]);
    return accepted;
  }

  async decline(ctx: ActorContext, invitationId: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const invitation = await this.open(trx, ctx, invitationId);
      await closeInvitation(trx, invitation.id, 'declined');
      await ctx.audit(trx, { accountId: invitation.accountId, action: 'invitation.decline', entity: 'invitation', entityId: invitation.id, after: { username: invitation.username } });
    });
  }

  /** The actor's own pending invitation to an existing user, locked; someone else's looks like none. */
  private async open(trx: Transaction, ctx: ActorContext, invitationId: number): Promise<InvitationRecord> {
    const invitation = await findInvitationForUpdate(trx, invitationId, { userId: ctx.actor.user.id });
    if (!invitation || invitation.kind !== 'existing_user' || invitation.state !== 'pending') throw notFound(invitationId);
    if (invitation.expiresAt.getTime() < Date.now()) throw createError('INVITATION_EXPIRED', 410, 'This invitation has expired: ask for a new one.');
    return invitation;
  }

  /** The tier rules applied when inviting, applied again now: roles and rights may have changed since. */
  private async stillGrantable(trx: Transaction, invitation: InvitationRecord): Promise<RoleRecord> {
    if (invitation.roleId === null) throw stale('ROLE_REMOVED', 'The role of this invitation no longer exists.');
    const role = await this.users.assignableRole(trx, invitation.accountId, invitation.roleId).catch((error: unknown) => {
      if (error instanceof ApiError && error.status < 500) throw stale('ROLE_NOT_OFFERED', 'The role of this invitation is no longer offered in that account.');
      throw error;
    });
    const inviter = invitation.invitedBy === null ? undefined : await effectiveMembership(trx, invitation.invitedBy, invitation.accountId);
    if (!inviter || !inviter.permissions.includes('users.manage')) throw stale('INVITER_NO_LONGER_ALLOWED', 'Whoever invited you may no longer add users there.');
    const inviterUser = await trx('users').where({ id: invitation.invitedBy, status: 'active' }).first('id');
    if (!inviterUser) throw stale('INVITER_NO_LONGER_ALLOWED', 'Whoever invited you may no longer add users there.');
    const verdict = mayAdd(inviter, role);
    if (!verdict.allowed) throw stale('INVITER_NO_LONGER_ALLOWED', 'Whoever invited you may no longer grant this role.');
    return role;
  }
}
