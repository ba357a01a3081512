// A user removed from an account leaves nothing of its numbers behind (issue 10 security review): in the
// removal's transaction their dialer access there goes, so do their places on the lists of its numbers, and the
// numbers they owned stay with the account, ownerless, for an admin to give to someone else; audited, with a
// routing change. Added back later, they call out and present numbers only once someone grants it again. An
// Organization Owner removed from the organization loses the same in the subaccounts they leave with it, and
// keeps it in those they stay in as Owner. A grant racing the removal never leaves access to a removed user.
import { expect } from 'chai';
import type { ApiClient } from '../../support/admin-api';
import { addUser, expectStatus } from '../identity/helpers';
import { routingEventAfter, streamPosition } from '../routing-api/helpers';
import { idOf, patchNumber, useNumbersFixture, type NumberView, type TestUser } from './numbers-fixture';

describe("removing a user takes their dialer access, shares and numbers' ownership in the accounts they leave", function () {
  this.timeout(60_000);
  const f = useNumbersFixture('Leaver Corp', 8);
  const grantPath = (accountId: number, userId: number): string => `/v1/accounts/${accountId}/users/${userId}/dialer-access`;
  const removePath = (accountId: number, userId: number): string => `/v1/accounts/${accountId}/users/${userId}/remove`;
  const read = async (index: number): Promise<NumberView> => (await f.org.api.get(`/v1/accounts/${f.accountId}/numbers/${idOf(f, index)}`)).body;
  const holders = async (): Promise<number[]> =>
    ((await f.org.api.get(`/v1/accounts/${f.accountId}/dialer-access`)).body.dialerAccess as { userId: number }[]).map((row) => row.userId);

  async function grant(client: ApiClient, userId: number, index: number): Promise<void> {
    expectStatus(await client.put(grantPath(f.accountId, userId), { numberId: idOf(f, index) }), 200);
  }

  it('given Alice with dialer access, a number of her own and one shared with her, when an Admin removes her, then all three go (audited, routing change), and added back she has none of them', async () => {
    await grant(f.admin.api, f.alice.id, 0);
    await patchNumber(f, f.admin.api, 1, { ownerUserId: f.bob.id, sharing: 'users', sharedWithUserIds: [f.alice.id, f.carol.id] });
    await patchNumber(f, f.admin.api, 2, { ownerUserId: f.alice.id, sharing: 'private' });
    const position = await streamPosition(f.api.redis);

    expectStatus(await f.admin.api.post(removePath(f.accountId, f.alice.id), {}), 204);

    expect(await holders()).to.not.include(f.alice.id);
    expect(await read(0)).to.include({ ownerUserId: null, sharing: 'account' });
    expect(await read(2)).to.include({ ownerUserId: null, sharing: 'private', state: 'active' });
    expect(await read(1)).to.include({ ownerUserId: f.bob.id, sharing: 'users' });
    expect((await read(1)).sharedWithUserIds).to.deep.equal([f.carol.id]);
    await routingEventAfter(f.api.redis, position, f.accountId);
    const audit = await f.org.api.get(`/v1/accounts/${f.accountId}/audit?limit=20`);
    const released = (audit.body.entries as { action: string; entityId: string; before: Record<string, unknown> }[]).find((entry) => entry.action === 'user.numbers_released');
    expect(released, JSON.stringify(audit.body.entries)).to.not.equal(undefined);
    expect(released?.before).to.deep.include({ ownedNumbers: [{ id: idOf(f, 0), number: f.numbers[0] }, { id: idOf(f, 2), number: f.numbers[2] }], sharedNumberIds: [idOf(f, 1)] });

    // Added back, as an accepted invitation leaves her: nothing of before comes back with the membership.
    await f.api.db('memberships').where({ user_id: f.alice.id, account_id: f.accountId }).update({ status: 'active' });
    await f.api.db('users').where({ id: f.alice.id }).update({ status: 'active' });
    const alice = await f.api.client.login(f.alice.username, f.alice.password);
    expect((await alice.get(`/v1/me/accounts/${f.accountId}/caller-id`)).body).to.deep.equal({ dialerAccess: false, numberId: null, number: null });
    const usable = ((await alice.get(`/v1/me/accounts/${f.accountId}/numbers`)).body.numbers as NumberView[]).map((number) => number.id);
    expect(usable).to.not.include.members([idOf(f, 1), idOf(f, 2)]);
  });

  it('given an Organization Owner with access and numbers in a subaccount, when removed from the organization and its subaccounts, then they go there too; one kept on as the subaccount\'s Owner keeps them', async () => {
    const leaving = await addUser(f.org.api, f.org.accountId, 'organization_owner');
    const staying = await addUser(f.org.api, f.org.accountId, 'organization_owner');
    await grant(leaving.api, leaving.id, 3);
    await grant(staying.api, staying.id, 4);
    await patchNumber(f, f.org.api, 5, { sharing: 'users', sharedWithUserIds: [leaving.id, staying.id] });
    const position = await streamPosition(f.api.redis);

    expectStatus(await f.org.api.post(removePath(f.org.accountId, leaving.id), { deactivateOnSubaccounts: true }), 204);
    expectStatus(await f.org.api.post(removePath(f.org.accountId, staying.id), { deactivateOnSubaccounts: false }), 204);

    const granted = await holders();
    expect(granted).to.not.include(leaving.id);
    expect(granted).to.include(staying.id);
    expect(await read(3)).to.include({ ownerUserId: null });
    expect(await read(4)).to.include({ ownerUserId: staying.id });
    expect((await read(5)).sharedWithUserIds).to.deep.equal([staying.id]);
    await routingEventAfter(f.api.redis, position, f.accountId);
  });

  it('given a grant and the removal of its user at once, then whichever comes first, the removed user is left with no access and no number', async () => {
    for (let round = 0; round < 3; round += 1) {
      const user: TestUser = await addUser(f.org.api, f.accountId, 'agent');
      await patchNumber(f, f.org.api, 6, { ownerUserId: null, sharing: 'account' });
      const [granted, removed] = await Promise.all([
        f.admin.api.put(grantPath(f.accountId, user.id), { numberId: idOf(f, 6) }),
        f.org.api.post(removePath(f.accountId, user.id), {}),
      ]);
      expectStatus(removed, 204);
      expect(granted.status, JSON.stringify(granted.body)).to.be.oneOf([200, 404]);
      expect(await holders()).to.not.include(user.id);
      expect(await read(6)).to.include({ ownerUserId: null });
    }
  });
});
