// A starting worker enqueues the job of every order still open, and the numbers.resume-orders job does the same
// every minute for orders older than a minute. An order is committed before its job is enqueued, so a Redis that
// refused the enqueue (or lost its data in a restart) would otherwise leave the order open for good with its
// credits reserved. Job ids derive from orders: a job still queued or running collapses with this.
import { numberOrderJobId, type JobQueue } from '../../core/job-queue';
import type { Database } from '../../db/connection';
import { listOpenOrders } from '../../db/repositories/number-orders';

export async function resumeOpenOrders(db: Database, jobs: JobQueue, options: { olderThanSeconds?: number } = {}): Promise<number> {
  const open = await listOpenOrders(db, options);
  const jobOf = (order: { id: number }) => ({ data: { orderId: order.id }, jobId: numberOrderJobId(order.id) });
  for (const kind of ['purchase', 'release'] as const) {
    const name = kind === 'purchase' ? 'numbers.purchase' : 'numbers.release';
    const orders = open.filter((order) => order.kind === kind).map(jobOf);
    await jobs.enqueueMany(name, orders);
    // A job kept in the failed set collapses the enqueue above; its order is open, so its failure was never
    // recorded (the database was unreachable then): it runs again.
    await jobs.retryFailed(name, orders.map((order) => order.jobId));
  }
  return open.length;
}
