// Concurrent requests are input too: purchases at once against credits that cover only some of them (never an
// overdraft: exactly as many 202s as the credits pay for, the rest 402), and two organizations racing for one
// number, at a provider and in a static pool (one wins, the other gets 409, nothing half-written).
import { expect } from 'chai';
import type { ApiResponse } from '../../support/admin-api';
import { expectStatus } from '../identity/helpers';
import { credits, useNumbersFixture, type Organization } from './numbers-fixture';

const TRUNK = 'num-race';
const POOL = 'num-race-pool';
const POOL_NUMBERS = ['+15550108001', '+15550108002', '+15550108003'];

describe('concurrent purchases (credits never overspent, one winner per number)', function () {
  this.timeout(180_000);
  const f = useNumbersFixture({ name: 'Numbers race', seed: 103 });
  let rival: Organization;
  let secondSubaccountId: number;
  const candidates: string[] = [];

  before(async () => {
    const second = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Numbers race second' });
    expectStatus(second, 201);
    secondSubaccountId = second.body.id;
    rival = await f.organization('Numbers race rival');
    const accounts = [f.org.accountId, f.subaccountId, secondSubaccountId, rival.accountId];
    await f.sellingTrunk(TRUNK, { accounts, ip: '127.0.0.65', setupPriceCents: 100 });
    await f.sellingTrunk(POOL, { accounts, ip: '127.0.0.66', api: 'static-pool', setupPriceCents: 100, numbers: POOL_NUMBERS });
    candidates.push(...(await f.available(f.org.api, f.subaccountId, TRUNK, { areaCode: '212' })));
    await f.addCredits(rival.accountId, 10_000);
  });

  function take(count: number): string[] {
    const taken = candidates.splice(0, count);
    if (taken.length < count) throw new Error('the emulator offered too few numbers');
    return taken;
  }

  it('given credits for 5 purchases, when 12 are placed at once from the organization and two subaccounts, then exactly 5 are accepted, 7 get 402, and the balance ends at 0, never below', async () => {
    await f.addCredits(f.org.accountId, 500);
    const accounts = [f.org.accountId, f.subaccountId, secondSubaccountId];
    const responses = await Promise.all(take(12).map((number, index) =>
      f.org.api.post(`/v1/accounts/${accounts[index % accounts.length]}/numbers/purchases`, { trunk: TRUNK, number })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202), JSON.stringify(statuses)).to.have.length(5);
    expect(statuses.filter((status) => status === 402), JSON.stringify(statuses)).to.have.length(7);
    for (const refused of responses.filter((response) => response.status === 402)) expect(refused.body.error.code).to.equal('INSUFFICIENT_CREDITS');
    // Right after the burst: everything reserved, nothing overdrawn.
    const held = await credits(f.org.api, f.org.accountId);
    expect(held.balanceCents).to.equal(0);

    const accepted = responses.filter((response) => response.status === 202) as ApiResponse[];
    for (const response of accepted) {
      const done = await f.orderReaches(f.org.api, response.body.order.accountId, response.body.order.id, ['completed', 'failed']);
      expect(done.order.state, done.order.error ?? '').to.equal('completed');
    }
    const ledger = await credits(f.org.api, f.org.accountId);
    expect(ledger).to.include({ balanceCents: 0, reservedCents: 0 });
    expect(ledger.entries.filter((entry) => entry.kind === 'charge').reduce((sum, entry) => sum + entry.amountCents, 0)).to.equal(-500);
    // Each subaccount sees only what was spent in it; the organization sees everything.
    const sub = await credits(f.org.api, f.subaccountId);
    expect(sub.balanceCents).to.equal(0);
    const inSub = accepted.filter((response) => response.body.order.accountId === f.subaccountId).map((response) => response.body.order.id);
    expect([...new Set(sub.entries.filter((entry) => entry.kind !== 'grant').map((entry) => entry.orderId))].sort()).to.deep.equal(inSub.sort());
    expect(sub.entries.some((entry) => entry.kind === 'grant')).to.equal(false);
  });

  it('given two organizations buying the same number at the same moment, then one gets 202 and the other 409, for every number raced', async () => {
    await f.addCredits(f.org.accountId, 1000);
    for (const number of take(5)) {
      const [ours, theirs] = await Promise.all([
        f.org.api.post(`/v1/accounts/${f.subaccountId}/numbers/purchases`, { trunk: TRUNK, number }),
        rival.api.post(`/v1/accounts/${rival.accountId}/numbers/purchases`, { trunk: TRUNK, number }),
      ]) as [ApiResponse, ApiResponse];
      expect([ours.status, theirs.status].sort(), `${number}: ${JSON.stringify([ours.body, theirs.body])}`).to.deep.equal([202, 409]);
      const loser = ours.status === 409 ? ours : theirs;
      expect(loser.body.error.code).to.equal('NUMBER_UNAVAILABLE');
      const winner = ours.status === 202 ? ours : theirs;
      const api = winner === ours ? f.org.api : rival.api;
      expect((await f.orderReaches(api, winner.body.order.accountId, winner.body.order.id, ['completed', 'failed'])).order.state).to.equal('completed');
      expect(f.telnyx.timesBought(number)).to.equal(1);
      expect(await f.api.db('phone_numbers').where({ number }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    }
    // The loser's credits were never touched: only winners have entries.
    const rivalEntries = (await credits(rival.api, rival.accountId)).entries.filter((entry) => entry.kind === 'reservation');
    const rivalOrders = await f.api.db('number_orders').where({ account_id: rival.accountId }).pluck('id');
    expect(rivalEntries.map((entry) => entry.orderId).sort()).to.deep.equal(rivalOrders.map(Number).sort());
  });

  it('given two organizations claiming the same static-pool number at once, then exactly one claims the row and the other gets 409', async () => {
    for (const number of POOL_NUMBERS) {
      const responses = await Promise.all([
        f.org.api.post(`/v1/accounts/${f.subaccountId}/numbers/purchases`, { trunk: POOL, number }),
        rival.api.post(`/v1/accounts/${rival.accountId}/numbers/purchases`, { trunk: POOL, number }),
      ]);
      expect(responses.map((response) => response.status).sort(), number).to.deep.equal([202, 409]);
      const row = await f.api.db('phone_numbers').where({ number, provider: 'static-pool' }).first('account_id', 'state');
      const winner = responses.find((response) => response.status === 202) as ApiResponse;
      expect(Number(row.account_id)).to.equal(winner.body.order.accountId);
    }
  });
});
