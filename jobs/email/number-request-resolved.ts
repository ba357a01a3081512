// Tells a user how their number request was resolved: the number bought or assigned for them (with its state:
// a bought number is usable once its order completes), or the admin's reason for rejecting it. Idempotent: a
// request whose outcome was mailed is not mailed again, and an open or cancelled one has nothing to tell.
import type { Database } from '../../db/connection';
import { findRequestMailing, markRequestNotified, type RequestMailing } from '../../db/repositories/number-requests';
import type { Mailer } from './mailer';

export async function sendNumberRequestResolved(deps: { db: Database; mailer: Mailer; publicUrl: string }, requestId: number): Promise<{ sent: boolean }> {
  const mailing = await findRequestMailing(deps.db, requestId);
  if (!mailing || mailing.notifiedAt || !mailing.request.resolution) return { sent: false };
  await deps.mailer.send({
    to: mailing.email,
    subject: subjectOf(mailing),
    text: [`Hello ${mailing.fullName},`, '', ...outcomeLines(mailing), '', `Your request: ${deps.publicUrl}/v1/accounts/${mailing.request.accountId}/number-requests/${requestId}`, ''].join('\n'),
  });
  await markRequestNotified(deps.db, requestId);
  return { sent: true };
}

function subjectOf({ request, accountName }: RequestMailing): string {
  if (request.resolution === 'rejected') return `Your phone number request in ${accountName} was declined`;
  return `Your phone number in ${accountName}: ${request.number?.number ?? 'assigned'}`;
}

function outcomeLines({ request, accountName }: RequestMailing): string[] {
  const asked = [request.country, request.region, request.locality].filter(Boolean).join(', ');
  if (request.resolution === 'rejected') {
    return [`Your request for a phone number (${asked}) in ${accountName} was declined.`, '', `Reason: ${request.reason ?? 'none given'}`];
  }
  const number = request.number;
  if (!number) return [`Your request for a phone number (${asked}) in ${accountName} was fulfilled.`];
  const how = request.resolution === 'purchased' ? 'bought' : 'assigned';
  const usable = number.state === 'active'
    ? 'It is ready: you can use it as your caller ID and receive calls on it.'
    : number.state === 'failed'
      ? 'The provider did not complete the purchase: ask your administrator for another number.'
      : `It is being set up (state: ${number.state}); you can use it once it is active.`;
  return [`Your request for a phone number (${asked}) in ${accountName} was fulfilled: ${number.number} was ${how} for you.`, '', usable];
}
