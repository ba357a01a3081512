// Invitations ("+ Invite"): a user (new, or existing and invited to one more account) gets a membership in
// "invited" state and an email with a single-use, expiring link; accepting sets their password if they have
// none and activates the membership.
import { mayAdd } from '../../core/access';
import type { JobQueue } from '../../core/job-queue';
import { hashToken } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { insertMemberships, setMembershipStatus } from '../../db/repositories/memberships';
import { findUserCredentials, insertUser, updateUser } from '../../db/repositories/users';
import { assertPasswordAcceptable, hashPassword, type PasswordPolicy } from '../auth/passwords';
import { createError } from '../http/errors';
import type { AccountContext } from '../http/routes';
import type { AccessInvalidator } from '../auth/access-cache';
import { assertVerdict, type UserService } from '../users/service';

const VALID_DAYS = 7;

export interface InviteInput {
  fullName: string;
  email: string;
  roleId: number;
  username?: string;
}

export class InvitationService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly users: UserService,
    private readonly access: AccessInvalidator,
    private readonly policy: PasswordPolicy,
  ) {}

  async invite(ctx: AccountContext, input: InviteInput): Promise<{ invitationId: number; userId: number; expiresAt: string }> {
    const username = (input.username ?? input.email).toLowerCase();
    const created = await this.db.transaction(async (trx) => {
      const role = await this.users.assignableRole(trx, ctx.accountId, input.roleId);
      assertVerdict(mayAdd(ctx.membership, role));
      const existing = await findUserCredentials(trx, username);
      if (existing && (await trx('memberships').where({ user_id: existing.user.id, account_id: ctx.accountId }).first('id'))) {
        throw createError('ALREADY_MEMBER', 409, `${username} already belongs to this account.`);
      }
      const userId = existing?.user.id ?? (await insertUser(trx, { username, fullName: input.fullName, email: input.email, passwordHash: null, status: 'invited', phoneMode: 'sip' }));
      await insertMemberships(trx, [{ userId, accountId: ctx.accountId, role, status: 'invited' }]);
      const expiresAt = new Date(Date.now() + VALID_DAYS * 86_400_000);
      const [invitationId] = await trx('invitations').insert({ account_id: ctx.accountId, user_id: userId, invited_by: ctx.actor.user.id, expires_at: expiresAt });
      await ctx.audit(trx, { action: 'invitation.create', entity: 'invitation', entityId: Number(invitationId), after: { userId, username, email: input.email, role: role.name } });
      return { invitationId: Number(invitationId), userId, expiresAt: expiresAt.toISOString() };
    });
    await this.jobs.enqueue('email.invitation', { invitationId: created.invitationId }, `invitation-${created.invitationId}`);
    return created;
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
      const burnt = await trx('invitations').where({ id: invitation.id, token_hash: hashToken(token) }).whereNull('accepted_at').update({ accepted_at: trx.fn.now(), token_hash: null });
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
      .where('i.token_hash', hashToken(token))
      .first('i.id', 'i.user_id', 'i.account_id', 'i.expires_at', 'i.accepted_at', 'u.username', 'u.full_name', 'u.email', 'u.password_hash', 'u.status as user_status', 'a.name as account_name', 'm.role_name');
    if (!invitation || invitation.accepted_at) throw createError('INVITATION_NOT_FOUND', 404, 'This invitation link is not valid (already used or never issued).');
    if (new Date(invitation.expires_at) < new Date()) throw createError('INVITATION_EXPIRED', 410, 'This invitation has expired: ask for a new one.');
    return invitation;
  }
}
