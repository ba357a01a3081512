// Who may buy, release, follow orders and see or add credits: another organization's owner reaches none of
// it (404, the same as unknown), lower tiers get 403 for what their role lacks, a removed user and a user who is
// no member cannot be given a number, and only platform operators add credits (a repeated payment reference
// adds nothing).
import { expect } from 'chai';
import type { ApiResponse } from '../../support/admin-api';
import { addUser, expectStatus } from '../identity/helpers';
import { credits, useNumbersFixture, type Organization } from './numbers-fixture';

const TRUNK = 'num-access';

describe('number orders and credits: tenants, tiers, operators', function () {
  this.timeout(120_000);
  const f = useNumbersFixture({ name: 'Numbers access', seed: 104 });
  let intruder: Organization;
  let accountId: number;
  let orderId: number;
  let numberId: number;
  const candidates: string[] = [];

  before(async () => {
    accountId = f.subaccountId;
    intruder = await f.organization('Numbers intruder');
    await f.sellingTrunk(TRUNK, { accounts: [accountId], ip: '127.0.0.67', setupPriceCents: 100 });
    await f.addCredits(f.org.accountId, 1000);
    candidates.push(...(await f.available(f.org.api, accountId, TRUNK, { areaCode: '617' })));
    const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number: candidates.shift() });
    expectStatus(placed, 202);
    orderId = placed.body.order.id;
    numberId = placed.body.number.id;
    await f.orderReaches(f.org.api, accountId, orderId, ['completed']);
  });

  it("given another organization's owner, then our accounts' routes are 404, our ids on their own account are 404, and our trunk sells them nothing", async () => {
    const api = intruder.api;
    for (const target of [accountId, f.org.accountId]) {
      expectStatus(await api.get(`/v1/accounts/${target}/number-providers`), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await api.get(`/v1/accounts/${target}/available-numbers?trunk=${TRUNK}&country=US`), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await api.post(`/v1/accounts/${target}/numbers/purchases`, { trunk: TRUNK, number: candidates[0] }), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await api.get(`/v1/accounts/${target}/numbers/orders/${orderId}`), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await api.delete(`/v1/accounts/${target}/numbers/${numberId}`), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await api.get(`/v1/accounts/${target}/credits`), 404, 'ACCOUNT_NOT_FOUND');
    }
    const own = intruder.accountId;
    expectStatus(await api.get(`/v1/accounts/${own}/numbers/orders/${orderId}`), 404, 'NUMBER_ORDER_NOT_FOUND');
    expectStatus(await api.delete(`/v1/accounts/${own}/numbers/${numberId}`), 404, 'NUMBER_NOT_FOUND');
    expectStatus(await api.post(`/v1/accounts/${own}/numbers/purchases`, { trunk: TRUNK, number: candidates[0] }), 404, 'NUMBER_PROVIDER_NOT_FOUND');
    expectStatus(await api.get(`/v1/accounts/${own}/available-numbers?trunk=${TRUNK}&country=US`), 404, 'NUMBER_PROVIDER_NOT_FOUND');
    expect((await api.get(`/v1/accounts/${own}/number-providers`)).body.providers).to.deep.equal([]);
    // Still ours, untouched.
    expect((await f.api.db('phone_numbers').where({ id: numberId }).first('state')).state).to.equal('active');
  });

  it('given an Agent and an Admin of the subaccount, then the Agent reaches none of it (403), and the Admin may follow orders and release (not the Organization Owner\'s number) but not buy or see credits', async () => {
    const agent = await addUser(f.org.api, accountId, 'agent');
    for (const response of [
      await agent.api.get(`/v1/accounts/${accountId}/number-providers`),
      await agent.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number: candidates[0] }),
      await agent.api.get(`/v1/accounts/${accountId}/numbers/orders/${orderId}`),
      await agent.api.delete(`/v1/accounts/${accountId}/numbers/${numberId}`),
      await agent.api.get(`/v1/accounts/${accountId}/credits`),
    ]) expectStatus(response, 403, 'PERMISSION_DENIED');

    const admin = await addUser(f.org.api, accountId, 'admin');
    expectStatus(await admin.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number: candidates[0] }), 403, 'PERMISSION_DENIED');
    expectStatus(await admin.api.get(`/v1/accounts/${accountId}/credits`), 403, 'PERMISSION_DENIED');
    expectStatus(await admin.api.get(`/v1/accounts/${accountId}/numbers/orders/${orderId}`), 200);
    // The number is its buyer's, the Organization Owner's: above the Admin until it has no owner.
    expectStatus(await admin.api.delete(`/v1/accounts/${accountId}/numbers/${numberId}`), 403, 'NUMBER_OWNER_ABOVE_YOU');
    expectStatus(await f.org.api.patch(`/v1/accounts/${accountId}/numbers/${numberId}`, { ownerUserId: null }), 200);
    const release = await admin.api.delete(`/v1/accounts/${accountId}/numbers/${numberId}`);
    expectStatus(release, 202);
    expect((await f.orderReaches(admin.api, accountId, release.body.order.id, ['completed', 'failed'])).order.state).to.equal('completed');
  });

  it('given an owner and users at checkout, then only active members of the account may own or share the number: a removed user is refused', async () => {
    const kept = await addUser(f.org.api, accountId, 'agent');
    const removed = await addUser(f.org.api, accountId, 'agent');
    expectStatus(await f.org.api.post(`/v1/accounts/${accountId}/users/${removed.id}/remove`), 204);
    const number = candidates.shift() as string;
    const buy = (body: Record<string, unknown>) => f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk: TRUNK, number, ...body });
    expectStatus(await buy({ ownerUserId: removed.id }), 422, 'USER_NOT_IN_ACCOUNT');
    expectStatus(await buy({ sharing: 'users', sharedWithUserIds: [kept.id, removed.id] }), 422, 'USER_NOT_IN_ACCOUNT');
    const placed = await buy({ ownerUserId: kept.id, sharing: 'users', sharedWithUserIds: [f.org.userId], label: 'Kept line', destination: { type: 'user', userId: kept.id } });
    expectStatus(placed, 202);
    expect(placed.body.number).to.include({ ownerUserId: kept.id, sharing: 'users', label: 'Kept line' });
    expect(placed.body.number.sharedWithUserIds).to.deep.equal([f.org.userId]);
    const done = await f.orderReaches(f.org.api, accountId, placed.body.order.id, ['completed', 'failed']);
    expect(done.order.state).to.equal('completed');
    const route = await f.api.db('destinations').where({ owner_type: 'number', owner_id: placed.body.number.id, slot: 'route' }).first('target_type', 'target_id');
    expect(route).to.deep.equal({ target_type: 'user', target_id: kept.id });
  });

  it('given credits, then only platform operators add them: an Organization Owner gets 403; a repeated reference adds nothing; bad amounts and unknown accounts are refused', async () => {
    const path = `/v1/accounts/${accountId}/credits`;
    expectStatus(await f.org.api.post(path, { amountCents: 500, note: 'gift to myself' }), 403, 'PLATFORM_OPERATOR_REQUIRED');
    const before = (await credits(f.org.api, accountId)).balanceCents;
    const first = await f.operator.post(path, { amountCents: 500, note: 'Invoice 42 paid', reference: 'inv-42' });
    expectStatus(first, 201);
    expect(first.body).to.include({ ledgerAccountId: f.org.accountId, added: true, balanceCents: before + 500 });
    const repeat = await f.operator.post(path, { amountCents: 500, note: 'Invoice 42 paid', reference: 'inv-42' });
    expectStatus(repeat, 200);
    expect(repeat.body).to.include({ added: false, balanceCents: before + 500 });
    expect(repeat.body.entry.id).to.equal(first.body.entry.id);
    expectStatus(await f.operator.post(path, { amountCents: 0, note: 'nothing' }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.operator.post(path, { amountCents: -100, note: 'take back' }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.operator.post(path, { amountCents: 100 }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.operator.post('/v1/accounts/999999999/credits', { amountCents: 100, note: 'nobody' }), 404, 'ACCOUNT_NOT_FOUND');
    const audit = await f.api.db('audit_log').where({ account_id: f.org.accountId, action: 'credits.add' }).count({ n: '*' }).first();
    expect(Number(audit?.n)).to.be.greaterThan(0);
  });

  it('given more entries than a page, then pages follow each other by `before` without gaps or repeats', async () => {
    const all = (await credits(f.org.api, f.org.accountId)).entries.map((entry) => entry.entryKey);
    expect(all.length).to.be.greaterThan(3);
    const seen: string[] = [];
    let before: number | null = null;
    do {
      const page: ApiResponse<{ entries: { entryKey: string }[]; nextBefore: number | null }> = await f.org.api.get(`/v1/accounts/${f.org.accountId}/credits?limit=2${before ? `&before=${before}` : ''}`);
      expectStatus(page, 200);
      seen.push(...page.body.entries.map((entry) => entry.entryKey));
      before = page.body.nextBefore;
    } while (before !== null);
    expect(seen).to.deep.equal(all);
  });
});
