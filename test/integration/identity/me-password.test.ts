// Access left behind, over HTTP: a changed password ends the user's other sessions (API keys only when asked),
// wrong current passwords are throttled like logins, and a user removed from an account no longer gets that
// account's device credentials from /v1/me/devices.
import { expect } from 'chai';
import { findMembership, insertMemberships } from '../../../db/repositories/memberships';
import { removeAccountTree, type ApiClient, type TestApi } from '../../support/admin-api';
import { AddressedClient, clearAddressCounters } from '../../support/addressed-client';
import { addUser, expectStatus, useOrganization } from './helpers';

const ADDRESSES = ['127.0.0.50', '127.0.0.51', '127.0.0.52'];
const NEW_PASSWORD = 'a new and long passphrase';

describe('changing your password and leaving an account end the access you had (HTTP, MariaDB, Redis)', function () {
  this.timeout(60_000);
  const organizations: number[] = [];
  // Registered before the fixture's own hook, which closes the database when it runs.
  after(async () => {
    for (const accountId of organizations) await removeAccountTree(f.api.db, accountId);
    await clearAddressCounters(f.api.redis, ADDRESSES);
  });
  const f = useOrganization({ name: 'Password org', subaccount: 'Password desk' });
  const from = (address: string): AddressedClient => new AddressedClient(f.api.client.base, address);

  before(() => clearAddressCounters(f.api.redis, ADDRESSES));

  async function userWithSecondSession(api: TestApi, name: string) {
    const user = await api.organization(name);
    organizations.push(user.accountId);
    const other = await from(ADDRESSES[0]!).login(user.username, user.password);
    const key = await user.api.post<{ key: string }>('/v1/me/api-keys', { name: 'automation' });
    expectStatus(key, 201);
    // Both credentials used once, so the access cache holds them when the password changes.
    expectStatus(await other.get('/v1/me'), 200);
    expectStatus(await api.client.as(key.body.key).get('/v1/me'), 200);
    return { ...user, other, apiKey: api.client.as(key.body.key) };
  }

  it('given a user with another session and an API key, when they change their password, then the other session ends at once, this one and the key go on, and only the new password logs in', async () => {
    const user = await userWithSecondSession(f.api, 'Password change org');
    const changed = await user.api.post('/v1/me/password', { currentPassword: user.password, newPassword: NEW_PASSWORD });
    expectStatus(changed, 200);
    expect(changed.body).to.deep.equal({ sessionsRevoked: 1, apiKeysRevoked: 0 });
    expectStatus(await user.other.get('/v1/me'), 401, 'TOKEN_INVALID');
    expectStatus(await user.api.get('/v1/me'), 200);
    expectStatus(await user.apiKey.get('/v1/me'), 200);
    expectStatus(await from(ADDRESSES[0]!).post('/v1/auth/login', { username: user.username, password: user.password }), 401, 'INVALID_CREDENTIALS');
    await from(ADDRESSES[0]!).login(user.username, NEW_PASSWORD);
  });

  it('given revokeApiKeys: true, when changing the password, then the API keys end as well', async () => {
    const user = await userWithSecondSession(f.api, 'Password change keys org');
    const changed = await user.api.post('/v1/me/password', { currentPassword: user.password, newPassword: NEW_PASSWORD, revokeApiKeys: true });
    expectStatus(changed, 200);
    expect(changed.body).to.deep.equal({ sessionsRevoked: 1, apiKeysRevoked: 1 });
    expectStatus(await user.apiKey.get('/v1/me'), 401, 'TOKEN_INVALID');
    expectStatus(await user.other.get('/v1/me'), 401, 'TOKEN_INVALID');
    expectStatus(await user.api.get('/v1/me'), 200);
  });

  it('given five wrong current passwords, when a sixth try comes (even right), then 429 with Retry-After, and logins from there are throttled too', async () => {
    const user = await f.api.organization('Password throttle org');
    organizations.push(user.accountId);
    const session: ApiClient = await from(ADDRESSES[1]!).login(user.username, user.password);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expectStatus(await session.post('/v1/me/password', { currentPassword: `wrong-${attempt}`, newPassword: NEW_PASSWORD }), 401, 'INVALID_CREDENTIALS');
    }
    const refused = await session.post('/v1/me/password', { currentPassword: user.password, newPassword: NEW_PASSWORD });
    expectStatus(refused, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 900);
    expectStatus(await from(ADDRESSES[1]!).post('/v1/auth/login', { username: user.username, password: user.password }), 429, 'TOO_MANY_ATTEMPTS');
    // The rightful user elsewhere is not locked out by it.
    await from(ADDRESSES[2]!).login(user.username, user.password);
  });

  it('given a user with devices in two subaccounts, when removed from one, then /v1/me/devices shows only the other and rotating the removed one is 404', async () => {
    const second = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Password desk two' });
    expectStatus(second, 201);
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    // A second membership, as an accepted invitation to the other subaccount leaves it.
    const held = (await findMembership(f.api.db, agent.id, f.subaccountId))!;
    const role = { id: held.roleId!, name: held.roleName, rank: held.rank, permissions: held.permissions, reachesDescendants: held.reachesDescendants };
    await insertMemberships(f.api.db, [{ userId: agent.id, accountId: second.body.id, role, status: 'active' }]);
    const device = async (accountId: number, extension: string): Promise<number> => {
      expectStatus(await f.org.api.patch(`/v1/accounts/${accountId}/users/${agent.id}`, { extension }), 200);
      const created = await f.org.api.post(`/v1/accounts/${accountId}/devices`, { label: `Desk ${extension}`, kind: 'desk_phone', userId: agent.id });
      expectStatus(created, 201);
      return created.body.id;
    };
    const left = await device(f.subaccountId, '401');
    const kept = await device(second.body.id, '402');
    expect((await agent.api.get('/v1/me/devices')).body.devices.map((d: { id: number }) => d.id)).to.have.members([left, kept]);

    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/users/${agent.id}/remove`, {}), 204);
    const own = await agent.api.get('/v1/me/devices');
    expectStatus(own, 200);
    expect(own.body.devices.map((d: { id: number }) => d.id)).to.deep.equal([kept]);
    expectStatus(await agent.api.post(`/v1/me/accounts/${f.subaccountId}/devices/${left}/password`, {}), 404);
    expectStatus(await agent.api.post(`/v1/me/accounts/${second.body.id}/devices/${kept}/password`, {}), 200);
  });
});
