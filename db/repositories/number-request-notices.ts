// The outcome emails of number requests resolved by a purchase (issue 10): one notice per settled order, written
// in the purchase job's final transaction with the request's new state, marked sent once the email went out.
// Unsent notices are what a worker enqueues again after dying between the commit and the enqueue.
import type { Queryable } from '../connection';

export type NoticeOutcome = 'live' | 'failed';

export interface NewRequestNotice {
  requestId: number;
  orderId: number;
  outcome: NoticeOutcome;
  number: string;
}

/** What the email job needs: the notice, and the requester's name and address, the account's name. */
export interface RequestNoticeMailing {
  id: number;
  requestId: number;
  accountId: number;
  outcome: NoticeOutcome;
  number: string;
  sentAt: Date | null;
  /** The place asked for, as the request holds it. */
  asked: { country: string; region: string | null; locality: string | null };
  email: string;
  fullName: string;
  accountName: string;
}

export interface UnsentNotice {
  id: number;
  requestId: number;
}

export async function insertRequestNotice(db: Queryable, notice: NewRequestNotice): Promise<number> {
  const [id] = await db('number_request_notices').insert({
    request_id: notice.requestId, order_id: notice.orderId, outcome: notice.outcome, number: notice.number,
  });
  return Number(id);
}

export async function findRequestNoticeMailing(db: Queryable, noticeId: number): Promise<RequestNoticeMailing | undefined> {
  const row = (await db('number_request_notices as rn')
    .join('number_requests as r', 'r.id', 'rn.request_id')
    .join('users as u', 'u.id', 'r.requester_user_id')
    .join('accounts as a', 'a.id', 'r.account_id')
    .where('rn.id', noticeId)
    .first('rn.id', 'rn.request_id', 'r.account_id', 'rn.outcome', 'rn.number', 'rn.sent_at', 'r.country', 'r.region', 'r.locality',
      'u.email', 'u.full_name', 'a.name as account_name')) as {
    id: number | string; request_id: number | string; account_id: number | string; outcome: NoticeOutcome; number: string;
    sent_at: Date | string | null; country: string; region: string | null; locality: string | null; email: string; full_name: string; account_name: string;
  } | undefined;
  if (!row) return undefined;
  return {
    id: Number(row.id), requestId: Number(row.request_id), accountId: Number(row.account_id), outcome: row.outcome, number: row.number,
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
    asked: { country: row.country, region: row.region, locality: row.locality },
    email: row.email, fullName: row.full_name, accountName: row.account_name,
  };
}

export async function markRequestNoticeSent(db: Queryable, noticeId: number): Promise<void> {
  await db('number_request_notices').where({ id: noticeId }).whereNull('sent_at').update({ sent_at: db.fn.now() });
}

/** Notices not sent yet: of one order (a purchase job that finds its order settled), or all of them. */
export async function listUnsentNotices(db: Queryable, filter: { orderId?: number } = {}): Promise<UnsentNotice[]> {
  const query = db('number_request_notices').whereNull('sent_at');
  if (filter.orderId !== undefined) query.andWhere({ order_id: filter.orderId });
  const rows = (await query.orderBy('id').select('id', 'request_id')) as { id: number | string; request_id: number | string }[];
  return rows.map((row) => ({ id: Number(row.id), requestId: Number(row.request_id) }));
}
