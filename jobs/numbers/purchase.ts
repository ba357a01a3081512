// numbers.purchase: carries out a purchase order placed by the admin API (admin-api/number-orders/service.ts).
//
// Idempotent at every step, because a job may die anywhere and run again:
//   1. "Is it already mine?" (findOwned) before ordering: a run that ordered and died before recording finds
//      the number owned and does not buy it twice. The order also carries a stable idempotency key.
//   2. The provider's reference and order state 'ordered' are recorded at once.
//   3. Routing is configured at the provider (pointing it again is harmless).
//   4. One transaction activates the number, completes the order and turns the reservation into a charge;
//      it runs only if the order is still open, and each ledger entry has its own unique key.
// A provider's 4xx (or a 5xx/time-out on the last attempt) fails the order: the number 'failed' (a static-pool
// row goes back to its pool), the reservation released, and the job fails for good.
// Either final transaction also settles the number request the order was placed for, if any (request-outcomes.ts).
import { UnrecoverableError, type Job } from 'bullmq';
import type { NumberProvider, OwnedNumber } from '../../core/number-providers/provider';
import { STATIC_POOL } from '../../core/numbers';
import { errorDetails } from '../../core/logger';
import { addCreditEntry } from '../../db/repositories/credit-ledger';
import { insertAudit } from '../../db/repositories/audit';
import { moveNumber, moveOrder, setProviderRef, type NumberOrder } from '../../db/repositories/number-orders';
import { unrouteNumbers } from '../../db/repositories/phone-numbers';
import { giveBackToPool, isFinal, jobRequestId, loadOpenOrder, type LoadedOrder, type NumberJobDeps } from './orders';
import { enqueueNotices, resendUnsentNotices, settleRequestOfOrder } from './request-outcomes';

export interface PurchaseOutcome {
  orderId: number;
  state: 'completed' | 'failed' | 'already finished';
}

export async function purchaseNumber(deps: NumberJobDeps, orderId: number, job: Pick<Job, 'attemptsMade' | 'opts'>): Promise<PurchaseOutcome> {
  const loaded = await loadOpenOrder(deps.db, orderId, 'purchase');
  if (!loaded) {
    // An earlier run settled the order but may have died before enqueueing its request's email.
    await resendUnsentNotices(deps, { orderId });
    return { orderId, state: 'already finished' };
  }
  if (!loaded.site) {
    await recordFailure(deps, loaded, 'the trunk the number was bought through no longer sells numbers');
    throw new UnrecoverableError(`order ${orderId}: the number's trunk has no purchasing section any more`);
  }
  const provider = deps.provider(loaded.site);
  let owned: OwnedNumber | undefined;
  try {
    owned = await obtain(deps, provider, loaded);
    await provider.configureRouting(owned);
  } catch (error) {
    if (!isFinal(error, job)) throw error;
    if (owned) await giveBackBestEffort(deps, provider, owned, loaded.order);
    await recordFailure(deps, loaded, error.message);
    throw new UnrecoverableError(`order ${orderId} failed: ${error.message}`);
  }
  await complete(deps, loaded);
  return { orderId, state: 'completed' };
}

/** The number at the provider: already ours (an earlier run bought it), else bought now; recorded at once. */
async function obtain(deps: NumberJobDeps, provider: NumberProvider, { order, number }: LoadedOrder): Promise<OwnedNumber> {
  let owned = await provider.findOwned(number.number);
  if (owned) deps.logger.info('number already owned at the provider', { orderId: order.id, numberId: number.id, providerRef: owned.providerRef });
  else owned = await provider.purchase(number.number, `order-${order.id}`);
  await setProviderRef(deps.db, number.id, owned.providerRef);
  await moveOrder(deps.db, order.id, ['pending'], 'ordered');
  return owned;
}

async function complete(deps: NumberJobDeps, { order, number }: LoadedOrder): Promise<void> {
  const completed = await deps.db.transaction(async (trx) => {
    // The order row's lock serializes two runs of one order: the second finds it completed and stops.
    if (!(await moveOrder(trx, order.id, ['pending', 'ordered'], 'completed'))) return undefined;
    await moveNumber(trx, number.id, ['purchasing'], 'active');
    await ledger(trx, order, 'reservation_release', order.priceCents, 'release');
    await ledger(trx, order, 'charge', -order.priceCents, 'charge');
    await insertAudit(trx, {
      accountId: order.accountId, actorUserId: null, action: 'number.purchase.completed', entity: 'number', entityId: number.id,
      after: { orderId: order.id, number: number.number, state: 'active', chargedCents: order.priceCents }, requestId: jobRequestId(order.id),
    });
    return { notice: await settleRequestOfOrder(trx, order, number, { outcome: 'live' }) };
  });
  if (!completed) return;
  // Live first, then told: the requester's email arrives once calls to the number reach us.
  await deps.notifier.routingChanged(order.accountId);
  if (completed.notice) await enqueueNotices(deps, [completed.notice]);
}

/** The order failed: the number is not the account's (failed, or back in its pool) and the credits come back. */
async function recordFailure(deps: NumberJobDeps, { order, number }: LoadedOrder, reason: string): Promise<void> {
  const notice = await deps.db.transaction(async (trx) => {
    if (!(await moveOrder(trx, order.id, ['pending', 'ordered'], 'failed', reason))) return undefined;
    if (number.provider === STATIC_POOL) await giveBackToPool(trx, number.id);
    else {
      await unrouteNumbers(trx, [number.id]);
      await moveNumber(trx, number.id, ['purchasing'], 'failed');
    }
    await ledger(trx, order, 'reservation_release', order.priceCents, 'release');
    return settleRequestOfOrder(trx, order, number, { outcome: 'failed', reason });
  });
  if (notice) await enqueueNotices(deps, [notice]);
  deps.logger.warn('number purchase failed', { orderId: order.id, numberId: number.id, reason });
}

/** Bought but not routable for good (a 4xx configuring it): give it back rather than pay for a dead number. */
async function giveBackBestEffort(deps: NumberJobDeps, provider: NumberProvider, owned: OwnedNumber, order: NumberOrder): Promise<void> {
  try {
    await provider.release(owned);
  } catch (error) {
    // Reconciliation reports a number we pay for but do not hold.
    deps.logger.error('number bought but not given back after its order failed', { orderId: order.id, providerRef: owned.providerRef, error: errorDetails(error) });
  }
}

function ledger(trx: Parameters<typeof addCreditEntry>[0], order: NumberOrder, kind: 'reservation_release' | 'charge', amountCents: number, step: string): Promise<boolean> {
  return addCreditEntry(trx, {
    ledgerAccountId: order.ledgerAccountId, kind, amountCents, entryKey: `order:${order.id}:${step}`,
    numberId: order.numberId, orderId: order.id, spentInAccountId: order.accountId, createdBy: order.requestedBy,
  });
}
