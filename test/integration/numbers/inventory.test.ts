// The number inventory through the admin API and MariaDB (issue 10): who sees which numbers (an Organization
// Owner, an Admin and a unit Admin see all; an owner, a user a number is shared with and anyone else see theirs;
// another organization's admin and a removed user see none), who may change a number (its owner, or
// numbers.manage), the members-only rule for owners and lists, a destination change published as a routing
// change, filters and pages, and bad input answered with codes.
import { expect } from 'chai';
import { addUser, expectStatus } from '../identity/helpers';
import { routingEventAfter, streamPosition } from '../routing-api/helpers';
import { idOf, patchNumber, useNumbersFixture, visibleNumbers, type NumberView } from './numbers-fixture';

describe('number inventory: visibility, changes and their rules', function () {
  this.timeout(60_000);
  const f = useNumbersFixture('Inventory Corp', 5);
  const path = (index: number): string => `/v1/accounts/${f.accountId}/numbers/${idOf(f, index)}`;

  before(async () => {
    // 0: Alice's own. 1: Alice's, shared with Bob. 2: nobody's, private (admins only). 3: the account's (as the
    // trunk file left it). 4: Carol's.
    await patchNumber(f, f.admin.api, 0, { ownerUserId: f.alice.id, sharing: 'private', label: 'Alice direct line' });
    await patchNumber(f, f.admin.api, 1, { ownerUserId: f.alice.id, sharing: 'users', sharedWithUserIds: [f.bob.id], label: 'Sales 50%' });
    await patchNumber(f, f.admin.api, 2, { sharing: 'private' });
    await patchNumber(f, f.admin.api, 4, { ownerUserId: f.carol.id, sharing: 'private' });
  });

  it('given numbers.read (Organization Owner, Admin, unit Admin), then every number of the account, each with owner, sharing and trunk', async () => {
    for (const client of [f.org.api, f.admin.api, f.unitAdmin.api]) expect(await visibleNumbers(f, client)).to.deep.equal(f.numbers);
    const one = await f.unitAdmin.api.get(path(1));
    expectStatus(one, 200);
    expect(one.body).to.include({ number: f.numbers[1], ownerUserId: f.alice.id, sharing: 'users', label: 'Sales 50%', state: 'active', provider: 'static-pool', trunk: f.trunk, accountId: f.accountId });
    expect(one.body.sharedWithUserIds).to.deep.equal([f.bob.id]);
  });

  it('given an owner, a user a number is shared with, and another user, then each sees only the numbers they may use; any other is 404', async () => {
    expect(await visibleNumbers(f, f.alice.api)).to.deep.equal([f.numbers[0], f.numbers[1], f.numbers[3]]);
    expect(await visibleNumbers(f, f.bob.api)).to.deep.equal([f.numbers[1], f.numbers[3]]);
    expect(await visibleNumbers(f, f.carol.api)).to.deep.equal([f.numbers[3], f.numbers[4]]);
    expectStatus(await f.alice.api.get(path(0)), 200);
    for (const [client, index] of [[f.bob.api, 0], [f.carol.api, 0], [f.carol.api, 1], [f.alice.api, 2], [f.bob.api, 4]] as const) {
      expectStatus(await client.get(path(index)), 404, 'NUMBER_NOT_FOUND');
    }
    // Their own list says the same.
    const mine = await f.bob.api.get(`/v1/me/accounts/${f.accountId}/numbers`);
    expectStatus(mine, 200);
    expect(mine.body.numbers.map((number: NumberView) => number.number)).to.deep.equal([f.numbers[1], f.numbers[3]]);
  });

  it("given another organization's admin or a sibling phone system's user, then our numbers are 404 and theirs never show ours", async () => {
    for (const client of [f.otherAdmin.api, f.other.api, f.sibling.api]) {
      expectStatus(await client.get(`/v1/accounts/${f.accountId}/numbers`), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await client.get(path(3)), 404, 'ACCOUNT_NOT_FOUND');
      expectStatus(await client.patch(path(3), { label: 'mine now' }), 404, 'ACCOUNT_NOT_FOUND');
    }
    // Our number's id on their own account's path: not theirs.
    expectStatus(await f.otherAdmin.api.get(`/v1/accounts/${f.otherAccountId}/numbers/${idOf(f, 3)}`), 404, 'NUMBER_NOT_FOUND');
    expectStatus(await f.otherAdmin.api.patch(`/v1/accounts/${f.otherAccountId}/numbers/${idOf(f, 3)}`, { label: 'x' }), 404, 'NUMBER_NOT_FOUND');
    const theirs = await f.sibling.api.get(`/v1/accounts/${f.siblingId}/numbers`);
    expect(theirs.body.numbers.map((number: NumberView) => number.id)).to.deep.equal([f.siblingNumberId]);
    // The sibling's number is not ours to see through our account's path either.
    expectStatus(await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers/${f.siblingNumberId}`), 404, 'NUMBER_NOT_FOUND');
  });

  it('given filters, then by state, provider, owner and a piece of the number or label (wildcards taken literally), in pages by id', async () => {
    expect(await visibleNumbers(f, f.admin.api, `?ownerUserId=${f.alice.id}`)).to.deep.equal([f.numbers[0], f.numbers[1]]);
    expect(await visibleNumbers(f, f.admin.api, '?q=direct')).to.deep.equal([f.numbers[0]]);
    expect(await visibleNumbers(f, f.admin.api, `?q=${encodeURIComponent((f.numbers[4] as string).slice(3))}`)).to.deep.equal([f.numbers[4]]);
    expect(await visibleNumbers(f, f.admin.api, '?q=50%25')).to.deep.equal([f.numbers[1]]);
    expect(await visibleNumbers(f, f.admin.api, '?q=%25%25%25')).to.deep.equal([]);
    expect(await visibleNumbers(f, f.admin.api, '?provider=static-pool&state=active')).to.deep.equal(f.numbers);
    expect(await visibleNumbers(f, f.admin.api, '?provider=telnyx')).to.deep.equal([]);
    expect(await visibleNumbers(f, f.admin.api, '?state=released')).to.deep.equal([]);
    // A filter never widens what a user sees.
    expect(await visibleNumbers(f, f.bob.api, `?ownerUserId=${f.alice.id}`)).to.deep.equal([f.numbers[1]]);
    const first = await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers?limit=2`);
    expect(first.body.numbers.map((number: NumberView) => number.number)).to.deep.equal(f.numbers.slice(0, 2));
    const second = await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers?limit=2&after=${first.body.nextAfter}`);
    expect(second.body.numbers.map((number: NumberView) => number.number)).to.deep.equal(f.numbers.slice(2, 4));
    const last = await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers?limit=2&after=${second.body.nextAfter}`);
    expect(last.body).to.deep.include({ nextAfter: null });
    expect(last.body.numbers.map((number: NumberView) => number.number)).to.deep.equal(f.numbers.slice(4));
  });

  it('given a user who is neither the owner nor holds numbers.manage, then changing a number they see is 403 with a code; the owner changes label and sharing', async () => {
    expectStatus(await f.bob.api.patch(path(1), { label: 'Bob now' }), 403, 'NUMBER_CHANGE_NOT_ALLOWED');
    expectStatus(await f.unitAdmin.api.patch(path(0), { sharing: 'account' }), 403, 'NUMBER_CHANGE_NOT_ALLOWED');
    expectStatus(await f.carol.api.patch(path(3), { label: 'Carol\'s' }), 403, 'NUMBER_CHANGE_NOT_ALLOWED');
    expectStatus(await f.carol.api.patch(path(0), { label: 'x' }), 404, 'NUMBER_NOT_FOUND');
    const shared = await f.alice.api.patch(path(0), { label: 'Alice and Carol', sharing: 'users', sharedWithUserIds: [f.carol.id] });
    expectStatus(shared, 200);
    expect(shared.body).to.include({ label: 'Alice and Carol', sharing: 'users' });
    expectStatus(await f.carol.api.get(path(0)), 200);
    // Back to private: the list goes with it.
    const back = await f.alice.api.patch(path(0), { sharing: 'private', label: 'Alice direct line' });
    expect(back.body.sharedWithUserIds).to.deep.equal([]);
    expectStatus(await f.carol.api.get(path(0)), 404, 'NUMBER_NOT_FOUND');
    const audit = await f.org.api.get(`/v1/accounts/${f.accountId}/audit?limit=20`);
    const entry = audit.body.entries.find((row: { action: string; entityId: string; actorUserId: number }) => row.action === 'number.update' && Number(row.entityId) === idOf(f, 0) && row.actorUserId === f.alice.id);
    expect(entry, JSON.stringify(audit.body.entries.slice(0, 3))).to.not.equal(undefined);
  });

  it('given an owner who hands their number to a colleague, then it is the colleague\'s, and the former owner no longer sees it', async () => {
    const given = await f.carol.api.patch(path(4), { ownerUserId: f.bob.id });
    expectStatus(given, 200);
    expect(given.body).to.include({ ownerUserId: f.bob.id });
    expectStatus(await f.carol.api.get(path(4)), 404, 'NUMBER_NOT_FOUND');
    expectStatus(await f.bob.api.get(path(4)), 200);
    await patchNumber(f, f.admin.api, 4, { ownerUserId: f.carol.id });
  });

  it('given an owner or listed users who are not active members of the account, then 409 NUMBER_USER_NOT_MEMBER naming them, and nothing changes', async () => {
    for (const [change, field, userId] of [
      [{ ownerUserId: f.sibling.id }, '/ownerUserId', f.sibling.id],
      [{ ownerUserId: f.otherAdmin.id }, '/ownerUserId', f.otherAdmin.id],
      [{ sharing: 'users', sharedWithUserIds: [f.bob.id, f.otherAdmin.id] }, '/sharedWithUserIds', f.otherAdmin.id],
      [{ ownerUserId: 999_999_999 }, '/ownerUserId', 999_999_999],
    ] as const) {
      const refused = await f.admin.api.patch(path(2), change);
      expectStatus(refused, 409, 'NUMBER_USER_NOT_MEMBER');
      expect(refused.body.error.details).to.deep.include({ userIds: [userId], fields: [{ path: field, message: 'must name active members of the account' }] });
    }
    const unchanged = await f.admin.api.get(path(2));
    expect(unchanged.body).to.include({ ownerUserId: null, sharing: 'private' });
  });

  it('given a removed user who owned a number, then they reach nothing of the account, and they cannot be made an owner again', async () => {
    const dave = await addUser(f.org.api, f.accountId, 'agent');
    await patchNumber(f, f.admin.api, 2, { ownerUserId: dave.id });
    expectStatus(await dave.api.get(path(2)), 200);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.accountId}/users/${dave.id}/remove`, {}), 204);
    // This was their only membership: their sessions end (401); with others left it would be 404.
    for (const reach of [`/v1/accounts/${f.accountId}/numbers`, path(2), `/v1/me/accounts/${f.accountId}/numbers`]) {
      expect([401, 404], reach).to.include((await dave.api.get(reach)).status);
    }
    // Their token aside, a user without a membership here gets 404 (Bob's token in the sibling account).
    expectStatus(await f.bob.api.get(`/v1/accounts/${f.siblingId}/numbers`), 404, 'ACCOUNT_NOT_FOUND');
    // Relabelling the number is not held up by its removed owner; making them its owner again is refused.
    expectStatus(await f.admin.api.patch(path(2), { label: 'Was Dave\'s' }), 200);
    expectStatus(await f.admin.api.patch(path(2), { ownerUserId: dave.id }), 409, 'NUMBER_USER_NOT_MEMBER');
    await patchNumber(f, f.admin.api, 2, { ownerUserId: null, label: null });
  });

  it('given a destination, then it is stored as the number\'s route, checked like every destination, and published as a routing change of the account', async () => {
    const position = await streamPosition(f.api.redis);
    const routed = await f.admin.api.patch(path(3), { destination: { type: 'user', userId: f.bob.id } });
    expectStatus(routed, 200);
    expect(routed.body.destination).to.deep.equal({ type: 'user', userId: f.bob.id });
    await routingEventAfter(f.api.redis, position, f.accountId);
    const stored = await f.api.db('destinations').where({ owner_type: 'number', owner_id: idOf(f, 3), slot: 'route' }).first('account_id', 'target_type', 'target_id');
    expect(stored).to.deep.equal({ account_id: f.accountId, target_type: 'user', target_id: f.bob.id });
    expectStatus(await f.admin.api.patch(path(3), { destination: { type: 'user', userId: f.sibling.id } }), 422, 'DESTINATION_NOT_FOUND');
    expectStatus(await f.admin.api.patch(path(3), { destination: { type: 'queue', queueId: 1 } }), 422, 'DESTINATION_NOT_AVAILABLE');
    // The owner may route their own number; a user it is merely shared with may not.
    expectStatus(await f.alice.api.patch(path(1), { destination: { type: 'user', userId: f.alice.id } }), 200);
    expectStatus(await f.bob.api.patch(path(1), { destination: { type: 'hangup' } }), 403, 'NUMBER_CHANGE_NOT_ALLOWED');
    // Outside, every call to the number dials out at the account's expense: the owner needs dialer access.
    const outside = { destination: { type: 'external', number: '+14155550123' } };
    expectStatus(await f.alice.api.patch(path(1), outside), 409, 'ROUTE_OUTSIDE_NEEDS_DIALER_ACCESS');
    expect((await f.admin.api.get(path(1))).body.destination).to.deep.equal({ type: 'user', userId: f.alice.id });
    expectStatus(await f.admin.api.put(`/v1/accounts/${f.accountId}/users/${f.alice.id}/dialer-access`, { numberId: idOf(f, 0) }), 200);
    expectStatus(await f.alice.api.patch(path(1), outside), 200);
    expectStatus(await f.admin.api.post(`/v1/accounts/${f.accountId}/users/${f.alice.id}/dialer-access/revoke`, { handOverTo: f.carol.id }), 200);
    await patchNumber(f, f.admin.api, 0, { ownerUserId: f.alice.id, sharing: 'private', label: 'Alice direct line' });
    await patchNumber(f, f.admin.api, 1, { ownerUserId: f.alice.id, sharing: 'users', sharedWithUserIds: [f.bob.id], label: 'Sales 50%', destination: null });
    const cleared = await f.admin.api.patch(path(3), { destination: null });
    expect(cleared.body.destination).to.equal(null);
    expect(await f.api.db('destinations').where({ owner_type: 'number', owner_id: idOf(f, 3) }).first()).to.equal(undefined);
  });

  it('given bad input, then 400s with codes that say what to fix, and nothing is written', async () => {
    const before = await f.admin.api.get(path(0));
    expectStatus(await f.admin.api.patch(path(0), {}), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(path(0), { label: 'ok', owner: 3 }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(path(0), { label: 'x'.repeat(121) }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(path(0), { label: 'two\nlines' }), 400);
    expectStatus(await f.admin.api.patch(path(0), { sharing: 'everyone' }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(path(0), { sharing: 'users', sharedWithUserIds: [f.bob.id, f.bob.id] }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(path(0), { sharedWithUserIds: [f.bob.id] }), 400, 'SHARED_WITH_NEEDS_USERS_SHARING');
    expectStatus(await f.admin.api.patch(path(0), { ownerUserId: '7' }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(path(0), { destination: { type: 'external', number: '911' } }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.admin.api.patch(`/v1/accounts/${f.accountId}/numbers/abc`, { label: 'x' }), 400, 'INVALID_ID');
    expectStatus(await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers/0`), 400, 'INVALID_ID');
    expectStatus(await f.admin.api.request('PATCH', path(0), 'label=x', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    for (const query of ['?state=gone', '?limit=0', '?limit=201', '?ownerUserId=abc', '?after=-1', '?colour=red', `?q=${'9'.repeat(41)}`]) {
      expect([400], `GET numbers${query}`).to.include((await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers${query}`)).status);
    }
    expect((await f.admin.api.get(path(0))).body).to.deep.equal(before.body);
  });

  it('given a released number, then it is listed only when asked for, and it can no longer be changed (409)', async () => {
    // The release itself is the orders' job (number-orders); its outcome is set here as that job leaves it.
    await f.api.db('phone_numbers').where({ id: idOf(f, 2) }).update({ state: 'released', released_at: f.api.db.fn.now() });
    try {
      expect(await visibleNumbers(f, f.admin.api)).to.not.include(f.numbers[2]);
      expect(await visibleNumbers(f, f.admin.api, '?state=released')).to.deep.equal([f.numbers[2]]);
      expectStatus(await f.admin.api.patch(path(2), { label: 'back' }), 409, 'NUMBER_NOT_HELD');
    } finally {
      await f.api.db('phone_numbers').where({ id: idOf(f, 2) }).update({ state: 'active', released_at: null });
    }
  });

  it('given two admins changing one number at once, then both answer 200 and the number ends as one of them left it, whole', async () => {
    const [a, b] = await Promise.all([
      f.admin.api.patch(path(2), { ownerUserId: f.alice.id, sharing: 'users', sharedWithUserIds: [f.bob.id], label: 'A' }),
      f.org.api.patch(path(2), { ownerUserId: f.carol.id, sharing: 'private', label: 'B' }),
    ]);
    expectStatus(a, 200);
    expectStatus(b, 200);
    const final = (await f.admin.api.get(path(2))).body as NumberView;
    const asA = { ownerUserId: f.alice.id, sharing: 'users', sharedWithUserIds: [f.bob.id], label: 'A' };
    const asB = { ownerUserId: f.carol.id, sharing: 'private', sharedWithUserIds: [], label: 'B' };
    const seen = { ownerUserId: final.ownerUserId, sharing: final.sharing, sharedWithUserIds: final.sharedWithUserIds, label: final.label };
    expect([JSON.stringify(asA), JSON.stringify(asB)]).to.include(JSON.stringify(seen));
  });
});
