// numbers.release: gives a number back (DELETE .../numbers/:numberId placed the order and made it 'releasing').
// A provider's number is released there ("already not ours" is done, not an error) and its row becomes
// 'released', freeing the number for anyone; a static-pool row goes back to its trunk's pool. Either way its
// route and dialer defaults go and the account's routing change is published, so the next call to it is
// refused. A provider's 4xx (or a 5xx/time-out on the last attempt) fails the order and the number stays
// active: it is still ours, and the admin may try again.
import { UnrecoverableError, type Job } from 'bullmq';
import { STATIC_POOL } from '../../core/numbers';
import { insertAudit } from '../../db/repositories/audit';
import { moveNumber, moveOrder } from '../../db/repositories/number-orders';
import { unrouteNumbers } from '../../db/repositories/phone-numbers';
import { giveBackToPool, isFinal, jobRequestId, loadOpenOrder, type LoadedOrder, type NumberJobDeps } from './orders';

export interface ReleaseOutcome {
  orderId: number;
  state: 'completed' | 'already finished';
}

export async function releaseNumber(deps: NumberJobDeps, orderId: number, job: Pick<Job, 'attemptsMade' | 'opts'>): Promise<ReleaseOutcome> {
  const loaded = await loadOpenOrder(deps.db, orderId, 'release');
  if (!loaded) return { orderId, state: 'already finished' };
  const { site, number } = loaded;
  if (!site) {
    await recordFailure(deps, loaded, 'the number\'s trunk no longer names its provider: it cannot be given back from here');
    throw new UnrecoverableError(`order ${orderId}: the number's trunk has no purchasing section any more`);
  }
  try {
    const provider = deps.provider(site);
    const owned = await provider.findOwned(number.number);
    if (owned) await provider.release(owned);
  } catch (error) {
    if (!isFinal(error, job)) throw error;
    await recordFailure(deps, loaded, error.message);
    throw new UnrecoverableError(`order ${orderId} failed: ${error.message}`);
  }
  await complete(deps, loaded);
  return { orderId, state: 'completed' };
}

async function complete(deps: NumberJobDeps, { order, number }: LoadedOrder): Promise<void> {
  const completed = await deps.db.transaction(async (trx) => {
    if (!(await moveOrder(trx, order.id, ['pending', 'ordered'], 'completed'))) return false;
    if (number.provider === STATIC_POOL) await giveBackToPool(trx, number.id);
    else {
      await unrouteNumbers(trx, [number.id]);
      await moveNumber(trx, number.id, ['releasing'], 'released');
    }
    await insertAudit(trx, {
      accountId: order.accountId, actorUserId: null, action: 'number.release.completed', entity: 'number', entityId: number.id,
      after: { orderId: order.id, number: number.number, state: number.provider === STATIC_POOL ? 'returned to pool' : 'released' }, requestId: jobRequestId(order.id),
    });
    return true;
  });
  if (completed) await deps.notifier.routingChanged(order.accountId);
}

async function recordFailure(deps: NumberJobDeps, { order, number }: LoadedOrder, reason: string): Promise<void> {
  await deps.db.transaction(async (trx) => {
    if (!(await moveOrder(trx, order.id, ['pending', 'ordered'], 'failed', reason))) return;
    await moveNumber(trx, number.id, ['releasing'], 'active');
  });
  deps.logger.warn('number release failed', { orderId: order.id, numberId: number.id, reason });
}
