// The worker killed mid-purchase (SIGKILL: no shutdown, its job's lock simply lapses) and started again: the
// job resumes and neither buys the number twice nor loses it or the credits. Killed while the provider is still
// carrying out the order (it completes without the worker knowing: the lost "ordered"), and killed after
// "ordered" was recorded, in the middle of the transaction that makes the number active. And a Redis that lost the job: the worker's
// start-up gives every open order its job again.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { until } from '../../support/until';
import { expectStatus } from '../identity/helpers';
import { credits, useNumbersFixture } from './numbers-fixture';

const TRUNK = 'num-crash';

describe('the worker killed mid-purchase and restarted (SIGKILL)', function () {
  this.timeout(180_000);
  const f = useNumbersFixture({ name: 'Numbers crash', seed: 102 });
  let accountId: number;
  const candidates: string[] = [];

  before(async () => {
    accountId = f.subaccountId;
    await f.sellingTrunk(TRUNK, { accounts: [accountId], ip: '127.0.0.64', setupPriceCents: 150 });
    await f.addCredits(f.org.accountId, 1000);
    candidates.push(...(await f.available(f.org.api, accountId, TRUNK, { areaCode: '415' })));
  });

  async function place(): Promise<{ orderId: number; numberId: number; number: string }> {
    const number = candidates.shift() as string;
    const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    expectStatus(placed, 202);
    return { orderId: placed.body.order.id, numberId: placed.body.number.id, number };
  }

  const requestsOf = (route: string): number => f.telnyx.requests().filter((request) => request.route === route).length;

  async function expectChargedOnce(orderId: number): Promise<void> {
    const entries = (await credits(f.org.api, accountId)).entries.filter((entry) => entry.orderId === orderId);
    expect(entries.map((entry) => entry.kind).sort()).to.deep.equal(['charge', 'reservation', 'reservation_release']);
  }

  it('given the worker dies while the provider is carrying out the order, when it starts again, then the number is active once, bought once, charged once', async () => {
    const balance = (await credits(f.org.api, accountId)).balanceCents;
    f.telnyx.faults.rates({ slowMs: 4000 });
    f.telnyx.faults.next('purchase', 'slow');
    const purchases = requestsOf('purchase');
    const { orderId, number } = await place();
    await until('the purchase reached the provider', () => requestsOf('purchase') > purchases);
    await f.worker.stop('SIGKILL');
    // The provider completes the order after the worker is gone: ours at the provider, unknown to us.
    await until('the provider sold the number', () => f.telnyx.timesBought(number) === 1, { timeoutMs: 10_000 });
    const row = await f.api.db('number_orders').where({ id: orderId }).first('state');
    expect(row.state).to.equal('pending');

    await f.worker.start();
    const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 60_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(done.number?.state).to.equal('active');
    expect(f.telnyx.timesBought(number)).to.equal(1);
    expect(f.telnyx.owned().filter((owned) => owned.number === number)).to.have.length(1);
    await expectChargedOnce(orderId);
    expect((await credits(f.org.api, accountId))).to.include({ balanceCents: balance - 150, reservedCents: 0 });
  });

  it('given the worker dies after recording "ordered", inside the transaction that activates the number, when it starts again, then it completes from there, bought and charged once', async () => {
    const balance = (await credits(f.org.api, accountId)).balanceCents;
    f.telnyx.faults.rates({ slowMs: 3000 });
    f.telnyx.faults.next('purchase', 'slow');
    const { orderId, number } = await place();
    // Holds the ledger key the worker's final transaction writes first: that transaction (order completed,
    // number active, ledger) then waits on it, open, when the worker is killed.
    const blocker = await f.api.db.transaction();
    try {
      await blocker('credit_entries').insert({ account_id: f.org.accountId, kind: 'adjustment', amount_cents: 0, entry_key: `order:${orderId}:release` });
      await until('the order is recorded as ordered', async () => (await f.api.db('number_orders').where({ id: orderId }).first('state')).state === 'ordered');
      // The worker's connection is the same database user's, so its running statement shows in the process list.
      await until('the worker waits inside its final transaction', async () => {
        const [waiting] = await f.api.db.raw('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?', [`%order:${orderId}:release%`]);
        return Number((waiting as { n: number }[])[0]?.n) > 0;
      });
      await f.worker.stop('SIGKILL');
    } finally {
      await blocker.rollback();
    }
    expect(f.telnyx.timesBought(number)).to.equal(1);
    expect((await f.api.db('phone_numbers').where({ live_number: number }).first('state')).state).to.equal('purchasing');

    await f.worker.start();
    const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 60_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(done.number?.state).to.equal('active');
    expect(f.telnyx.timesBought(number)).to.equal(1);
    await expectChargedOnce(orderId);
    expect((await credits(f.org.api, accountId)).balanceCents).to.equal(balance - 150);
  });

  it('given Redis lost the job of an open order, when the worker starts, then it enqueues the order again and completes it', async () => {
    await f.worker.stop();
    const { orderId } = await place();
    const redis = new Redis({ host: '127.0.0.1', port: f.redis.port });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
    await f.worker.start();
    expect(Number(f.worker.logs().find((line) => line.message === 'ready')?.resumedOrders)).to.be.greaterThan(0);
    const done = await f.orderReaches(f.org.api, accountId, orderId, ['completed', 'failed'], 30_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    await expectChargedOnce(orderId);
  });
});
