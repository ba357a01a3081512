// Invitations ("+ Invite"). A new user gets a membership in "invited" state and an email with a single-use,
// expiring link; accepting sets their password and activates the membership. An existing user (of any
// organization) gets only a pending invitation that they accept or decline themselves while signed in
// (./received.ts): until then the inviting account sees the username it typed and the state, nothing more.
import { mayAdd } from '../../core/access';
import type { JobQueue } from '../../core/job-queue';
import { hashToken } from '../../core/secrets';
import type { Database, Transaction } from '../../db/connection';
import { insertMemberships, setMembershipStatus } from '../../db/repositories/memberships';
import { closeInvitation, findInvitationForUpdate, hasOpenInvitation, insertInvitation, listAccountInvitations } from '../../db/repositories/invitations';
import { findRoleForAccount, type RoleRecord } from '../../db/repositories/roles';
import { findUserCredentials, insertUser, organizationOfAccount, updateUser } from '../../db/repositories/users';
import { assertPasswordAcceptable, hashPassword, type PasswordPolicy } from '../auth/passwords';
import { createError } from '../http/errors';
import type { AccountContext } from '../http/routes';
import type { AccessInvalidator } from '../auth/access-cache';
import { assertVerdict, type UserService } from '../users/service';
import { ReceivedInvitations } from './received';

const VALID_DAYS = 7;

export interface InviteInput {
  fullName: string;
  email: string;
  roleId: number;
  username?: string;
}

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
    private readonly users: UserService,
    private readonly access: AccessInvalidator,
    private readonly policy: PasswordPolicy,
  ) {
    this.mine = new ReceivedInvitations(db, users, access);
  }

  /** The signed-in user's side: invitations they received, to accept or decline. */
  readonly mine: ReceivedInvitations;

  /** Same answer whether the username exists or not, so invitations cannot probe for users: a new user gets
   *  the emailed link; an existing one only a request to answer while signed in (no membership until then). */
  async invite(ctx: AccountContext, input: InviteInput): Promise<InvitationReceipt> {
    const username = (input.username ?? input.email).toLowerCase();
    const created = await this.db.transaction(async (trx) => {
      const role = await this.users.assignableRole(trx, ctx.accountId, input.roleId);
      assertVerdict(mayAdd(ctx.membership, role));
      const found = await findUserCredentials(trx, username);
      if (found) await this.assertNotAlreadyIn(trx, ctx.accountId, found.user.id, username);
      const existing = found && !(await this.neverJoined(trx, found)) ? found : undefined;
      const userId = existing?.user.id ?? (await this.newInvitedUser(trx, ctx, input, username, role, found?.user.id));
      const expiresAt = new Date(Date.now() + VALID_DAYS * 86_400_000);
      const invitationId = await insertInvitation(trx, {
        accountId: ctx.accountId, userId, invitedBy: ctx.actor.user.id, kind: existing ? 'existing_user' : 'new_user', username, roleId: role.id, expiresAt,
      });
      // Nothing here tells the inviting account whether the username existed: its audit is read by its owners.
      await ctx.audit(trx, { action: 'invitation.create', entity: 'invitation', entityId: invitationId, after: { username, email: input.email, role: role.name } });
      return { invitationId, username, state: 'pending' as const, expiresAt: expiresAt.toISOString() };
    });
    await this.jobs.enqueue('email.invitation', { invitationId: created.invitationId }, `invitation-${created.invitationId}`);
    return created;
  }

  /** The account's invitations as it may see them: the username it typed, the role and the state. */
  async list(ctx: AccountContext): Promise<{ invitations: Record<string, unknown>[] }> {
    const now = Date.now();
    return {
      invitations: (await listAccountInvitations(this.db, ctx.accountId)).map((invitation) => ({
        id: invitation.id, username: invitation.username, role: invitation.roleName,
        state: invitation.state === 'pending' && invitation.expiresAt.getTime() < now ? 'expired' : invitation.state,
        createdAt: invitation.createdAt.toISOString(), expiresAt: invitation.expiresAt.toISOString(), decidedAt: invitation.decidedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Withdraws a pending invitation: its link stops working; a new user's invited membership goes with it. */
  async revoke(ctx: AccountContext, invitationId: number): Promise<void> {
    const userId = await this.db.transaction(async (trx) => {
      const invitation = await findInvitationForUpdate(trx, invitationId, { accountId: ctx.accountId });
      if (!invitation) throw createError('INVITATION_NOT_FOUND', 404, `No invitation ${invitationId} in this account.`, { invitationId });
      if (invitation.state !== 'pending') throw createError('INVITATION_CLOSED', 409, `This invitation is already ${invitation.state}.`, { state: invitation.state });
      const role = invitation.roleId === null ? undefined : await findRoleForAccount(trx, invitation.roleId, ctx.accountId);
      if (role) assertVerdict(mayAdd(ctx.membership, role));
      await closeInvitation(trx, invitation.id, 'revoked');
      if (invitation.kind === 'new_user') {
        await trx('memberships').where({ user_id: invitation.userId, account_id: ctx.accountId, status: 'invited' }).delete();
      }
      await ctx.audit(trx, { action: 'invitation.revoke', entity: 'invitation', entityId: invitation.id, before: { username: invitation.username, state: invitation.state } });
      return invitation.userId;
    });
    await this.access.userAccessChanged([userId]);
  }

  private async assertNotAlreadyIn(trx: Transaction, accountId: number, userId: number, username: string): Promise<void> {
    const membership = await trx('memberships').where({ user_id: userId, account_id: accountId }).first('status');
    // A new user's second invitation and an existing user's second one answer alike.
    if (membership?.status === 'invited' || (!membership && (await hasOpenInvitation(trx, accountId, userId)))) {
      throw createError('ALREADY_INVITED', 409, `${username} already has an open invitation to this account.`);
    }
    if (membership) throw createError('ALREADY_MEMBER', 409, `${username} already belongs to this account.`);
  }

  /** A user left over from a revoked invitation: never set a password, belongs nowhere. Invited again, they
   *  are a new user (emailed link), or they could never sign in to answer. */
  private async neverJoined(trx: Transaction, found: { user: { id: number; status: string }; passwordHash: string | null }): Promise<boolean> {
    if (found.user.status !== 'invited' || found.passwordHash !== null) return false;
    return (await trx('memberships').where({ user_id: found.user.id }).first('id')) === undefined;
  }

  private async newInvitedUser(trx: Transaction, ctx: AccountContext, input: InviteInput, username: string, role: RoleRecord, leftOverId?: number): Promise<number> {
    const createdInOrganizationId = await organizationOfAccount(trx, ctx.accountId);
    let userId = leftOverId;
    if (userId === undefined) {
      userId = await insertUser(trx, { username, fullName: input.fullName, email: input.email, passwordHash: null, status: 'invited', phoneMode: 'sip', createdInOrganizationId });
    } else {
      await updateUser(trx, userId, { fullName: input.fullName, email: input.email, createdInOrganizationId: createdInOrganizationId ?? null });
    }
    await insertMemberships(trx, [{ userId, accountId: ctx.accountId, role, status: 'invited' }]);
    return userId;
  }

  /** What the link shows before accepting. */
  async describe(token: string): Promise<Record<string, unknown>> {
    const invitation = await this.live(token);
    return { account: invitation.account_name, role: invitation.role_name, fullName: invitation.full_name, email: invitation.email, username: invitation.username, passwordRequired: !invitation.password_hash, expiresAt: new Date(invitation.expires_at).toISOString() };
  }

  async accept(token: string, password: string | undefined): Promise<{ username: string; accountId: number }> {
    const invitation = await this.live(token);
    if (!invitation.password_hash) {
      if (!password) throw createError('VALIDATION_FAILED', 400, 'Choose a password: /password is required.', { fields: [{ path: '/password', message: 'is required' }] });
      assertPasswordAcceptable(password, this.policy, invitation.username);
    }
    const passwordHash = !invitation.password_hash && password ? await hashPassword(password) : undefined;
    await this.db.transaction(async (trx) => {
      // Single use: the token is burnt in the same transaction that accepts it.
      const burnt = await trx('invitations').where({ id: invitation.id, token_hash: hashToken(token), state: 'pending' }).whereNull('accepted_at')
        .update({ accepted_at: trx.fn.now(), decided_at: trx.fn.now(), state: 'accepted', token_hash: null });
      if (burnt === 0) throw createError('INVITATION_NOT_FOUND', 404, 'This invitation link is not valid (already used or never issued).');
      if (passwordHash) await updateUser(trx, invitation.user_id, { passwordHash });
      if (invitation.user_status === 'invited') await updateUser(trx, invitation.user_id, { status: 'active' });
      await setMembershipStatus(trx, { userId: invitation.user_id, accountIds: [invitation.account_id] }, 'active');
    });
    await this.access.userAccessChanged([Number(invitation.user_id)]);
    return { username: invitation.username, accountId: Number(invitation.account_id) };
  }

  private async live(token: string): Promise<Record<string, any>> {
    const invitation = await this.db('invitations as i')
      .join('users as u', 'u.id', 'i.user_id')
      .join('accounts as a', 'a.id', 'i.account_id')
      .join('memberships as m', function joinMembership() { this.on('m.user_id', '=', 'i.user_id').andOn('m.account_id', '=', 'i.account_id'); })
      .where({ 'i.token_hash': hashToken(token), 'i.kind': 'new_user', 'i.state': 'pending' })
      .first('i.id', 'i.user_id', 'i.account_id', 'i.expires_at', 'i.accepted_at', 'u.username', 'u.full_name', 'u.email', 'u.password_hash', 'u.status as user_status', 'a.name as account_name', 'm.role_name');
    if (!invitation || invitation.accepted_at) throw createError('INVITATION_NOT_FOUND', 404, 'This invitation link is not valid (already used or never issued).');
    if (new Date(invitation.expires_at) < new Date()) throw createError('INVITATION_EXPIRED', 410, 'This invitation has expired: ask for a new one.');
    return invitation;
  }
}
