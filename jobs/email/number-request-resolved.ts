// Tells a user how their number request turned out. Two kinds of email, one job name:
// - the resolution (payload without noticeId): the number assigned to them, or the admin's reason for rejecting;
// - a purchase's outcome (with noticeId, written by the purchase job when it settled the request): the number is
//   live, or the provider did not sell it and the request is open again. A purchase is told only this way.
// Idempotent: a request whose resolution was mailed (notified_at), or a notice that was sent (sent_at), is not
// mailed again; an open or cancelled request has nothing to tell.
import type { Database } from '../../db/connection';
import { findRequestNoticeMailing, markRequestNoticeSent, type RequestNoticeMailing } from '../../db/repositories/number-request-notices';
import { findRequestMailing, markRequestNotified, type RequestLocation, type RequestMailing } from '../../db/repositories/number-requests';
import type { Mailer } from './mailer';

interface MailDeps {
  db: Database;
  mailer: Mailer;
  publicUrl: string;
}

export async function sendNumberRequestEmail(deps: MailDeps, data: { requestId: number; noticeId?: number }): Promise<{ sent: boolean }> {
  return data.noticeId === undefined ? sendNumberRequestResolved(deps, data.requestId) : sendNumberRequestNotice(deps, data.noticeId);
}

async function sendNumberRequestResolved(deps: MailDeps, requestId: number): Promise<{ sent: boolean }> {
  const mailing = await findRequestMailing(deps.db, requestId);
  const { resolution } = mailing?.request ?? {};
  if (!mailing || mailing.notifiedAt || !resolution || resolution === 'purchased') return { sent: false };
  await deps.mailer.send({
    to: mailing.email,
    subject: resolution === 'rejected' ? `Your phone number request in ${mailing.accountName} was declined` : `Your phone number in ${mailing.accountName}: ${mailing.request.number?.number ?? 'assigned'}`,
    text: body(mailing.fullName, resolutionLines(mailing), requestLink(deps, mailing.request.accountId, requestId)),
  });
  await markRequestNotified(deps.db, requestId);
  return { sent: true };
}

async function sendNumberRequestNotice(deps: MailDeps, noticeId: number): Promise<{ sent: boolean }> {
  const notice = await findRequestNoticeMailing(deps.db, noticeId);
  if (!notice || notice.sentAt) return { sent: false };
  await deps.mailer.send({
    to: notice.email,
    // Short: the account's name is in the text (a long subject folds, and some clients cut it).
    subject: notice.outcome === 'live' ? `Your phone number ${notice.number} is live` : 'Your phone number request is open again',
    text: body(notice.fullName, noticeLines(notice), requestLink(deps, notice.accountId, notice.requestId)),
  });
  await markRequestNoticeSent(deps.db, noticeId);
  return { sent: true };
}

const place = (location: RequestLocation): string => [location.country, location.region, location.locality].filter(Boolean).join(', ');

const requestLink = (deps: MailDeps, accountId: number, requestId: number): string => `${deps.publicUrl}/v1/accounts/${accountId}/number-requests/${requestId}`;

function body(fullName: string, lines: string[], link: string): string {
  return [`Hello ${fullName},`, '', ...lines, '', `Your request: ${link}`, ''].join('\n');
}

function resolutionLines({ request, accountName }: RequestMailing): string[] {
  const asked = place(request);
  if (request.resolution === 'rejected') {
    return [`Your request for a phone number (${asked}) in ${accountName} was declined.`, '', `Reason: ${request.reason ?? 'none given'}`];
  }
  if (!request.number) return [`Your request for a phone number (${asked}) in ${accountName} was fulfilled.`];
  return [
    `Your request for a phone number (${asked}) in ${accountName} was fulfilled: ${request.number.number} was assigned to you.`, '',
    'You can use it as your caller ID and receive calls on it.',
  ];
}

function noticeLines({ outcome, number, asked, accountName }: RequestNoticeMailing): string[] {
  if (outcome === 'live') {
    return [
      `${number} was bought for your request for a phone number (${place(asked)}) in ${accountName}, and it is live:`,
      'you can use it as your caller ID and receive calls on it.',
    ];
  }
  return [
    `The provider did not complete the purchase of ${number} for your request for a phone number (${place(asked)}) in ${accountName}.`, '',
    'Your request is open again: an administrator can buy or assign another number for it.',
  ];
}
