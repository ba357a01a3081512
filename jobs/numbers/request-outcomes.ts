// A number request resolved by a purchase waits in 'purchasing' (admin-api/number-requests/service.ts) until its
// order settles. The purchase job calls settleRequestOfOrder inside its final transaction, the one that
// completes or fails the order, so the request moves exactly when the order does and once however often the job
// runs: bought, the request is fulfilled; refused for good, it is open again with the failure noted, for an
// admin to resolve anew. Either way the requester is told by email, through a notice written in the same
// transaction (an outbox) and enqueued after the commit. A notice whose enqueue was lost (the worker died in
// between, Redis refused it) is enqueued again by the next run of the order's job, or when a worker starts.
import type { JobQueue } from '../../core/job-queue';
import { errorDetails, type Logger } from '../../core/logger';
import type { Queryable, Transaction } from '../../db/connection';
import { insertAudit } from '../../db/repositories/audit';
import type { NumberOrder, OrderedNumber } from '../../db/repositories/number-orders';
import { insertRequestNotice, listUnsentNotices, type UnsentNotice } from '../../db/repositories/number-request-notices';
import { settlePurchasingRequest } from '../../db/repositories/number-requests';
import { jobRequestId } from './orders';

/** What the purchase job needs to tell a requester: the email queue. */
export type NoticeQueue = Pick<JobQueue, 'enqueueMany'>;

export type OrderSettlement = { outcome: 'live' } | { outcome: 'failed'; reason: string };

/** One email job per notice: a notice is one outcome of one request's order, so a repeated enqueue collapses. */
export function requestNoticeJobId(notice: UnsentNotice): string {
  return `number-request-${notice.requestId}-notice-${notice.id}`;
}

/** Settles the request the order was placed for, if any, and writes its notice; in the order's final transaction. */
export async function settleRequestOfOrder(trx: Transaction, order: NumberOrder, number: OrderedNumber, settlement: OrderSettlement): Promise<UnsentNotice | undefined> {
  const requestId = await settlePurchasingRequest(trx, number.id, settlement.outcome === 'live'
    ? { outcome: 'live' }
    : { outcome: 'failed', number: number.number, reason: settlement.reason });
  if (requestId === undefined) return undefined;
  const reason = settlement.outcome === 'failed' ? settlement.reason : null;
  const noticeId = await insertRequestNotice(trx, { requestId, orderId: order.id, outcome: settlement.outcome, number: number.number });
  await insertAudit(trx, {
    accountId: order.accountId, actorUserId: null, entity: 'number_request', entityId: requestId,
    action: settlement.outcome === 'live' ? 'number_request.fulfil' : 'number_request.reopen',
    after: { state: settlement.outcome === 'live' ? 'fulfilled' : 'open', orderId: order.id, numberId: number.id, number: number.number, reason },
    requestId: jobRequestId(order.id),
  });
  return { id: noticeId, requestId };
}

/** Enqueues the notices' emails. Never throws: the order is settled whatever happens here, and a notice left
 *  unsent is enqueued again later (resendUnsentNotices). */
export async function enqueueNotices(deps: { jobs: NoticeQueue; logger: Logger }, notices: UnsentNotice[]): Promise<void> {
  try {
    await deps.jobs.enqueueMany('email.number-request-resolved', notices.map((notice) => ({
      data: { requestId: notice.requestId, noticeId: notice.id }, jobId: requestNoticeJobId(notice),
    })));
  } catch (error) {
    deps.logger.error('number request notices not enqueued; they stay unsent', { noticeIds: notices.map((notice) => notice.id), error: errorDetails(error) });
  }
}

/** Enqueues the notices still unsent: of one order (its job ran again and found it settled), or all (a worker
 *  starting). An email job still queued collapses with this; a sent notice is not mailed again. */
export async function resendUnsentNotices(deps: { db: Queryable; jobs: NoticeQueue; logger: Logger }, filter: { orderId?: number } = {}): Promise<number> {
  const unsent = await listUnsentNotices(deps.db, filter);
  await enqueueNotices(deps, unsent);
  return unsent.length;
}
