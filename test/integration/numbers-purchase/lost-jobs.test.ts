// An order committed without a job (issue 10 security review): the enqueue runs after the commit, so Redis
// refusing it must not turn a placed order into an error answer, and an order whose job never reached Redis, or
// was lost there, must be carried out without restarting the worker. The worker's numbers.resume-orders job
// (every minute) gives each open order older than a minute its job again; job ids derive from orders, so a job
// still queued or running collapses with it. Redis refuses writes here the way a full one does (maxmemory
// reached, noeviction); the orders are aged a minute in the database rather than waited for.
import { expect } from 'chai';
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { numberOrderJobId } from '../../../core/job-queue';
import { addUser, expectStatus } from '../identity/helpers';
import { until } from '../../support/until';
import { useNumbersFixture } from './numbers-fixture';

const TRUNK = 'num-lost';

describe('orders whose job Redis refused or lost are answered 202 and resumed by numbers.resume-orders', function () {
  this.timeout(120_000);
  let accountId: number;
  let redis: Redis;
  let queue: Queue;
  const candidates: string[] = [];
  // Registered before the fixture's own hook, which removes the Redis these connect to.
  after(async () => {
    await queue?.close();
    redis?.disconnect();
  });
  const f = useNumbersFixture({ name: 'Numbers lost jobs', seed: 4711 });

  before(async () => {
    accountId = f.subaccountId;
    await f.sellingTrunk(TRUNK, { accounts: [accountId], ip: '127.0.0.69', setupPriceCents: 100 });
    await f.addCredits(f.org.accountId, 1000);
    candidates.push(...(await f.available(f.org.api, accountId, TRUNK, { areaCode: '415' })));
    redis = new Redis({ host: '127.0.0.1', port: f.redis.port, maxRetriesPerRequest: null });
    queue = new Queue('numbers', { connection: redis });
  });

  /** Ages the orders past the resume job's minute, as waiting would. */
  async function age(orderIds: number[]): Promise<void> {
    await f.api.db('number_orders').whereIn('id', orderIds).update({ created_at: f.api.db.raw('NOW() - INTERVAL 2 MINUTE') });
  }

  /** Runs numbers.resume-orders now (the worker also runs it every minute) and returns how many orders it resumed. */
  async function resumeNow(): Promise<number> {
    const events = new QueueEvents('numbers', { connection: { host: '127.0.0.1', port: f.redis.port } });
    try {
      await events.waitUntilReady();
      const job = await queue.add('numbers.resume-orders', {}, { jobId: `test-resume-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
      return ((await job.waitUntilFinished(events, 20_000)) as { resumed: number }).resumed;
    } finally {
      await events.close();
    }
  }

  it('given the worker, then numbers.resume-orders is scheduled every minute', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.find((scheduler) => scheduler.key === 'numbers.resume-orders')).to.include({ every: 60_000 });
  });

  it('given Redis refusing writes when a purchase and a grant with a purchase commit, then both are answered as placed; once Redis takes writes and the orders are a minute old, the resume job completes them without a worker restart', async () => {
    const agent = await addUser(f.org.api, accountId, 'agent');
    const readyLines = f.worker.logs().filter((line) => line.message === 'ready').length;
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    let purchase;
    let grant;
    try {
      purchase = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number: candidates.shift() });
      grant = await f.org.api.put(`/v1/accounts/${accountId}/users/${agent.id}/dialer-access`, { purchase: { trunk: TRUNK, number: candidates.shift() } });
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expectStatus(purchase, 202);
    expectStatus(grant, 200);
    expect(purchase.body.order.state).to.equal('pending');
    expect(grant.body.order).to.include({ numberId: grant.body.number.id });
    const orderIds = [Number(purchase.body.order.id), Number(grant.body.order.orderId)];
    for (const orderId of orderIds) expect(await queue.getJob(numberOrderJobId(orderId)), `job of order ${orderId}`).to.equal(undefined);

    // Younger than a minute: possibly still being enqueued by the admin API, so left alone.
    await resumeNow();
    for (const orderId of orderIds) expect(await queue.getJob(numberOrderJobId(orderId)), `job of order ${orderId}`).to.equal(undefined);

    await age(orderIds);
    expect(await resumeNow()).to.be.at.least(2);
    for (const orderId of orderIds) {
      const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 30_000);
      expect(done.order.state, done.order.error ?? '').to.equal('completed');
      expect(done.number?.state).to.equal('active');
    }
    expect(f.worker.logs().filter((line) => line.message === 'ready').length, 'the worker was not restarted').to.equal(readyLines);
  });

  it('given an order whose job Redis lost before any worker took it, when the resume job runs, then the order is completed', async () => {
    await queue.pause();
    let orderId: number;
    try {
      const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number: candidates.shift() });
      expectStatus(placed, 202);
      orderId = Number(placed.body.order.id);
      const job = await until('the order\'s job is queued', () => queue.getJob(numberOrderJobId(orderId)));
      await job.remove();
    } finally {
      await queue.resume();
    }
    await age([orderId]);
    expect(await resumeNow()).to.be.at.least(1);
    const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 30_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
  });

  it('given an open order whose job failed for good without recording it (the database was unreachable then), when the resume job runs, then the job runs again and the order completes', async () => {
    await f.worker.stop();
    let orderId: number;
    const failing = new Worker('numbers', async () => { throw new UnrecoverableError('database unreachable'); }, { connection: { host: '127.0.0.1', port: f.redis.port } });
    try {
      const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number: candidates.shift() });
      expectStatus(placed, 202);
      orderId = Number(placed.body.order.id);
      await until('the order\'s job failed for good', async () => (await (await queue.getJob(numberOrderJobId(orderId)))?.isFailed()) === true);
    } finally {
      await failing.close();
      await f.worker.start();
    }
    await age([orderId]);
    await resumeNow();
    const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 30_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
  });

  it('given an old order whose job is running (a slow provider), when the resume job runs, then it collapses into that job: the number is bought once', async () => {
    f.telnyx.faults.rates({ slowMs: 4000 });
    f.telnyx.faults.next('purchase', 'slow');
    const purchases = f.telnyx.requests().filter((request) => request.route === 'purchase').length;
    const number = candidates.shift() as string;
    const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    expectStatus(placed, 202);
    const orderId = Number(placed.body.order.id);
    await until('the purchase reached the provider', () => f.telnyx.requests().filter((request) => request.route === 'purchase').length > purchases);
    await age([orderId]);
    await resumeNow();
    const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 30_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(f.telnyx.timesBought(number)).to.equal(1);
    expect(f.telnyx.requests().filter((request) => request.route === 'purchase').length).to.equal(purchases + 1);
  });
});
