// "Never the last Organization Owner" under concurrent requests: two Organization Owners removing each other at
// the same moment, or one being demoted while the other is removed, must leave exactly one.
import { expect } from 'chai';
import { bootstrapAccount } from '../../../admin-api/bootstrap';
import { RANK } from '../../../core/access';
import { removeAccountTree, startTestApi, uniqueName, type ApiClient, type ApiResponse, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId } from './helpers';

const ATTEMPTS = 10;

describe('the last Organization Owner under concurrent requests', function () {
  this.timeout(120_000);
  let api: TestApi;
  const roots: number[] = [];

  before(async () => {
    api = await startTestApi();
  });

  after(async () => {
    for (const root of roots) await removeAccountTree(api.db, root);
    await api?.close();
  });

  async function activeOrganizationOwners(organizationId: number): Promise<number> {
    const row = await api.db('memberships').where({ account_id: organizationId, rank: RANK.organizationOwner, status: 'active' }).count<{ n: number }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  function expectExactlyOneSucceeded(responses: ApiResponse[], attempt: number): void {
    const statuses = responses.map((response) => response.status);
    const detail = `attempt ${attempt}: ${JSON.stringify(responses.map((response) => [response.status, response.body]))}`;
    expect(statuses.filter((status) => status >= 200 && status < 300), detail).to.have.length(1);
    expect(statuses.filter((status) => status >= 500), detail).to.have.length(0);
    const refused = responses.find((response) => response.status >= 400 && response.status < 500);
    // The loser finds the other's change committed: it is the last one, no longer above, or no longer a member
    // (ACCOUNT_NOT_FOUND: its request reached the route table after its own membership was removed).
    expect(refused?.body?.error?.code, detail).to.be.oneOf(['LAST_TOP_TIER_HOLDER', 'TARGET_NOT_BELOW_YOU', 'YOUR_ACCESS_CHANGED', 'CONCURRENT_CHANGE', 'ACCOUNT_NOT_FOUND']);
  }

  /** A reseller (logged in as its Reseller Owner) with one organization holding two Organization Owners. */
  async function resellerWithTwoOwners(): Promise<{ reseller: ApiClient; organizationId: number; first: { id: number; api: ApiClient }; second: { id: number; api: ApiClient } }> {
    const username = uniqueName('ro');
    const created = await bootstrapAccount(api.db, api.notifier, api.config.passwordPolicy, {
      kind: 'reseller', name: 'Concurrency reseller', owner: { username, fullName: 'Rita Reseller', email: `${username}@example.test` },
    });
    roots.push(created.accountId);
    const reseller = await api.client.login(username, created.password);
    const organization = await reseller.post(`/v1/accounts/${created.accountId}/accounts`, { name: 'Concurrency org' });
    expectStatus(organization, 201);
    const organizationId = organization.body.id as number;
    const first = await addUser(reseller, organizationId, 'organization_owner');
    const second = await addUser(reseller, organizationId, 'organization_owner');
    return { reseller, organizationId, first, second };
  }

  it('given two Organization Owners, when each removes the other at the same moment, then exactly one succeeds and the organization keeps one (10 times)', async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const org = await api.organization('Two owners org');
      roots.push(org.accountId);
      const second = await addUser(org.api, org.accountId, 'organization_owner');
      const responses = await Promise.all([
        org.api.post(`/v1/accounts/${org.accountId}/users/${second.id}/remove`, { deactivateOnSubaccounts: true }),
        second.api.post(`/v1/accounts/${org.accountId}/users/${org.userId}/remove`, { deactivateOnSubaccounts: true }),
      ]);
      expectExactlyOneSucceeded(responses, attempt);
      expect(await activeOrganizationOwners(org.accountId), `attempt ${attempt}`).to.equal(1);
    }
  });

  it('given two Organization Owners, when a reseller demotes one while that one removes the other, then exactly one succeeds and one Organization Owner remains (10 times)', async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const { reseller, organizationId, first, second } = await resellerWithTwoOwners();
      const ownerRole = await presetRoleId(reseller, organizationId, 'owner');
      const responses = await Promise.all([
        reseller.put(`/v1/accounts/${organizationId}/users/${first.id}/role`, { roleId: ownerRole }),
        first.api.post(`/v1/accounts/${organizationId}/users/${second.id}/remove`, { deactivateOnSubaccounts: true }),
      ]);
      expectExactlyOneSucceeded(responses, attempt);
      expect(await activeOrganizationOwners(organizationId), `attempt ${attempt}`).to.equal(1);
    }
  });

  it('given two Organization Owners, when a reseller demotes one and removes the other at once, then exactly one succeeds and one Organization Owner remains (10 times)', async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const { reseller, organizationId, first, second } = await resellerWithTwoOwners();
      const ownerRole = await presetRoleId(reseller, organizationId, 'owner');
      const responses = await Promise.all([
        reseller.put(`/v1/accounts/${organizationId}/users/${first.id}/role`, { roleId: ownerRole }),
        reseller.post(`/v1/accounts/${organizationId}/users/${second.id}/remove`, { deactivateOnSubaccounts: true }),
      ]);
      expectExactlyOneSucceeded(responses, attempt);
      expect(await activeOrganizationOwners(organizationId), `attempt ${attempt}`).to.equal(1);
    }
  });

  it('given one Organization Owner, when a reseller demotes or removes them, then both are refused as the last one', async () => {
    const { reseller, organizationId, first, second } = await resellerWithTwoOwners();
    expectStatus(await reseller.post(`/v1/accounts/${organizationId}/users/${second.id}/remove`, { deactivateOnSubaccounts: true }), 204);
    const ownerRole = await presetRoleId(reseller, organizationId, 'owner');
    expectStatus(await reseller.put(`/v1/accounts/${organizationId}/users/${first.id}/role`, { roleId: ownerRole }), 403, 'LAST_TOP_TIER_HOLDER');
    expectStatus(await reseller.post(`/v1/accounts/${organizationId}/users/${first.id}/remove`, { deactivateOnSubaccounts: true }), 403, 'LAST_TOP_TIER_HOLDER');
    expect(await activeOrganizationOwners(organizationId)).to.equal(1);
  });
});
