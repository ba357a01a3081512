// The tier rules through the HTTP API: who may add, promote, demote and remove whom, and that nobody grants
// what they do not hold.
import { expect } from 'chai';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

describe('tier rules (Organization Owner > Owner > Admin > unit levels)', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Tiers org', subaccount: 'Phone system A' });

  it('given an Organization Owner, then they reach every subaccount, including ones created later, without an invitation', async () => {
    const later = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Phone system B' });
    const reachable = await f.org.api.get('/v1/me/accounts');
    const byId = new Map(reachable.body.accounts.map((account: { id: number }) => [account.id, account]));
    expect(byId.get(f.org.accountId)).to.include({ role: 'Organization Owner', inherited: false });
    expect(byId.get(f.subaccountId)).to.include({ kind: 'subaccount', inherited: true });
    expect(byId.get(later.body.id)).to.include({ inherited: true });
    expectStatus(await f.org.api.get(`/v1/accounts/${later.body.id}/users`), 200);
  });

  it('given an Owner of a subaccount, then they do not reach the organization nor another subaccount', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const sibling = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Phone system C' });
    expectStatus(await owner.api.get(`/v1/accounts/${f.subaccountId}`), 200);
    expectStatus(await owner.api.get(`/v1/accounts/${f.org.accountId}`), 404, 'ACCOUNT_NOT_FOUND');
    expectStatus(await owner.api.get(`/v1/accounts/${sibling.body.id}`), 404, 'ACCOUNT_NOT_FOUND');
  });

  it('given an Admin, then they add Admins but not Owners, and cannot remove a fellow Admin', async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const peer = await addUser(admin.api, f.subaccountId, 'admin');
    const ownerRole = await presetRoleId(f.org.api, f.subaccountId, 'owner');
    const tooHigh = await admin.api.post(`/v1/accounts/${f.subaccountId}/users`, { username: `x${Date.now()}`, fullName: 'X', email: 'x@example.test', roleId: ownerRole });
    expectStatus(tooHigh, 403, 'RANK_ABOVE_YOURS');
    expectStatus(await admin.api.post(`/v1/accounts/${f.subaccountId}/users/${peer.id}/remove`, {}), 403, 'TARGET_NOT_BELOW_YOU');
  });

  it('given an Owner, then they promote an Admin to Owner, remove Admins, but cannot demote or remove another Owner', async () => {
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const otherOwner = await addUser(f.org.api, f.subaccountId, 'owner');
    const ownerRole = await presetRoleId(f.org.api, f.subaccountId, 'owner');
    const adminRole = await presetRoleId(f.org.api, f.subaccountId, 'admin');
    const promoted = await owner.api.put(`/v1/accounts/${f.subaccountId}/users/${admin.id}/role`, { roleId: ownerRole });
    expectStatus(promoted, 200);
    expect(promoted.body.membership).to.include({ role: 'Owner' });
    expectStatus(await owner.api.put(`/v1/accounts/${f.subaccountId}/users/${otherOwner.id}/role`, { roleId: adminRole }), 403, 'TARGET_NOT_BELOW_YOU');
    expectStatus(await owner.api.post(`/v1/accounts/${f.subaccountId}/users/${otherOwner.id}/remove`, {}), 403, 'TARGET_NOT_BELOW_YOU');
    const anotherAdmin = await addUser(owner.api, f.subaccountId, 'admin');
    expectStatus(await owner.api.post(`/v1/accounts/${f.subaccountId}/users/${anotherAdmin.id}/remove`, {}), 204);
  });

  it('given a user without users.manage, when they call a route that needs it, then 403 names the missing permission', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const response = await agent.api.post(`/v1/accounts/${f.subaccountId}/users`, { username: 'nope', fullName: 'N', email: 'n@example.test', roleId: 1 });
    expectStatus(response, 403, 'PERMISSION_DENIED');
    expect(response.body.error.details.missingPermission).to.equal('users.manage');
    expect(response.body.error.message).to.include('users.manage');
  });

  it('given Organization Owners, then they may remove each other but never the last one', async () => {
    const organizationOwnerRole = await presetRoleId(f.org.api, f.org.accountId, 'organization_owner');
    const second = await addUser(f.org.api, f.org.accountId, 'organization_owner', organizationOwnerRole);
    // Removing an Organization Owner asks what becomes of them on the subaccounts.
    expectStatus(await second.api.post(`/v1/accounts/${f.org.accountId}/users/${f.org.userId}/remove`, {}), 400, 'DECISION_REQUIRED');
    expectStatus(await second.api.post(`/v1/accounts/${f.org.accountId}/users/${f.org.userId}/remove`, { deactivateOnSubaccounts: false }), 204);
    // The removed one keeps the Owner role on each subaccount.
    const kept = await f.api.db('memberships').where({ user_id: f.org.userId, account_id: f.subaccountId }).first();
    expect(kept).to.include({ role_name: 'Owner', status: 'active' });
    expectStatus(await second.api.post(`/v1/accounts/${f.org.accountId}/users/${second.id}/remove`, { deactivateOnSubaccounts: true }), 403, 'LAST_TOP_TIER_HOLDER');
    f.org.api = second.api;
  });

  it('given an Owner of the organization, then only Organization Owners change its name or export targets', async () => {
    const orgOwner = await addUser(f.org.api, f.org.accountId, 'owner');
    const renamed = await orgOwner.api.patch(`/v1/accounts/${f.org.accountId}`, { name: 'Renamed by an Owner' });
    expectStatus(renamed, 403, 'PERMISSION_DENIED');
    expect(renamed.body.error.details.missingPermission).to.equal('organization.manage');
    const areaCode = await orgOwner.api.patch(`/v1/accounts/${f.org.accountId}`, { defaultAreaCode: '415', callingHours: { start: '09:00', end: '20:00', timezone: 'America/Los_Angeles' } });
    expectStatus(areaCode, 200);
    expect(areaCode.body).to.include({ defaultAreaCode: '415' });
    const exports = await f.org.api.patch(`/v1/accounts/${f.org.accountId}`, { name: 'Tiers org (renamed)', exportTargets: [{ kind: 's3', destination: 's3://bucket/calls' }] });
    expectStatus(exports, 200);
    expect(exports.body.exportTargets).to.deep.equal([{ kind: 's3', destination: 's3://bucket/calls' }]);
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, { exportTargets: [] }), 422, 'EXPORTS_ORGANIZATION_ONLY');
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.org.accountId}`, { callingHours: { start: '09:00', end: '17:00', timezone: 'Mars/Olympus' } }), 400, 'VALIDATION_FAILED');
  });
});
