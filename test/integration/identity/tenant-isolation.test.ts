// Walks every route of the table as a user of another organization: each answers 403 or 404, never data.
import { expect } from 'chai';
import { removeAccountTree, startTestApi, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus } from './helpers';

describe('tenant isolation: every route, called by another organization', function () {
  this.timeout(60_000);
  let api: TestApi;
  let victim: Awaited<ReturnType<TestApi['organization']>>;
  let intruder: Awaited<ReturnType<TestApi['organization']>>;
  const ids: Record<string, number> = {};
  const secrets: string[] = [];

  before(async () => {
    api = await startTestApi();
    victim = await api.organization('Victim Corp');
    intruder = await api.organization('Intruder Inc');
    const sub = await victim.api.post(`/v1/accounts/${victim.accountId}/accounts`, { name: 'Victim Phones' });
    ids.subaccountId = sub.body.id;
    const agent = await addUser(victim.api, sub.body.id, 'agent');
    ids.userId = agent.id;
    const role = await victim.api.post(`/v1/accounts/${sub.body.id}/roles`, { name: 'Victim Auditor', type: 'unit', rank: 3, permissions: ['accounts.read'] });
    ids.roleId = role.body.id;
    const group = await victim.api.post(`/v1/accounts/${sub.body.id}/groups`, { name: 'Victim Team', memberIds: [agent.id] });
    ids.groupId = group.body.id;
    const key = await victim.api.post('/v1/me/api-keys', { name: 'Victim key' });
    ids.keyId = key.body.id;
    secrets.push('Victim Corp', 'Victim Phones', agent.username, 'Victim Auditor', 'Victim Team', 'Victim key', victim.username);
  });

  after(async () => {
    if (victim) await removeAccountTree(api.db, victim.accountId);
    if (intruder) await removeAccountTree(api.db, intruder.accountId);
    await api?.close();
  });

  function pathFor(template: string, accountId: number): string {
    return template
      .replace(':accountId', String(accountId))
      .replace(':userId', String(ids.userId))
      .replace(':roleId', String(ids.roleId))
      .replace(':groupId', String(ids.groupId))
      .replace(':keyId', String(ids.keyId))
      .replace(':token', 'pbxi_not-a-real-token');
  }

  it('given an Organization Owner of another organization, when every account route is called on our accounts, then 403 or 404 and none of our data', async () => {
    const accountRoutes = api.routes.filter((route) => route.access.kind === 'account');
    expect(accountRoutes.length).to.be.greaterThan(15);
    for (const route of accountRoutes) {
      for (const accountId of [victim.accountId, ids.subaccountId as number]) {
        const path = pathFor(route.path, accountId);
        const response = await intruder.api.request(route.method.toUpperCase(), path, route.method === 'get' || route.method === 'delete' ? undefined : {});
        expect([403, 404], `${route.method.toUpperCase()} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`).to.include(response.status);
        const text = JSON.stringify(response.body ?? '');
        for (const secret of secrets) expect(text, `${route.method.toUpperCase()} ${path} leaks "${secret}"`).not.to.include(secret);
      }
    }
  });

  it("given another organization's user, when they use their own routes (me, API keys), then they see only their own", async () => {
    const accounts = await intruder.api.get('/v1/me/accounts');
    expect(accounts.body.accounts.map((account: { id: number }) => account.id)).to.deep.equal([intruder.accountId]);
    expectStatus(await intruder.api.delete(`/v1/me/api-keys/${ids.keyId}`), 404, 'API_KEY_NOT_FOUND');
    const keys = await victim.api.get('/v1/me/api-keys');
    expect(keys.body.apiKeys.find((key: { id: number }) => key.id === ids.keyId)).to.include({ revokedAt: null });
    for (const route of api.routes.filter((candidate) => candidate.access.kind === 'authenticated' && candidate.method === 'get')) {
      const text = JSON.stringify((await intruder.api.get(pathFor(route.path, victim.accountId))).body ?? '');
      for (const secret of secrets) expect(text, `${route.path} leaks "${secret}"`).not.to.include(secret);
    }
  });
});
