// Strict input at the API edge (issue 7, items 3, 8 and 9): one id parser for every path and query id, bodies
// validated whatever their Content-Type, text MariaDB or Asterisk can't take refused before any write, taken
// names as 409, and the headers every response carries.
import { expect } from 'chai';
import { removeAccountTree, startTestApi, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId } from '../identity/helpers';

describe('strict input at the API edge', function () {
  this.timeout(60_000);
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi['organization']>>;
  let agent: Awaited<ReturnType<typeof addUser>>;

  before(async () => {
    api = await startTestApi();
    org = await api.organization('Strict Corp');
    agent = await addUser(org.api, org.accountId, 'admin');
  });

  after(async () => {
    if (org) await removeAccountTree(api.db, org.accountId);
    await api?.close();
  });

  const ODD_IDS = ['abc', '0', '1%20OR%201%3D1', '1e400', '9'.repeat(400), '-1', '1.0', '%2B1'];

  async function auditCount(): Promise<number> {
    const row = await api.db('audit_log').where({ account_id: org.accountId }).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  it('given odd user ids, when a role change or a removal names them, then 400 INVALID_ID, nobody changes and no audit row is written', async () => {
    const ownerRole = await presetRoleId(org.api, org.accountId, 'owner');
    const before = await auditCount();
    for (const id of ODD_IDS) {
      expectStatus(await org.api.put(`/v1/accounts/${org.accountId}/users/${id}/role`, { roleId: ownerRole }), 400, 'INVALID_ID');
      expectStatus(await org.api.post(`/v1/accounts/${org.accountId}/users/${id}/remove`, {}), 400, 'INVALID_ID');
      expectStatus(await org.api.get(`/v1/accounts/${org.accountId}/users/${id}`), 400, 'INVALID_ID');
      expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/users/${id}`, { fullName: 'Changed' }), 400, 'INVALID_ID');
    }
    expect(await auditCount()).to.equal(before);
    const users = await org.api.get(`/v1/accounts/${org.accountId}/users`);
    for (const user of users.body.users as { fullName: string; status: string }[]) {
      expect(user.fullName).not.to.equal('Changed');
      expect(user.status).to.equal('active');
    }
  });

  it('given odd ids in query parameters, when lists are filtered by them, then 400 and never a 500', async () => {
    for (const id of ODD_IDS) {
      for (const path of [`/v1/accounts/${org.accountId}/users?groupId=${id}`, `/v1/accounts/${org.accountId}/audit?before=${id}`, `/v1/accounts/${org.accountId}/devices?userId=${id}`]) {
        const response = await org.api.get(path);
        expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(400);
      }
    }
  });

  it('given a body sent as text/plain, form or XML, when it reaches a JSON route, then 415 and nothing happens', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const login = await api.client.request('POST', '/v1/auth/login', 'username=a&password=b', contentType);
      expectStatus(login, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const key = await org.api.request('POST', '/v1/me/api-keys', '{"name":"sneaky"}', contentType);
      expectStatus(key, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const keys = await org.api.get('/v1/me/api-keys');
    expect(keys.body.apiKeys.map((key: { name: string }) => key.name)).not.to.include('sneaky');
  });

  it('given a lone surrogate in a name, when an API key is created, then 400 and no key without its audit row exists', async () => {
    const response = await org.api.request('POST', '/v1/me/api-keys', '{"name":"key \\ud800"}');
    expectStatus(response, 400, 'TEXT_NOT_ALLOWED');
    expect(response.body.error.details.fields[0].path).to.equal('/name');
    const keys = await org.api.get('/v1/me/api-keys');
    expect(keys.body.apiKeys).to.deep.equal([]);
  });

  it('given control characters in a full name or a device label, when saved, then 400 and the Asterisk rows stay loadable', async () => {
    expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/users/${agent.id}`, { fullName: 'Eve\u0000' }), 400, 'TEXT_NOT_ALLOWED');
    expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/users/${agent.id}`, { fullName: 'Eve\nNewline' }), 400, 'VALIDATION_FAILED');
    // A device presents its user's name (issue 9): quotes, brackets and backslashes of the name are dropped.
    expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/users/${agent.id}`, { fullName: 'Desk "A" <b> \\ c', extension: '2301' }), 200);
    const device = await org.api.post(`/v1/accounts/${org.accountId}/devices`, { label: 'Desk "A" <b> \\ c', kind: 'desk_phone', userId: agent.id });
    expectStatus(device, 201);
    expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/devices/${device.body.id}`, { label: 'Tab\there' }), 400, 'VALIDATION_FAILED');
    const row = await api.db('ps_endpoints').where({ id: device.body.sipUsername ?? device.body.username }).first('callerid');
    expect(row?.callerid).to.equal('"Desk A b c" <2301>');
  });

  it('given a role or a group renamed to a name already taken, then 409 ALREADY_EXISTS, not 500', async () => {
    const roleBody = { type: 'customer', rank: 3, permissions: ['accounts.read'] };
    const first = await org.api.post(`/v1/accounts/${org.accountId}/roles`, { ...roleBody, name: 'Taken Role' });
    const second = await org.api.post(`/v1/accounts/${org.accountId}/roles`, { ...roleBody, name: 'Other Role' });
    expectStatus(first, 201);
    expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/roles/${second.body.id}`, { name: 'Taken Role' }), 409, 'ALREADY_EXISTS');
    await org.api.post(`/v1/accounts/${org.accountId}/groups`, { name: 'Taken Group' });
    const group = await org.api.post(`/v1/accounts/${org.accountId}/groups`, { name: 'Other Group' });
    expectStatus(await org.api.patch(`/v1/accounts/${org.accountId}/groups/${group.body.id}`, { name: 'Taken Group' }), 409, 'GROUP_NAME_TAKEN');
    expectStatus(await org.api.post(`/v1/accounts/${org.accountId}/groups`, { name: 'Taken Group' }), 409, 'GROUP_NAME_TAKEN');
  });

  it('given any response, then it forbids sniffing and framing, is never cached, and a 429 says when to retry', async () => {
    for (const response of [await org.api.get('/v1/me'), await api.client.get('/v1/nope'), await org.api.get('/v1/me/api-keys')]) {
      expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(response.headers.get('x-frame-options')).to.equal('DENY');
      expect(response.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
      expect(response.headers.get('cache-control')).to.equal('no-store');
    }
    const username = `nobody${process.pid}${Date.now()}`;
    let throttled;
    for (let attempt = 0; attempt < 60 && !throttled; attempt += 1) {
      const response = await api.client.post('/v1/auth/login', { username, password: 'wrong password' });
      if (response.status === 429) throttled = response;
    }
    expect(throttled, 'no 429 after 60 failed logins').to.not.equal(undefined);
    expect(Number(throttled!.headers.get('retry-after'))).to.be.greaterThan(0);
  });
});
