// Numbers and the tier rules (issue 10 security review): a holder of numbers.manage changes, shares out or
// releases a number owned by someone else only while that owner ranks below them by effective rank, so an
// Admin cannot take the Organization Owner's number, hide it, share it with themselves (a PATCH, or a dialer
// access grant with it) and present it as their caller ID. Ownerless numbers and one's own stay free to change.
import { expect } from 'chai';
import { addUser, expectStatus } from '../identity/helpers';
import { idOf, patchNumber, useNumbersFixture, type NumberView, type TestUser } from './numbers-fixture';

describe('numbers owned by someone ranked at or above you are out of your reach (NUMBER_OWNER_ABOVE_YOU)', function () {
  this.timeout(60_000);
  const f = useNumbersFixture('Owner Tier Corp', 6);
  let owner: TestUser;
  let otherAdmin: TestUser;
  const numberPath = (index: number): string => `/v1/accounts/${f.accountId}/numbers/${idOf(f, index)}`;
  const grantPath = (userId: number): string => `/v1/accounts/${f.accountId}/users/${userId}/dialer-access`;
  const read = async (index: number): Promise<NumberView> => (await f.org.api.get(numberPath(index))).body;

  before(async () => {
    owner = await addUser(f.org.api, f.accountId, 'owner');
    otherAdmin = await addUser(f.org.api, f.accountId, 'admin');
    // 0: the Organization Owner's (no direct membership here: they reach the phone system from the
    // organization), private. 1: the phone system's Owner's. 2: another Admin's. 3: Alice's. 4: nobody's. 5: the
    // Admin's own.
    await patchNumber(f, f.org.api, 0, { ownerUserId: f.org.userId, sharing: 'private', label: 'CEO line' });
    await patchNumber(f, f.org.api, 1, { ownerUserId: owner.id, sharing: 'private' });
    await patchNumber(f, f.org.api, 2, { ownerUserId: otherAdmin.id, sharing: 'private' });
    await patchNumber(f, f.org.api, 3, { ownerUserId: f.alice.id, sharing: 'private' });
    await patchNumber(f, f.org.api, 5, { ownerUserId: f.admin.id, sharing: 'private' });
  });

  it("given the Organization Owner's number, when an Admin relabels it, takes it, makes it private, shares it with themselves or reroutes it, then 403 and nothing changes", async () => {
    const before = await read(0);
    for (const change of [
      { label: 'mine now' }, { ownerUserId: f.admin.id }, { sharing: 'account' }, { sharing: 'users', sharedWithUserIds: [f.admin.id] },
      { destination: { type: 'hangup' } }, { ownerUserId: null },
    ]) {
      const response = await f.admin.api.patch(numberPath(0), change);
      expectStatus(response, 403, 'NUMBER_OWNER_ABOVE_YOU');
      expect(response.body.error.details).to.deep.equal({ numberId: idOf(f, 0), ownerRank: 12, yourRank: 10 });
    }
    expect(await read(0)).to.deep.equal(before);
  });

  it("given the phone system's Owner's number or another Admin's, then an Admin changes neither (equal rank is not below)", async () => {
    expectStatus(await f.admin.api.patch(numberPath(1), { ownerUserId: f.admin.id }), 403, 'NUMBER_OWNER_ABOVE_YOU');
    expectStatus(await f.admin.api.patch(numberPath(2), { sharing: 'users', sharedWithUserIds: [f.admin.id] }), 403, 'NUMBER_OWNER_ABOVE_YOU');
    expect(await read(1)).to.include({ ownerUserId: owner.id, sharing: 'private' });
    expect(await read(2)).to.include({ ownerUserId: otherAdmin.id, sharing: 'private' });
  });

  it("given the Organization Owner's private number, when an Admin grants themselves or an Agent dialer access with it, then 403, no access granted and the number still private", async () => {
    for (const userId of [f.admin.id, f.bob.id]) {
      expectStatus(await f.admin.api.put(grantPath(userId), { numberId: idOf(f, 0) }), 403, 'NUMBER_OWNER_ABOVE_YOU');
    }
    const holders = (await f.org.api.get(`/v1/accounts/${f.accountId}/dialer-access`)).body.dialerAccess as { userId: number }[];
    expect(holders.map((row) => row.userId)).to.not.include.members([f.admin.id, f.bob.id]);
    expect(await read(0)).to.include({ ownerUserId: f.org.userId, sharing: 'private' });
    expect((await read(0)).sharedWithUserIds).to.deep.equal([]);
    expect((await f.admin.api.get(`/v1/me/accounts/${f.accountId}/numbers`)).body.numbers.map((n: NumberView) => n.id)).to.not.include(idOf(f, 0));
  });

  it("given the Organization Owner's number, when an Admin releases it, then 403 and it stays active", async () => {
    expectStatus(await f.admin.api.delete(numberPath(0)), 403, 'NUMBER_OWNER_ABOVE_YOU');
    expectStatus(await f.admin.api.delete(numberPath(1)), 403, 'NUMBER_OWNER_ABOVE_YOU');
    expect(await read(0)).to.include({ state: 'active' });
    expect(await read(1)).to.include({ state: 'active' });
  });

  it("given an Agent's number, an ownerless one and the Admin's own, then the Admin changes and shares them as before", async () => {
    expect(await patchNumber(f, f.admin.api, 3, { label: 'Alice desk', sharing: 'users', sharedWithUserIds: [f.bob.id] })).to.include({ ownerUserId: f.alice.id, label: 'Alice desk' });
    expect(await patchNumber(f, f.admin.api, 4, { ownerUserId: f.carol.id })).to.include({ ownerUserId: f.carol.id });
    expect(await patchNumber(f, f.admin.api, 5, { label: 'my line' })).to.include({ ownerUserId: f.admin.id, label: 'my line' });
    const granted = await f.admin.api.put(grantPath(f.carol.id), { numberId: idOf(f, 3) });
    expectStatus(granted, 200);
    expect(granted.body.number.sharedWithUserIds).to.deep.equal([f.bob.id, f.carol.id]);
  });

  it("given the Owner above the Admin, then the Owner changes the Admin's number, and the Organization Owner anyone's", async () => {
    expect(await patchNumber(f, owner.api, 2, { label: 'reviewed' })).to.include({ label: 'reviewed' });
    expectStatus(await owner.api.patch(numberPath(0), { label: 'not yours' }), 403, 'NUMBER_OWNER_ABOVE_YOU');
    expect(await patchNumber(f, f.org.api, 1, { label: 'by the organization' })).to.include({ label: 'by the organization' });
  });

  it('given a number shared with the whole account, when an Admin grants dialer access with it, then it is granted unchanged whoever owns it', async () => {
    await patchNumber(f, f.org.api, 0, { sharing: 'account' });
    const before = await read(0);
    const granted = await f.admin.api.put(grantPath(f.bob.id), { numberId: idOf(f, 0) });
    expectStatus(granted, 200);
    expect(granted.body.dialerAccess).to.include({ defaultNumberId: idOf(f, 0) });
    expect(await read(0)).to.deep.equal(before);
  });
});
