// Invitations: a `new_user` one carries the emailed single-use link (its user and invited membership exist from
// the start); an `existing_user` one is a request the user answers while signed in, and no membership exists
// until they accept. The inviting account sees only the username it typed and the state.
import type { Queryable } from '../connection';

export type InvitationKind = 'new_user' | 'existing_user';
export type InvitationState = 'pending' | 'accepted' | 'declined' | 'revoked';

export interface InvitationRecord {
  id: number;
  accountId: number;
  userId: number;
  invitedBy: number | null;
  kind: InvitationKind;
  username: string;
  roleId: number | null;
  state: InvitationState;
  expiresAt: Date;
  createdAt: Date;
  decidedAt: Date | null;
}

interface InvitationRow {
  id: number | string;
  account_id: number | string;
  user_id: number | string;
  invited_by: number | string | null;
  kind: InvitationKind;
  username: string | null;
  role_id: number | string | null;
  state: InvitationState;
  expires_at: Date | string;
  created_at: Date | string;
  decided_at: Date | string | null;
}

const COLUMNS = ['i.id', 'i.account_id', 'i.user_id', 'i.invited_by', 'i.kind', 'i.username', 'i.role_id', 'i.state', 'i.expires_at', 'i.created_at', 'i.decided_at'];

const optionalId = (value: number | string | null): number | null => (value === null ? null : Number(value));

function toInvitation(row: InvitationRow): InvitationRecord {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    userId: Number(row.user_id),
    invitedBy: optionalId(row.invited_by),
    kind: row.kind,
    username: row.username ?? '',
    roleId: optionalId(row.role_id),
    state: row.state,
    expiresAt: new Date(row.expires_at),
    createdAt: new Date(row.created_at),
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at),
  };
}

export interface NewInvitation {
  accountId: number;
  userId: number;
  invitedBy: number;
  kind: InvitationKind;
  username: string;
  roleId: number;
  expiresAt: Date;
}

export async function insertInvitation(db: Queryable, invitation: NewInvitation): Promise<number> {
  const [id] = await db('invitations').insert({
    account_id: invitation.accountId,
    user_id: invitation.userId,
    invited_by: invitation.invitedBy,
    kind: invitation.kind,
    username: invitation.username,
    role_id: invitation.roleId,
    expires_at: invitation.expiresAt,
  });
  return Number(id);
}

/** One invitation, narrowed to an account or to its invited user; locked for the caller's transaction. */
export async function findInvitationForUpdate(db: Queryable, id: number, where: { accountId?: number; userId?: number }): Promise<InvitationRecord | undefined> {
  const query = db('invitations as i').where('i.id', id).forUpdate().first(COLUMNS);
  if (where.accountId !== undefined) query.andWhere('i.account_id', where.accountId);
  if (where.userId !== undefined) query.andWhere('i.user_id', where.userId);
  const row = (await query) as InvitationRow | undefined;
  return row ? toInvitation(row) : undefined;
}

/** An invitation of this user to this account still waiting for an answer. */
export async function hasOpenInvitation(db: Queryable, accountId: number, userId: number): Promise<boolean> {
  const row = await db('invitations').where({ account_id: accountId, user_id: userId, state: 'pending' }).andWhere('expires_at', '>', new Date()).first('id');
  return row !== undefined;
}

/** Moves a pending invitation to its final state; false when it was no longer pending. */
export async function closeInvitation(db: Queryable, id: number, state: Exclude<InvitationState, 'pending'>): Promise<boolean> {
  const changed = await db('invitations').where({ id, state: 'pending' }).update({
    state, decided_at: db.fn.now(), token_hash: null, ...(state === 'accepted' ? { accepted_at: db.fn.now() } : {}),
  });
  return changed > 0;
}

export interface InvitationWithRole extends InvitationRecord {
  roleName: string | null;
}

/** What an account sees of its invitations: nothing about the invited user beyond the username it typed. */
export async function listAccountInvitations(db: Queryable, accountId: number): Promise<InvitationWithRole[]> {
  const rows = await db('invitations as i')
    .leftJoin('roles as r', 'r.id', 'i.role_id')
    .where('i.account_id', accountId)
    .orderBy('i.id', 'desc')
    .limit(500)
    .select([...COLUMNS, 'r.name as role_name']);
  return (rows as (InvitationRow & { role_name: string | null })[]).map((row) => ({ ...toInvitation(row), roleName: row.role_name }));
}

export interface ReceivedInvitation extends InvitationWithRole {
  accountName: string;
  invitedByName: string | null;
}

/** The open invitations a signed-in user may answer. */
export async function listOpenInvitationsFor(db: Queryable, userId: number): Promise<ReceivedInvitation[]> {
  const rows = await db('invitations as i')
    .join('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('roles as r', 'r.id', 'i.role_id')
    .leftJoin('users as inviter', 'inviter.id', 'i.invited_by')
    .where({ 'i.user_id': userId, 'i.kind': 'existing_user', 'i.state': 'pending' })
    .andWhere('i.expires_at', '>', new Date())
    .orderBy('i.id')
    .select([...COLUMNS, 'r.name as role_name', 'a.name as account_name', 'inviter.full_name as inviter_name']);
  return (rows as (InvitationRow & { role_name: string | null; account_name: string; inviter_name: string | null })[]).map((row) => ({
    ...toInvitation(row), roleName: row.role_name, accountName: row.account_name, invitedByName: row.inviter_name,
  }));
}

/** What an emailed link leads to: a new user's pending invitation, with what the invitation page shows. */
export interface InvitationLink {
  id: number;
  userId: number;
  accountId: number;
  expiresAt: Date;
  acceptedAt: Date | null;
  username: string;
  fullName: string;
  email: string;
  passwordHash: string | null;
  userStatus: string;
  accountName: string;
  /** The role of the invited membership. */
  roleName: string;
}

interface InvitationLinkRow {
  id: number | string;
  user_id: number | string;
  account_id: number | string;
  expires_at: Date | string;
  accepted_at: Date | string | null;
  username: string;
  full_name: string;
  email: string;
  password_hash: string | null;
  user_status: string;
  account_name: string;
  role_name: string;
}

export async function findInvitationLink(db: Queryable, tokenHash: string): Promise<InvitationLink | undefined> {
  const row = (await db('invitations as i')
    .join('users as u', 'u.id', 'i.user_id')
    .join('accounts as a', 'a.id', 'i.account_id')
    .join('memberships as m', function joinMembership() { this.on('m.user_id', '=', 'i.user_id').andOn('m.account_id', '=', 'i.account_id'); })
    .where({ 'i.token_hash': tokenHash, 'i.kind': 'new_user', 'i.state': 'pending' })
    .first('i.id', 'i.user_id', 'i.account_id', 'i.expires_at', 'i.accepted_at', 'u.username', 'u.full_name', 'u.email', 'u.password_hash', 'u.status as user_status',
      'a.name as account_name', 'm.role_name')) as InvitationLinkRow | undefined;
  if (!row) return undefined;
  return {
    id: Number(row.id), userId: Number(row.user_id), accountId: Number(row.account_id), expiresAt: new Date(row.expires_at),
    acceptedAt: row.accepted_at === null ? null : new Date(row.accepted_at), username: row.username, fullName: row.full_name, email: row.email,
    passwordHash: row.password_hash, userStatus: row.user_status, accountName: row.account_name, roleName: row.role_name,
  };
}

/** Accepts a link's invitation by spending its token: false when the token was already spent (single use). */
export async function spendInvitationToken(db: Queryable, id: number, tokenHash: string): Promise<boolean> {
  const changed = await db('invitations').where({ id, token_hash: tokenHash, state: 'pending' }).whereNull('accepted_at')
    .update({ accepted_at: db.fn.now(), decided_at: db.fn.now(), state: 'accepted', token_hash: null });
  return changed > 0;
}

/** What the invitation mail says: who is invited where, with which role, until when. */
export interface InvitationMailing {
  id: number;
  kind: InvitationKind;
  sentAt: Date | null;
  acceptedAt: Date | null;
  expiresAt: Date;
  email: string;
  fullName: string;
  username: string;
  accountName: string;
  roleName: string | null;
}

/** A pending invitation with what its mail needs; undefined when it is no longer pending. */
export async function findPendingInvitationMailing(db: Queryable, id: number): Promise<InvitationMailing | undefined> {
  const row = await db('invitations as i')
    .join('users as u', 'u.id', 'i.user_id')
    .join('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('roles as r', 'r.id', 'i.role_id')
    .where({ 'i.id': id, 'i.state': 'pending' })
    .first('i.id', 'i.kind', 'i.sent_at', 'i.accepted_at', 'i.expires_at', 'u.email', 'u.full_name', 'u.username', 'a.name as account_name', 'r.name as role_name');
  if (!row) return undefined;
  const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));
  return {
    id: Number(row.id), kind: row.kind, sentAt: date(row.sent_at), acceptedAt: date(row.accepted_at), expiresAt: new Date(row.expires_at),
    email: row.email, fullName: row.full_name, username: row.username, accountName: row.account_name, roleName: row.role_name ?? null,
  };
}

/** Records that the invitation's mail went out; with a link, only the link token's hash is kept. */
export async function markInvitationSent(db: Queryable, id: number, tokenHash?: string): Promise<void> {
  await db('invitations').where({ id }).update({ ...(tokenHash ? { token_hash: tokenHash } : {}), sent_at: db.fn.now() });
}
