// Sends an invitation: mints its single-use token, emails the link, then stores only the token's hash.
// Idempotent: an invitation already sent (or answered, revoked, or expired) is not sent again. An existing
// user gets no link, only a notice at the address they gave themselves: they accept while signed in.
import { newToken } from '../../core/secrets';
import type { Database } from '../../db/connection';
import type { Mailer } from './mailer';

export async function sendInvitation(deps: { db: Database; mailer: Mailer; publicUrl: string }, invitationId: number): Promise<{ sent: boolean }> {
  const invitation = await deps.db('invitations as i')
    .join('users as u', 'u.id', 'i.user_id')
    .join('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('roles as r', 'r.id', 'i.role_id')
    .where({ 'i.id': invitationId, 'i.state': 'pending' })
    .first('i.id', 'i.kind', 'i.sent_at', 'i.accepted_at', 'i.expires_at', 'u.email', 'u.full_name', 'u.username', 'a.name as account_name', 'r.name as role_name');
  if (!invitation || invitation.sent_at || invitation.accepted_at || new Date(invitation.expires_at) < new Date()) return { sent: false };
  if (invitation.kind === 'existing_user') return sendNotice(deps, invitation);
  const { token, hash } = newToken('invitation');
  const link = `${deps.publicUrl}/v1/invitations/${token}`;
  await deps.mailer.send({
    to: invitation.email,
    subject: `You are invited to ${invitation.account_name}`,
    text: [
      `Hello ${invitation.full_name},`,
      '',
      `You are invited to join ${invitation.account_name} as ${invitation.role_name}, with the username ${invitation.username}.`,
      'Open this link to see the invitation and set your password. It works once and expires on',
      `${new Date(invitation.expires_at).toUTCString()}:`,
      '',
      link,
      '',
    ].join('\n'),
  });
  await deps.db('invitations').where({ id: invitationId }).update({ token_hash: hash, sent_at: deps.db.fn.now() });
  return { sent: true };
}

interface NoticeRow {
  id: number;
  email: string;
  full_name: string;
  username: string;
  account_name: string;
  role_name: string | null;
  expires_at: Date | string;
}

async function sendNotice(deps: { db: Database; mailer: Mailer; publicUrl: string }, invitation: NoticeRow): Promise<{ sent: boolean }> {
  await deps.mailer.send({
    to: invitation.email,
    subject: `You are invited to ${invitation.account_name}`,
    text: [
      `Hello ${invitation.full_name},`,
      '',
      `You are invited to join ${invitation.account_name} as ${invitation.role_name}. Sign in as ${invitation.username}`,
      `to accept or decline it (GET ${deps.publicUrl}/v1/me/invitations). It expires on ${new Date(invitation.expires_at).toUTCString()}.`,
      '',
    ].join('\n'),
  });
  await deps.db('invitations').where({ id: invitation.id }).update({ sent_at: deps.db.fn.now() });
  return { sent: true };
}
