// Dialer access through the admin API and MariaDB (issue 10): an Admin grants a user access with a number (an
// ownerless one becomes theirs, an owned one is shared with them; the user picks their default caller ID among
// those they may use), revokes it only with every owned number handed over (409 NUMBERS_NEED_NEW_OWNER lists
// them), within the tier rules; concurrent revocations of one user have one outcome; a grant that buys its
// number places the order in the same transaction and the worker completes it.
import { expect } from 'chai';
import { uniqueName } from '../../support/admin-api';
import { addUser, expectStatus } from '../identity/helpers';
import { routingEventAfter, streamPosition } from '../routing-api/helpers';
import { credits, useNumbersFixture as usePurchaseFixture } from '../numbers-purchase/numbers-fixture';
import { idOf, patchNumber, uniqueNumber, useNumbersFixture, type NumberView, type TestUser } from './numbers-fixture';

interface AccessView {
  userId: number;
  defaultNumberId: number | null;
  defaultNumber: string | null;
  grantedBy: number | null;
}

describe('dialer access: grants, revocations with hand-over, tiers and concurrency', function () {
  this.timeout(60_000);
  const f = useNumbersFixture('Dialer Corp', 6);
  const grantPath = (userId: number): string => `/v1/accounts/${f.accountId}/users/${userId}/dialer-access`;
  const revokePath = (userId: number): string => `${grantPath(userId)}/revoke`;
  const grant = async (userId: number, index: number, client = f.admin.api): Promise<{ dialerAccess: AccessView; number: NumberView }> => {
    const response = await client.put(grantPath(userId), { numberId: idOf(f, index) });
    expectStatus(response, 200);
    return response.body;
  };
  const number = async (index: number): Promise<NumberView> => (await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers/${idOf(f, index)}`)).body;
  const holders = async (): Promise<AccessView[]> => {
    const response = await f.unitAdmin.api.get(`/v1/accounts/${f.accountId}/dialer-access`);
    expectStatus(response, 200);
    return response.body.dialerAccess;
  };
  const callerIdOf = async (user: TestUser): Promise<{ dialerAccess: boolean; numberId: number | null; number: string | null }> =>
    (await user.api.get(`/v1/me/accounts/${f.accountId}/caller-id`)).body;

  before(async () => {
    // 0, 1, 2: nobody's, as the trunk file left them (shared with the account). 3: Carol's, private. 4: Carol's,
    // shared with Bob. 5: nobody's, private.
    await patchNumber(f, f.admin.api, 3, { ownerUserId: f.carol.id, sharing: 'private' });
    await patchNumber(f, f.admin.api, 4, { ownerUserId: f.carol.id, sharing: 'users', sharedWithUserIds: [f.bob.id] });
    await patchNumber(f, f.admin.api, 5, { sharing: 'private' });
  });

  it('given an ownerless number, when an Admin grants Alice access with it, then it is hers, her default caller ID, and the list shows it', async () => {
    const position = await streamPosition(f.api.redis);
    const granted = await grant(f.alice.id, 0);
    expect(granted.dialerAccess).to.include({ userId: f.alice.id, defaultNumberId: idOf(f, 0), defaultNumber: f.numbers[0], grantedBy: f.admin.id });
    expect(granted.number).to.include({ ownerUserId: f.alice.id, sharing: 'account' });
    await routingEventAfter(f.api.redis, position, f.accountId);
    expect(await callerIdOf(f.alice)).to.deep.equal({ dialerAccess: true, numberId: idOf(f, 0), number: f.numbers[0] });
    expect((await holders()).find((row) => row.userId === f.alice.id)).to.include({ defaultNumberId: idOf(f, 0) });
    const audit = await f.org.api.get(`/v1/accounts/${f.accountId}/audit?limit=10`);
    expect(audit.body.entries.map((entry: { action: string }) => entry.action)).to.include('dialer_access.grant');
  });

  it('given a number someone owns, when it is granted to another user, then it stays its owner\'s and is shared with them (a private number becomes shared with listed users)', async () => {
    const granted = await grant(f.bob.id, 3);
    expect(granted.number).to.include({ ownerUserId: f.carol.id, sharing: 'users' });
    expect(granted.number.sharedWithUserIds).to.deep.equal([f.bob.id]);
    await grant(f.alice.id, 4);
    const shared = await number(4);
    expect(shared).to.include({ ownerUserId: f.carol.id, sharing: 'users' });
    expect(shared.sharedWithUserIds).to.deep.equal([f.alice.id, f.bob.id]);
    // Granting again with another number only changes the default.
    expect(await callerIdOf(f.alice)).to.include({ numberId: idOf(f, 4) });
    await grant(f.alice.id, 0);
  });

  it('given a user with access, then they pick their default among the numbers they may use; another\'s number or no access is 409', async () => {
    const picked = await f.bob.api.put(`/v1/me/accounts/${f.accountId}/caller-id`, { numberId: idOf(f, 4) });
    expectStatus(picked, 200);
    expect(picked.body).to.deep.equal({ dialerAccess: true, numberId: idOf(f, 4), number: f.numbers[4] });
    expectStatus(await f.bob.api.put(`/v1/me/accounts/${f.accountId}/caller-id`, { numberId: idOf(f, 5) }), 409, 'NUMBER_NOT_USABLE');
    expectStatus(await f.bob.api.put(`/v1/me/accounts/${f.accountId}/caller-id`, { numberId: f.siblingNumberId }), 409, 'NUMBER_NOT_USABLE');
    expectStatus(await f.bob.api.put(`/v1/me/accounts/${f.accountId}/caller-id`, { numberId: 'x' }), 400, 'VALIDATION_FAILED');
    expect(await callerIdOf(f.carol)).to.deep.equal({ dialerAccess: false, numberId: null, number: null });
    expectStatus(await f.carol.api.put(`/v1/me/accounts/${f.accountId}/caller-id`, { numberId: idOf(f, 3) }), 409, 'NO_DIALER_ACCESS');
    const cleared = await f.bob.api.put(`/v1/me/accounts/${f.accountId}/caller-id`, { numberId: null });
    expect(cleared.body).to.deep.equal({ dialerAccess: true, numberId: null, number: null });
  });

  it('given bad grants, then codes: unknown or another account\'s number 404, a non-member 404, a released number 409, no numbers.manage 403, a purchase without numbers.purchase 403, a malformed body 400', async () => {
    expectStatus(await f.admin.api.put(grantPath(f.carol.id), { numberId: 999_999_999 }), 404, 'NUMBER_NOT_FOUND');
    expectStatus(await f.admin.api.put(grantPath(f.carol.id), { numberId: f.siblingNumberId }), 404, 'NUMBER_NOT_FOUND');
    expectStatus(await f.admin.api.put(grantPath(f.sibling.id), { numberId: idOf(f, 1) }), 404, 'USER_NOT_FOUND');
    expectStatus(await f.admin.api.put(grantPath(f.otherAdmin.id), { numberId: idOf(f, 1) }), 404, 'USER_NOT_FOUND');
    expectStatus(await f.unitAdmin.api.put(grantPath(f.carol.id), { numberId: idOf(f, 1) }), 403, 'PERMISSION_DENIED');
    expectStatus(await f.carol.api.put(grantPath(f.carol.id), { numberId: idOf(f, 1) }), 403, 'PERMISSION_DENIED');
    expectStatus(await f.otherAdmin.api.put(grantPath(f.carol.id), { numberId: idOf(f, 1) }), 404, 'ACCOUNT_NOT_FOUND');
    expectStatus(await f.admin.api.put(grantPath(f.carol.id), { purchase: { trunk: f.trunk, number: uniqueNumber() } }), 403, 'PERMISSION_DENIED');
    for (const body of [{}, { numberId: idOf(f, 1), purchase: { trunk: f.trunk, number: uniqueNumber() } }, { numberId: 0 }, { purchase: { trunk: 'Bad Name', number: '+15550000000' } }]) {
      expectStatus(await f.admin.api.put(grantPath(f.carol.id), body), 400, 'VALIDATION_FAILED');
    }
    await f.api.db('phone_numbers').where({ id: idOf(f, 1) }).update({ state: 'released' });
    try {
      expectStatus(await f.admin.api.put(grantPath(f.carol.id), { numberId: idOf(f, 1) }), 409, 'NUMBER_NOT_HELD');
    } finally {
      await f.api.db('phone_numbers').where({ id: idOf(f, 1) }).update({ state: 'active' });
    }
    expect((await holders()).map((row) => row.userId)).to.not.include(f.carol.id);
    expect(await number(1)).to.include({ ownerUserId: null });
  });

  it('given users at or above the actor\'s tier, then an Admin can neither grant nor revoke their access (403 TARGET_NOT_BELOW_YOU), and the Organization Owner can', async () => {
    const peer = await addUser(f.org.api, f.accountId, 'admin');
    expectStatus(await f.admin.api.put(grantPath(peer.id), { numberId: idOf(f, 1) }), 403, 'TARGET_NOT_BELOW_YOU');
    expectStatus(await f.admin.api.put(grantPath(f.org.userId), { numberId: idOf(f, 1) }), 403, 'TARGET_NOT_BELOW_YOU');
    expectStatus(await f.org.api.put(grantPath(f.org.userId), { numberId: idOf(f, 1) }), 200);
    expectStatus(await f.org.api.put(grantPath(peer.id), { numberId: idOf(f, 1) }), 200);
    expectStatus(await f.admin.api.post(revokePath(f.org.userId), { handOverTo: f.alice.id }), 403, 'TARGET_NOT_BELOW_YOU');
    expectStatus(await f.admin.api.post(revokePath(peer.id), {}), 403, 'TARGET_NOT_BELOW_YOU');
    // Granting yourself is allowed; the Owner's own number goes back before the hand-over tests.
    const revoked = await f.org.api.post(revokePath(f.org.userId), { handOverTo: f.admin.id });
    expectStatus(revoked, 200);
    expect(revoked.body.handedOver).to.deep.equal([{ numberId: idOf(f, 1), number: f.numbers[1], toUserId: f.admin.id }]);
    expectStatus(await f.org.api.post(revokePath(peer.id), {}), 200);
    await patchNumber(f, f.admin.api, 1, { ownerUserId: null });
  });

  it('given Alice owns numbers, when her access is revoked without covering each of them, then 409 NUMBERS_NEED_NEW_OWNER lists the ones left, and nothing changes', async () => {
    await grant(f.alice.id, 2);
    const owned = [idOf(f, 0), idOf(f, 2)];
    const none = await f.admin.api.post(revokePath(f.alice.id), {});
    expectStatus(none, 409, 'NUMBERS_NEED_NEW_OWNER');
    expect(none.body.error.details.numbers).to.deep.equal(owned.map((id, index) => ({ id, number: f.numbers[[0, 2][index] as number] })));
    const partial = await f.admin.api.post(revokePath(f.alice.id), { handOver: [{ numberId: idOf(f, 0), toUserId: f.bob.id }] });
    expectStatus(partial, 409, 'NUMBERS_NEED_NEW_OWNER');
    expect(partial.body.error.details.numbers).to.deep.equal([{ id: idOf(f, 2), number: f.numbers[2] }]);
    const foreign = await f.admin.api.post(revokePath(f.alice.id), { handOver: [{ numberId: idOf(f, 0), toUserId: f.bob.id }, { numberId: idOf(f, 2), toUserId: f.bob.id }, { numberId: idOf(f, 3), toUserId: f.bob.id }] });
    expectStatus(foreign, 400, 'HAND_OVER_INVALID');
    expect(foreign.body.error.details.numberIds).to.deep.equal([idOf(f, 3)]);
    expectStatus(await f.admin.api.post(revokePath(f.alice.id), { handOver: [{ numberId: idOf(f, 0), toUserId: f.bob.id }, { numberId: idOf(f, 0), toUserId: f.carol.id }] }), 400, 'HAND_OVER_INVALID');
    expectStatus(await f.admin.api.post(revokePath(f.alice.id), { handOverTo: f.alice.id }), 400, 'HAND_OVER_TO_SELF');
    expectStatus(await f.admin.api.post(revokePath(f.alice.id), { handOverTo: f.sibling.id }), 409, 'NUMBER_USER_NOT_MEMBER');
    expectStatus(await f.admin.api.post(revokePath(f.alice.id), { handOverTo: f.bob.id, handOver: [] }), 400, 'VALIDATION_FAILED');
    expect(await number(0)).to.include({ ownerUserId: f.alice.id });
    expect((await holders()).map((row) => row.userId)).to.include(f.alice.id);
  });

  it('given a hand-over of each number to its own user, then one transaction moves them, drops her from shares, ends her access and announces the change', async () => {
    const position = await streamPosition(f.api.redis);
    const revoked = await f.admin.api.post(revokePath(f.alice.id), { handOver: [{ numberId: idOf(f, 2), toUserId: f.carol.id }, { numberId: idOf(f, 0), toUserId: f.bob.id }] });
    expectStatus(revoked, 200);
    expect(revoked.body.handedOver.map((move: { numberId: number; toUserId: number }) => [move.numberId, move.toUserId])).to.have.deep.members([[idOf(f, 0), f.bob.id], [idOf(f, 2), f.carol.id]]);
    await routingEventAfter(f.api.redis, position, f.accountId);
    expect(await number(0)).to.include({ ownerUserId: f.bob.id });
    expect(await number(2)).to.include({ ownerUserId: f.carol.id });
    expect((await number(4)).sharedWithUserIds).to.deep.equal([f.bob.id]);
    expect((await holders()).map((row) => row.userId)).to.not.include(f.alice.id);
    expect(await callerIdOf(f.alice)).to.deep.equal({ dialerAccess: false, numberId: null, number: null });
    expectStatus(await f.admin.api.post(revokePath(f.alice.id), { handOverTo: f.bob.id }), 404, 'DIALER_ACCESS_NOT_FOUND');
    const audit = await f.org.api.get(`/v1/accounts/${f.accountId}/audit?limit=10`);
    expect(audit.body.entries.map((entry: { action: string }) => entry.action)).to.include('dialer_access.revoke');
  });

  it('given two revocations of one user at once with different hand-overs, then one succeeds whole, the other is 404, and the numbers went as the winner said', async () => {
    await grant(f.alice.id, 5);
    await grant(f.alice.id, 1);
    const ours = [idOf(f, 1), idOf(f, 5)];
    const [toBob, toCarol] = await Promise.all([
      f.admin.api.post(revokePath(f.alice.id), { handOverTo: f.bob.id }),
      f.org.api.post(revokePath(f.alice.id), { handOver: ours.map((numberId) => ({ numberId, toUserId: f.carol.id })) }),
    ]);
    const statuses = [toBob.status, toCarol.status].sort();
    expect(statuses, JSON.stringify([toBob.body, toCarol.body])).to.deep.equal([200, 404]);
    const winner = toBob.status === 200 ? f.bob.id : f.carol.id;
    for (const index of [1, 5]) expect(await number(index)).to.include({ ownerUserId: winner });
    expect((await holders()).map((row) => row.userId)).to.not.include(f.alice.id);
  });

  it('given a grant and a revocation of one user at once, then either order leaves a whole state: access with its number, or none and the number handed over', async () => {
    // Number 1 went to the previous test's winner: nobody's again, so each grant makes it Alice's.
    await patchNumber(f, f.admin.api, 1, { ownerUserId: null, sharing: 'account' });
    for (let round = 0; round < 3; round += 1) {
      await grant(f.alice.id, 1);
      const [granted, revoked] = await Promise.all([
        f.admin.api.put(grantPath(f.alice.id), { numberId: idOf(f, 3) }),
        f.org.api.post(revokePath(f.alice.id), { handOverTo: f.carol.id }),
      ]);
      expect([granted.status, revoked.status]).to.deep.equal([200, 200]);
      const access = (await holders()).find((row) => row.userId === f.alice.id);
      const shared = (await number(3)).sharedWithUserIds.includes(f.alice.id);
      // Revoked last: no access, and her share of Carol's number gone with it. Granted last: access, sharing it.
      expect(Boolean(access), `round ${round}`).to.equal(shared);
      if (access) expect(access.defaultNumberId).to.equal(idOf(f, 3));
      expect(await number(1)).to.include({ ownerUserId: f.carol.id });
      if (access) expectStatus(await f.org.api.post(revokePath(f.alice.id), { handOverTo: f.carol.id }), 200);
      await patchNumber(f, f.admin.api, 1, { ownerUserId: null });
    }
  });

  it('given a user removed while holding access, then the removal took it (a revocation finds none) and left their number ownerless for an Admin to give on', async () => {
    const leaving = await addUser(f.org.api, f.accountId, 'agent');
    await grant(leaving.id, 1);
    expect(await number(1)).to.include({ ownerUserId: leaving.id });
    expectStatus(await f.org.api.post(`/v1/accounts/${f.accountId}/users/${leaving.id}/remove`, {}), 204);
    expectStatus(await f.admin.api.post(revokePath(leaving.id), {}), 404, 'DIALER_ACCESS_NOT_FOUND');
    expect(await number(1)).to.include({ ownerUserId: null });
    expect(await patchNumber(f, f.admin.api, 1, { ownerUserId: f.bob.id })).to.include({ ownerUserId: f.bob.id });
  });
});

describe('dialer access granted with a number bought in the same request', function () {
  this.timeout(120_000);
  const f = usePurchaseFixture({ name: 'Dialer Buyers', seed: 4242 });
  const trunk = uniqueName('dab').slice(0, 30);
  const pool = [uniqueNumber(), uniqueNumber()];

  before(async () => {
    await f.sellingTrunk(trunk, { accounts: [f.subaccountId], ip: '198.51.100.91', api: 'static-pool', numbers: pool, setupPriceCents: 200, monthlyPriceCents: 100 });
  });

  it('given no credits yet, then 402 and neither the access nor the number nor an order is written', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    expect((await credits(owner.api, f.subaccountId)).balanceCents).to.equal(0);
    const refused = await owner.api.put(`/v1/accounts/${f.subaccountId}/users/${agent.id}/dialer-access`, { purchase: { trunk, number: pool[1] } });
    expectStatus(refused, 402, 'INSUFFICIENT_CREDITS');
    expect((await owner.api.get(`/v1/accounts/${f.subaccountId}/dialer-access`)).body.dialerAccess.map((row: AccessView) => row.userId)).to.not.include(agent.id);
    const pooled = await f.api.db('phone_numbers').where({ number: pool[1] }).first('account_id', 'owner_user_id');
    expect(pooled).to.deep.equal({ account_id: null, owner_user_id: null });
  });

  it('given an Owner with credits, when they grant an Agent access with a pool number to buy, then the order is placed with the grant, completes, and the number is the Agent\'s default', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    await f.addCredits(f.subaccountId, 1000);
    const granted = await owner.api.put(`/v1/accounts/${f.subaccountId}/users/${agent.id}/dialer-access`, { purchase: { trunk, number: pool[0], label: 'Agent line' } });
    expectStatus(granted, 200);
    expect(granted.body.order).to.include({ number: pool[0], priceCents: 200 });
    expect(granted.body.dialerAccess).to.include({ userId: agent.id, defaultNumberId: granted.body.order.numberId });
    const done = await f.orderReaches(owner.api, f.subaccountId, granted.body.order.orderId, ['completed', 'failed']);
    expect(done.order.state, JSON.stringify(done.order)).to.equal('completed');
    expect(done.number).to.include({ number: pool[0], state: 'active', ownerUserId: agent.id, sharing: 'private', label: 'Agent line' });
    const callerId = await agent.api.get(`/v1/me/accounts/${f.subaccountId}/caller-id`);
    expect(callerId.body).to.deep.equal({ dialerAccess: true, numberId: granted.body.order.numberId, number: pool[0] });
    expect((await credits(owner.api, f.subaccountId)).balanceCents).to.equal(800);
  });
});
