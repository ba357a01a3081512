// Bulk provisioning over HTTP: CSV and JSON, all rows or none, passwords shown once, onboarding emails sent.
import { expect } from 'chai';
import { uniqueName, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

async function countRows(api: TestApi, accountId: number): Promise<{ memberships: number; devices: number }> {
  const [memberships, devices] = await Promise.all([
    api.db('memberships').where({ account_id: accountId }).count<{ n: number }[]>({ n: '*' }).first(),
    api.db('devices').where({ account_id: accountId }).count<{ n: number }[]>({ n: '*' }).first(),
  ]);
  return { memberships: Number(memberships?.n ?? 0), devices: Number(devices?.n ?? 0) };
}

describe('bulk provisioning (CSV and JSON)', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Bulk org', subaccount: 'Bulk call center', mail: true });

  it('given a CSV with roles per row, when uploaded, then every user exists with a device and extension, can log in, and gets an onboarding email', async () => {
    const names = [uniqueName('csva'), uniqueName('csvb'), uniqueName('csvc')];
    const csv = [
      'username,full_name,email,role,phone_mode',
      `${names[0]},Ann Agent,${names[0]}@example.test,Agent,sip`,
      `${names[1]},Sam Supervisor,${names[1]}@example.test,Supervisor,webrtc`,
      `${names[2]},Dee Default,${names[2]}@example.test,,sip`,
    ].join('\n');
    const agentRole = await presetRoleId(f.org.api, f.subaccountId, 'agent');
    const response = await f.org.api.request('POST', `/v1/accounts/${f.subaccountId}/users/bulk?roleId=${agentRole}`, csv, 'text/csv');
    expectStatus(response, 201);
    expect(response.body.created).to.equal(3);
    const [first, second] = response.body.users;
    expect(first).to.include({ line: 2, username: names[0], extension: '1000' });
    expect(second).to.include({ line: 3, extension: '1001' });
    expect(first.password).to.have.length(20);
    expect(first.sip.password).to.have.length(24);
    const loggedIn = await f.org.api.login(names[1] as string, second.password);
    const me = await loggedIn.get(`/v1/accounts/${f.subaccountId}/users/${second.id}`);
    expect(me.body.membership).to.include({ role: 'Supervisor' });
    expect(me.body).to.include({ phoneMode: 'webrtc' });
    const endpoint = await f.api.db('ps_endpoints').where({ id: second.sip.username }).first();
    expect(endpoint).to.include({ context: `acct-${f.subaccountId}`, webrtc: 'yes' });
    const mail = await f.smtp.waitFor(`${names[2]}@example.test`);
    expect(mail.body).to.include(`Your username is ${names[2]}`);
    expect(mail.body).not.to.include(response.body.users[2].password);
  });

  it('given bad rows among good ones, when uploaded, then 422 lists each bad row by line and reason, and nothing is created', async () => {
    const existing = await addUser(f.org.api, f.subaccountId, 'agent');
    const before = await countRows(f.api, f.subaccountId);
    const good = uniqueName('good');
    const csv = [
      'username,full_name,email,role',
      `${good},Good Row,${good}@example.test,Agent`,
      `${existing.username},Taken Name,taken@example.test,Agent`,
      `${good},Repeat,repeat@example.test,Agent`,
      `x y,Bad Name,not-an-email,Agent`,
      `${uniqueName('role')},No Role,norole@example.test,Astronaut`,
    ].join('\n');
    const response = await f.org.api.request('POST', `/v1/accounts/${f.subaccountId}/users/bulk`, csv, 'text/csv');
    expectStatus(response, 422, 'BULK_ROWS_INVALID');
    const problems = response.body.error.details.rows as { line: number; field: string; message: string }[];
    expect(problems).to.deep.include({ line: 3, field: 'username', message: 'is taken' });
    expect(problems).to.deep.include({ line: 4, field: 'username', message: 'repeats line 2' });
    expect(problems.filter((problem) => problem.line === 5).map((problem) => problem.field)).to.include.members(['username', 'email']);
    expect(problems.find((problem) => problem.line === 6)?.field).to.equal('role');
    expect(problems.some((problem) => problem.line === 2)).to.equal(false);
    expect(await countRows(f.api, f.subaccountId)).to.deep.equal(before);
    expect(await f.api.db('users').where({ username: good }).first()).to.equal(undefined);
  });

  it('given an Admin, when a row asks for a role above theirs, then that row is refused and nothing is created', async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const response = await admin.api.post(`/v1/accounts/${f.subaccountId}/users/bulk`, {
      users: [{ username: uniqueName('ok'), fullName: 'Ok', email: 'ok@example.test', role: 'Agent' }, { username: uniqueName('hi'), fullName: 'Hi', email: 'hi@example.test', role: 'Owner' }],
    });
    expectStatus(response, 422, 'BULK_ROWS_INVALID');
    expect(response.body.error.details.rows).to.deep.equal([{ line: 2, field: 'role', message: 'You cannot grant a role ranked above your own.' }]);
  });

  it('given a JSON list and a default role, when posted, then the users are created with it', async () => {
    const names = [uniqueName('jsa'), uniqueName('jsb')];
    const response = await f.org.api.post(`/v1/accounts/${f.subaccountId}/users/bulk`, {
      roleId: await presetRoleId(f.org.api, f.subaccountId, 'manager'),
      users: names.map((username) => ({ username, fullName: username, email: `${username}@example.test`, extension: username === names[0] ? '2501' : undefined })),
    });
    expectStatus(response, 201);
    expect(response.body.users.map((user: { extension: string }) => user.extension)).to.include('2501');
    const listed = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users/${response.body.users[0].id}`);
    expect(listed.body.membership).to.include({ role: 'Manager' });
    // The row's extension is the user's (the extension plan); the device rings on it and presents it.
    expect(listed.body.extension).to.equal('2501');
    const device = (await f.org.api.get(`/v1/accounts/${f.subaccountId}/devices?userId=${response.body.users[0].id}`)).body.devices[0];
    expect(device).to.include({ userId: response.body.users[0].id, extension: '2501' });
    expect((await f.api.db('ps_endpoints').where({ id: device.sipUsername }).first()).callerid).to.equal(`"${names[0]}" <2501>`);
  });

  it('given a CSV with an unknown column, then 400 CSV_INVALID naming it', async () => {
    const response = await f.org.api.request('POST', `/v1/accounts/${f.subaccountId}/users/bulk`, 'username,shoe_size\nx,42', 'text/csv');
    expectStatus(response, 400, 'CSV_INVALID');
    expect(response.body.error.message).to.include('shoe_size');
  });
});
