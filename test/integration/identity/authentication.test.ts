import { expect } from 'chai';
import { removeAccountTree, startTestApi, uniqueName, type TestApi } from '../../support/admin-api';
import { expectStatus } from './helpers';

describe('admin API authentication (HTTP, MariaDB, Redis)', function () {
  this.timeout(30_000);
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi['organization']>>;

  before(async () => {
    api = await startTestApi();
    org = await api.organization('Auth org');
  });

  after(async () => {
    await removeAccountTree(api.db, org.accountId);
    await api.close();
  });

  it('given no token, when any non-public route is called, then 401 AUTHENTICATION_REQUIRED', async () => {
    expectStatus(await api.client.get('/v1/me'), 401, 'AUTHENTICATION_REQUIRED');
    expectStatus(await api.client.get(`/v1/accounts/${org.accountId}`), 401, 'AUTHENTICATION_REQUIRED');
  });

  it('given the right password, when logging in, then a session token works; logout revokes it at once', async () => {
    const session = await api.client.login(org.username, org.password);
    const me = await session.get('/v1/me');
    expectStatus(me, 200);
    expect(me.body).to.include({ username: org.username, status: 'active' });
    expectStatus(await session.post('/v1/auth/logout'), 204);
    expectStatus(await session.get('/v1/me'), 401, 'TOKEN_INVALID');
  });

  it('given a wrong password, when logging in, then 401 with no hint whether the user exists', async () => {
    const wrong = await api.client.post('/v1/auth/login', { username: org.username, password: 'definitely-not-it' });
    // A fresh unknown name each run: failures for a fixed one would pile up across runs and throttle it.
    const unknown = await api.client.post('/v1/auth/login', { username: uniqueName('nobody'), password: 'definitely-not-it' });
    expectStatus(wrong, 401, 'INVALID_CREDENTIALS');
    expectStatus(unknown, 401, 'INVALID_CREDENTIALS');
    expect(wrong.body.error.message).to.equal(unknown.body.error.message);
  });

  it('given five failed logins for a username, when a sixth arrives (even with the right password), then 429 with a retry time', async () => {
    const victim = await api.organization('Throttle org');
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expectStatus(await api.client.post('/v1/auth/login', { username: victim.username, password: `guess-${attempt}` }), 401);
      }
      const blocked = await api.client.post('/v1/auth/login', { username: victim.username, password: victim.password });
      expectStatus(blocked, 429, 'TOO_MANY_ATTEMPTS');
      expect(blocked.body.error.details.retryAfterSeconds).to.be.within(1, 900);
    } finally {
      await api.redis.del(`pbx:login-failures:user:${victim.username}`);
      await removeAccountTree(api.db, victim.accountId);
    }
  });

  it('given an API key, when used, then it authenticates until revoked, and the revocation takes effect at once', async () => {
    const created = await org.api.post('/v1/me/api-keys', { name: 'CRM sync' });
    expectStatus(created, 201);
    expect(created.body.key).to.match(/^pbxk_[A-Za-z0-9_-]{40,}$/);
    const automation = api.client.as(created.body.key);
    expectStatus(await automation.get('/v1/me/accounts'), 200);
    const listed = await org.api.get('/v1/me/api-keys');
    expect(listed.body.apiKeys.map((key: { name: string }) => key.name)).to.include('CRM sync');
    expect(JSON.stringify(listed.body)).not.to.include(created.body.key);
    expectStatus(await org.api.delete(`/v1/me/api-keys/${created.body.id}`), 204);
    expectStatus(await automation.get('/v1/me/accounts'), 401, 'TOKEN_INVALID');
    const audited = await api.db('audit_log').where({ entity: 'api_key', entity_id: String(created.body.id) }).orderBy('id').pluck('action');
    expect(audited).to.deep.equal(['api_key.create', 'api_key.revoke']);
  });

  it('given a malformed login body, then 400 naming the fields, never a 500', async () => {
    const response = await api.client.post('/v1/auth/login', { user: 'x' });
    expectStatus(response, 400, 'VALIDATION_FAILED');
    expect(response.body.error.details.fields.map((field: { path: string }) => field.path)).to.include.members(['/username', '/password', '/user']);
  });

  it('given the password policy, when changing to a short password or one containing the username, then 400 PASSWORD_REJECTED', async () => {
    const short = await org.api.post('/v1/me/password', { currentPassword: org.password, newPassword: 'short' });
    expectStatus(short, 400, 'PASSWORD_REJECTED');
    const withName = await org.api.post('/v1/me/password', { currentPassword: org.password, newPassword: `${org.username}-is-long-enough` });
    expectStatus(withName, 400, 'PASSWORD_REJECTED');
    expect(withName.body.error.message).to.include('must not contain the username');
  });
});
