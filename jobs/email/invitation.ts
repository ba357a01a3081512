// Sends an invitation: mints its single-use token, emails the link, then stores only the token's hash.
// Idempotent: an invitation already sent (or answered, revoked, or expired) is not sent again. An existing
// user gets no link, only a notice at the address they gave themselves: they accept while signed in.
import { newToken } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { findPendingInvitationMailing, markInvitationSent, type InvitationMailing } from '../../db/repositories/invitations';
import type { Mailer } from './mailer';

export async function sendInvitation(deps: { db: Database; mailer: Mailer; publicUrl: string }, invitationId: number): Promise<{ sent: boolean }> {
  const invitation = await findPendingInvitationMailing(deps.db, invitationId);
  if (!invitation || invitation.sentAt || invitation.acceptedAt || invitation.expiresAt < new Date()) return { sent: false };
  if (invitation.kind === 'existing_user') {
    await mail(deps.mailer, invitation, [
      `You are invited to join ${invitation.accountName} as ${invitation.roleName}. Sign in as ${invitation.username}`,
      `to accept or decline it (GET ${deps.publicUrl}/v1/me/invitations). It expires on ${invitation.expiresAt.toUTCString()}.`,
    ]);
    await markInvitationSent(deps.db, invitation.id);
    return { sent: true };
  }
  const { token, hash } = newToken('invitation');
  await mail(deps.mailer, invitation, [
    `You are invited to join ${invitation.accountName} as ${invitation.roleName}, with the username ${invitation.username}.`,
    'Open this link to see the invitation and set your password. It works once and expires on',
    `${invitation.expiresAt.toUTCString()}:`,
    '',
    `${deps.publicUrl}/v1/invitations/${token}`,
  ]);
  await markInvitationSent(deps.db, invitationId, hash);
  return { sent: true };
}

async function mail(mailer: Mailer, invitation: InvitationMailing, body: string[]): Promise<void> {
  await mailer.send({
    to: invitation.email,
    subject: `You are invited to ${invitation.accountName}`,
    text: [`Hello ${invitation.fullName},`, '', ...body, ''].join('\n'),
  });
}
