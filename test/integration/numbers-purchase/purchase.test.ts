// Buying and releasing numbers end to end: the admin API places the order (number held, credits reserved),
// Redis carries its job to the worker process, the worker orders the number at the Telnyx emulator and records
// it in MariaDB. Faults the emulator injects (4xx, 5xx, a time-out, a response lost after the purchase) show
// the job's retry rules and its "already mine?" lookup; the ledger is read through the credits route.
import { UnrecoverableError } from 'bullmq';
import { expect } from 'chai';
import { JobQueue } from '../../../core/job-queue';
import { createNumberProvider } from '../../../core/number-providers/factory';
import { resolveSecretSource } from '../../../core/trunk-secrets';
import type { NumberJobDeps } from '../../../jobs/numbers/orders';
import { purchaseNumber } from '../../../jobs/numbers/purchase';
import { addUser, expectStatus } from '../identity/helpers';
import { credits, useNumbersFixture } from './numbers-fixture';

const TRUNK = 'num-buy';
const POOL = 'num-buy-pool';
const POOL_NUMBERS = ['+15550107001', '+15550107002'];

describe('buying and releasing numbers through jobs (Telnyx emulator, worker process)', function () {
  this.timeout(120_000);
  const f = useNumbersFixture({ name: 'Numbers buyer', seed: 101 });
  let owner: typeof f.org.api;
  let accountId: number;
  const candidates: string[] = [];

  /** A number the provider offers that no test used yet. */
  function fresh(): string {
    const number = candidates.shift();
    if (!number) throw new Error('the emulator offered too few numbers');
    return number;
  }

  const purchaseRequests = (): number => f.telnyx.requests().filter((request) => request.route === 'purchase').length;

  before(async () => {
    owner = f.org.api;
    accountId = f.subaccountId;
    await f.sellingTrunk(TRUNK, { accounts: [accountId], ip: '127.0.0.61', setupPriceCents: 100, monthlyPriceCents: 50 });
    await f.sellingTrunk(POOL, { accounts: [accountId], ip: '127.0.0.62', api: 'static-pool', setupPriceCents: 25, monthlyPriceCents: 10, numbers: POOL_NUMBERS });
    await f.addCredits(f.org.accountId, 1000);
    candidates.push(...(await f.available(owner, accountId, TRUNK, { areaCode: '312' })));
  });

  it('given the trunks serving the subaccount, then both are offered with their API and prices, and a search by area code finds only that area', async () => {
    const providers = await owner.get(`/v1/accounts/${accountId}/number-providers`);
    expectStatus(providers, 200);
    expect(providers.body.providers).to.deep.equal([
      { trunk: TRUNK, api: 'telnyx', setupPriceCents: 100, monthlyPriceCents: 50 },
      { trunk: POOL, api: 'static-pool', setupPriceCents: 25, monthlyPriceCents: 10 },
    ]);
    expect(candidates.length).to.be.greaterThan(5);
    for (const number of candidates) expect(number).to.match(/^\+1312[0-9]{7}$/);
    expect(await f.available(owner, accountId, POOL)).to.deep.equal(POOL_NUMBERS);
  });

  it('given credits, when the owner buys a number, then 202 purchasing, the job makes it active and routed to the trunk, and the ledger reserves then charges the price', async () => {
    const number = fresh();
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number, label: 'Sales line' });
    expectStatus(placed, 202);
    expect(placed.body.number).to.include({ number, state: 'purchasing', label: 'Sales line', ownerUserId: f.org.userId, sharing: 'private', trunk: TRUNK });
    expect(placed.body.order).to.include({ kind: 'purchase', priceCents: 100 });
    // The reservation counts against the balance from the moment the order is placed.
    expect((await credits(owner, accountId)).balanceCents).to.equal(900);

    const done = await f.orderReaches(owner, accountId, placed.body.order.id, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(done.number).to.include({ state: 'active', number });
    const atProvider = f.telnyx.owned().find((owned) => owned.number === number);
    expect(atProvider?.routedTo).to.equal('1293384261075731499');
    expect(done.number?.providerRef).to.equal(atProvider?.providerRef);
    expect(f.telnyx.timesBought(number)).to.equal(1);

    const ledger = await credits(owner, accountId);
    expect(ledger).to.include({ balanceCents: 900, reservedCents: 0 });
    const entries = ledger.entries.filter((entry) => entry.orderId === placed.body.order.id).reverse();
    expect(entries.map((entry) => [entry.kind, entry.amountCents])).to.deep.equal([['reservation', -100], ['reservation_release', 100], ['charge', -100]]);
  });

  it('given a balance short of the price, then 402 INSUFFICIENT_CREDITS before anything is ordered: no order, no number held, no request to the provider', async () => {
    const broke = await f.organization('Numbers broke');
    await f.sellingTrunk(`${TRUNK}-broke`, { accounts: [broke.accountId], ip: '127.0.0.63', setupPriceCents: 100 });
    await f.addCredits(broke.accountId, 99);
    const number = fresh();
    const before = purchaseRequests();
    const refused = await broke.api.post(`/v1/accounts/${broke.accountId}/numbers/purchases`, { trunk: `${TRUNK}-broke`, number });
    expectStatus(refused, 402, 'INSUFFICIENT_CREDITS');
    expect(refused.body.error.details).to.deep.equal({ balanceCents: 99, priceCents: 100 });
    expect(purchaseRequests()).to.equal(before);
    expect(await f.api.db('phone_numbers').where({ live_number: number }).first()).to.equal(undefined);
    expect(await f.api.db('number_orders').where({ account_id: broke.accountId }).first()).to.equal(undefined);
    expect(await credits(broke.api, broke.accountId)).to.include({ balanceCents: 99, reservedCents: 0 });
  });

  it('given the provider refuses the order (4xx), then the order fails with its reason at once, the number is failed, the reservation released, and the number can be bought again', async () => {
    const number = fresh();
    const purchasesBefore = purchaseRequests();
    f.telnyx.faults.next('purchase', 'clientError');
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    expectStatus(placed, 202);
    const done = await f.orderReaches(owner, accountId, placed.body.order.id, ['completed', 'failed']);
    expect(done.order.state).to.equal('failed');
    expect(done.order.error).to.include('400');
    expect(done.number?.state).to.equal('failed');
    // Refused for good: one request, no retry.
    expect(purchaseRequests() - purchasesBefore).to.equal(1);
    expect(f.telnyx.timesBought(number)).to.equal(0);
    const entries = (await credits(owner, accountId)).entries.filter((entry) => entry.orderId === placed.body.order.id).reverse();
    expect(entries.map((entry) => [entry.kind, entry.amountCents])).to.deep.equal([['reservation', -100], ['reservation_release', 100]]);
    expect(await credits(owner, accountId)).to.include({ balanceCents: 900, reservedCents: 0 });
    // A failed number holds nothing: the same number is free to order again.
    const again = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    expectStatus(again, 202);
    expect((await f.orderReaches(owner, accountId, again.body.order.id, ['completed', 'failed'])).order.state).to.equal('completed');
    expect((await credits(owner, accountId)).balanceCents).to.equal(800);
  });

  it('given a time-out and then a 5xx, then the job retries with backoff and the number becomes active, bought once', async () => {
    const number = fresh();
    const purchasesBefore = purchaseRequests();
    f.telnyx.faults.next('lookup', 'timeout');
    f.telnyx.faults.next('purchase', 'serverError');
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    expectStatus(placed, 202);
    const done = await f.orderReaches(owner, accountId, placed.body.order.id, ['completed', 'failed'], 60_000);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(done.number?.state).to.equal('active');
    expect(purchaseRequests() - purchasesBefore).to.equal(2);
    expect(f.telnyx.timesBought(number)).to.equal(1);
    const attempts = f.worker.logs().filter((line) => line.message === 'job failed' && line.jobId === `number-order-${placed.body.order.id}`);
    expect(attempts.length).to.equal(2);
  });

  it('given the provider buys the number but its answer is lost, then the retry finds the number already ours and does not buy it again', async () => {
    const number = fresh();
    const purchasesBefore = purchaseRequests();
    f.telnyx.faults.next('purchase', 'lostResponse');
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    const done = await f.orderReaches(owner, accountId, placed.body.order.id, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(f.telnyx.timesBought(number)).to.equal(1);
    expect(purchaseRequests() - purchasesBefore).to.equal(1);
    expect(f.worker.logs().some((line) => line.message === 'number already owned at the provider' && line.orderId === placed.body.order.id)).to.equal(true);
    const entries = (await credits(owner, accountId)).entries.filter((entry) => entry.orderId === placed.body.order.id);
    expect(entries.filter((entry) => entry.kind === 'charge').map((entry) => entry.amountCents)).to.deep.equal([-100]);
  });

  it('given a 5xx on the job\'s last attempt, then the order fails as for a 4xx (number failed, reservation released), and the job run again changes nothing', async () => {
    // The worker is stopped so that this process runs the queued job's last attempt itself; the worker, started
    // again, then takes the same job from Redis and finds the order finished.
    await f.worker.stop();
    const number = fresh();
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number });
    expectStatus(placed, 202);
    const orderId: number = placed.body.order.id;
    const jobs = new JobQueue(f.api.redis);
    const deps: NumberJobDeps = {
      db: f.api.db, notifier: f.api.notifier, logger: f.api.logger, jobs,
      provider: (site) => createNumberProvider(site, { db: f.api.db, secret: (source) => resolveSecretSource(source) }),
    };
    f.telnyx.faults.next('lookup', 'serverError');
    let failure: unknown;
    await purchaseNumber(deps, orderId, { attemptsMade: 7, opts: { attempts: 8 } }).catch((error: unknown) => { failure = error; }).finally(() => jobs.close());
    expect(failure).to.be.instanceOf(UnrecoverableError);
    const failed = await f.orderReaches(owner, accountId, orderId, ['failed', 'completed']);
    expect(failed.order.state).to.equal('failed');
    expect(failed.order.error).to.match(/5\d\d/);
    expect(failed.number?.state).to.equal('failed');
    const entries = (await credits(owner, accountId)).entries.filter((entry) => entry.orderId === orderId).reverse();
    expect(entries.map((entry) => [entry.kind, entry.amountCents])).to.deep.equal([['reservation', -100], ['reservation_release', 100]]);

    // A started worker's log begins empty.
    await f.worker.start();
    const ran = await f.worker.waitForLog('job completed', 0, 15_000);
    expect(ran).to.deep.include({ jobId: `number-order-${orderId}`, result: { orderId, state: 'already finished' } });
    expect(f.telnyx.timesBought(number)).to.equal(0);
    expect((await f.api.db('number_orders').where({ id: orderId }).first('state')).state).to.equal('failed');
  });

  it('given an active number with a route and a dialer\'s default on it, when an admin releases it, then it is released at the provider, freed for anyone, its route and default go, and no credits come back; releasing again is 409', async () => {
    const number = fresh();
    const dialer = await addUser(owner, accountId, 'agent');
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number, destination: { type: 'user', userId: dialer.id } });
    await f.orderReaches(owner, accountId, placed.body.order.id, ['completed']);
    const balance = (await credits(owner, accountId)).balanceCents;
    const numberId = placed.body.number.id;
    expectStatus(await owner.put(`/v1/accounts/${accountId}/users/${dialer.id}/dialer-access`, { numberId }), 200);
    const defaultOf = async (): Promise<number | null | undefined> => ((await owner.get(`/v1/accounts/${accountId}/dialer-access`)).body.dialerAccess as { userId: number; defaultNumberId: number | null }[])
      .find((entry) => entry.userId === dialer.id)?.defaultNumberId;
    expect(await defaultOf()).to.equal(numberId);
    const release = await owner.delete(`/v1/accounts/${accountId}/numbers/${numberId}`);
    expectStatus(release, 202);
    expect(release.body.number.state).to.equal('releasing');
    expect(release.body.order).to.include({ kind: 'release' });
    const done = await f.orderReaches(owner, accountId, release.body.order.id, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    const row = await f.api.db('phone_numbers').where({ id: numberId }).first('state', 'live_number', 'released_at');
    expect(row).to.include({ state: 'released', live_number: null });
    expect(row.released_at).to.not.equal(null);
    expect(f.telnyx.owned().map((owned) => owned.number)).to.not.include(number);
    expect(f.telnyx.isAvailable(number)).to.equal(true);
    expect((await credits(owner, accountId)).balanceCents).to.equal(balance);
    expect(await defaultOf()).to.equal(null);
    expect(await f.api.db('destinations').where({ owner_type: 'number', owner_id: numberId }).first()).to.equal(undefined);
    expectStatus(await owner.delete(`/v1/accounts/${accountId}/numbers/${numberId}`), 409, 'NUMBER_NOT_ACTIVE');
  });

  it('given a static-pool trunk, when a number of its pool is bought and then released, then the pool row itself is the account\'s, and afterwards free in the pool again', async () => {
    const [number] = POOL_NUMBERS as [string];
    const poolRow = await f.api.db('phone_numbers').where({ number, provider: 'static-pool' }).first('id');
    const placed = await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: POOL, number, label: 'Front desk' });
    expectStatus(placed, 202);
    expect(placed.body.number.id).to.equal(Number(poolRow.id));
    const done = await f.orderReaches(owner, accountId, placed.body.order.id, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    expect(done.number).to.include({ state: 'active', label: 'Front desk' });
    expect(await f.available(owner, accountId, POOL)).to.deep.equal(POOL_NUMBERS.slice(1));
    expectStatus(await owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: POOL, number }), 409, 'NUMBER_UNAVAILABLE');

    const release = await owner.delete(`/v1/accounts/${accountId}/numbers/${poolRow.id}`);
    expectStatus(release, 202);
    expect((await f.orderReaches(owner, accountId, release.body.order.id, ['completed', 'failed'])).order.state).to.equal('completed');
    const row = await f.api.db('phone_numbers').where({ id: poolRow.id }).first('account_id', 'owner_user_id', 'label', 'state');
    expect(row).to.deep.equal({ account_id: null, owner_user_id: null, label: null, state: 'active' });
    expect(await f.available(owner, accountId, POOL)).to.deep.equal(POOL_NUMBERS);
  });

  it('given checkout mistakes, then each is a 4xx naming what to fix, and nothing is held', async () => {
    const number = fresh();
    const buy = (body: Record<string, unknown>) => owner.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number, ...body });
    expectStatus(await buy({ number: '3125550100' }), 400, 'VALIDATION_FAILED');
    expectStatus(await buy({ trunk: 'no-such-trunk' }), 404, 'NUMBER_PROVIDER_NOT_FOUND');
    expectStatus(await buy({ ownerUserId: f.operatorUserId }), 422, 'USER_NOT_IN_ACCOUNT');
    expectStatus(await buy({ sharing: 'private', sharedWithUserIds: [f.org.userId] }), 422, 'VALIDATION_FAILED');
    expectStatus(await buy({ destination: { type: 'user', userId: f.operatorUserId } }), 422);
    expect(await f.api.db('phone_numbers').where({ live_number: number }).first()).to.equal(undefined);
  });

  it('given the provider fails a search, then 503, 504 or 502 with a code saying which, never a 500', async () => {
    const search = `/v1/accounts/${accountId}/available-numbers?trunk=${TRUNK}&country=US`;
    f.telnyx.faults.next('search', 'serverError');
    expectStatus(await owner.get(search), 503, 'PROVIDER_UNAVAILABLE');
    f.telnyx.faults.next('search', 'clientError');
    expectStatus(await owner.get(search), 502, 'PROVIDER_REJECTED');
    f.telnyx.faults.next('search', 'timeout');
    expectStatus(await owner.get(search), 504, 'PROVIDER_TIMEOUT');
    expectStatus(await owner.get(`${search}&voice=maybe`), 400, 'VALIDATION_FAILED');
  });
});
