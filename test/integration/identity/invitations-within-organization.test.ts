// Issue 7.1 within one organization: an invitation is no way around the tier rules. An Admin who invites
// someone above them (their own Organization Owner, an Owner of another subaccount) gets no handle on that
// person's profile, whatever lower role the invitation carried.
import { expect } from 'chai';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

describe('invitations of existing users within one organization', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Invitations org', subaccount: 'Phones S1' });

  async function secondSubaccount(): Promise<number> {
    const created = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Phones S2' });
    expectStatus(created, 201);
    return created.body.id;
  }

  it('given an Admin of a subaccount, when inviting their Organization Owner as Agent and then editing them, then they are refused and the owner is untouched', async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const owner = (await f.org.api.get('/v1/me')).body;
    const invited = await admin.api.post(`/v1/accounts/${f.subaccountId}/invitations`, {
      fullName: 'Owner As Agent', email: 'admin-controls@example.test', roleId: await presetRoleId(admin.api, f.subaccountId, 'agent'), username: f.org.username,
    });
    expectStatus(invited, 202);
    expectStatus(await admin.api.patch(`/v1/accounts/${f.subaccountId}/users/${owner.id}`, { email: 'admin-controls@example.test' }), 404, 'USER_NOT_FOUND');
    expectStatus(await admin.api.post(`/v1/accounts/${f.subaccountId}/users/${owner.id}/remove`, {}), 404, 'USER_NOT_FOUND');

    // The owner already reaches the subaccount from above: a second, lower membership there is refused.
    expectStatus(await f.org.api.post(`/v1/me/invitations/${invited.body.invitationId}/accept`), 409, 'ALREADY_MEMBER');
    expect((await f.org.api.get('/v1/me')).body).to.deep.equal(owner);
    const byId = new Map((await f.org.api.get('/v1/me/accounts')).body.accounts.map((account: { id: number }) => [account.id, account]));
    expect(byId.get(f.subaccountId)).to.include({ role: 'Organization Owner', inherited: true });
  });

  it('given an Organization Owner who holds a lower membership in a subaccount (as invitations used to make), when its Admin edits them, then 403 by tier', async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const owner = (await f.org.api.get('/v1/me')).body;
    const agentRole = await f.api.db('roles').where({ preset_key: 'agent' }).first();
    await f.api.db('memberships').insert({
      user_id: owner.id, account_id: f.subaccountId, role_id: agentRole.id, role_name: agentRole.name, rank: agentRole.rank, permissions: JSON.stringify(agentRole.permissions), reaches_descendants: false, status: 'active',
    });
    try {
      expectStatus(await admin.api.patch(`/v1/accounts/${f.subaccountId}/users/${owner.id}`, { email: 'admin-controls@example.test' }), 403, 'TARGET_NOT_BELOW_YOU');
      expect((await f.org.api.get('/v1/me')).body).to.deep.equal(owner);
    } finally {
      await f.api.db('memberships').where({ user_id: owner.id, account_id: f.subaccountId }).delete();
    }
  });

  it("given an Owner of one subaccount who accepted an Admin's invitation to another as Agent, when that Admin edits their profile, then 403 by tier", async () => {
    const s2 = await secondSubaccount();
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const admin = await addUser(f.org.api, s2, 'admin');
    const invited = await admin.api.post(`/v1/accounts/${s2}/invitations`, { fullName: 'X', email: 'x@example.test', roleId: await presetRoleId(admin.api, s2, 'agent'), username: owner.username });
    expectStatus(invited, 202);
    expectStatus(await owner.api.post(`/v1/me/invitations/${invited.body.invitationId}/accept`), 200);
    const listed = await admin.api.get(`/v1/accounts/${s2}/users/${owner.id}`);
    expect(listed.body.membership).to.include({ role: 'Agent', status: 'active' });

    const before = (await owner.api.get('/v1/me')).body;
    expectStatus(await admin.api.patch(`/v1/accounts/${s2}/users/${owner.id}`, { fullName: 'Renamed By Admin' }), 403, 'TARGET_NOT_BELOW_YOU');
    expect((await owner.api.get('/v1/me')).body).to.deep.equal(before);
    // Someone above the owner in the organization still may.
    expectStatus(await f.org.api.patch(`/v1/accounts/${s2}/users/${owner.id}`, { fullName: 'Renamed By Org Owner' }), 200);
  });

  it('given an Admin, when inviting an existing user with a role above their own, then 403 as for a new user', async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const other = await addUser(f.org.api, f.org.accountId, 'admin');
    const response = await admin.api.post(`/v1/accounts/${f.subaccountId}/invitations`, { fullName: 'X', email: 'x@example.test', roleId: await presetRoleId(admin.api, f.subaccountId, 'owner'), username: other.username });
    expectStatus(response, 403, 'RANK_ABOVE_YOURS');
  });
});
