// The extension plan over the admin API (issue 9): extensions belong to users (one per user and account, unique in
// the account), devices belong to users and show their user's extension, and a device's caller ID is its user's
// name and extension, rewritten when either changes.
import { expect } from 'chai';
import { uniqueName } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId, useOrganization } from '../identity/helpers';

describe('extension plan: users own extensions, devices ring on their user\'s (admin API, MariaDB)', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Extension plan org', subaccount: 'Extension plan desk' });
  const users = (path = ''): string => `/v1/accounts/${f.subaccountId}/users${path}`;
  const devices = (path = ''): string => `/v1/accounts/${f.subaccountId}/devices${path}`;
  const callerIdOf = async (sipUsername: string): Promise<string> => (await f.api.db('ps_endpoints').where({ id: sipUsername }).first('callerid')).callerid;

  async function createUser(fullName: string, extension?: string) {
    const username = uniqueName('ext');
    return f.org.api.post(users(), {
      username, fullName, email: `${username}@example.test`, roleId: await presetRoleId(f.org.api, f.subaccountId, 'agent'), ...(extension ? { extension } : {}),
    });
  }

  it('given a user holding 401, when another user is created or edited with 401, then 409 EXTENSION_TAKEN naming the owner; once freed, the other takes it', async () => {
    const ann = await createUser('Ann Owner', '401');
    expectStatus(ann, 201);
    expect(ann.body.user).to.include({ extension: '401' });
    const taken = await createUser('Bob Second', '401');
    expectStatus(taken, 409, 'EXTENSION_TAKEN');
    expect(taken.body.error.message).to.include('Ann Owner');
    expect(taken.body.error.details).to.deep.include({ extension: '401', owner: { type: 'user', id: ann.body.user.id, name: 'Ann Owner' } });

    const bob = await createUser('Bob Second', '402');
    expectStatus(bob, 201);
    const edit = await f.org.api.patch(users(`/${bob.body.user.id}`), { extension: '401' });
    expectStatus(edit, 409, 'EXTENSION_TAKEN');
    expect(edit.body.error.details.owner).to.include({ id: ann.body.user.id });
    expect((await f.org.api.get(users(`/${bob.body.user.id}`))).body.extension, 'a refused edit changes nothing').to.equal('402');

    expectStatus(await f.org.api.patch(users(`/${ann.body.user.id}`), { extension: null }), 200);
    const moved = await f.org.api.patch(users(`/${bob.body.user.id}`), { extension: '401' });
    expectStatus(moved, 200);
    expect(moved.body.extension).to.equal('401');
    // One extension per user: 402 was replaced, so Ann may take it.
    expectStatus(await f.org.api.patch(users(`/${ann.body.user.id}`), { extension: '402' }), 200);
    const listed = (await f.org.api.get(users())).body.users as { id: number; extension: string | null }[];
    expect(listed.find((user) => user.id === ann.body.user.id)?.extension).to.equal('402');
    expect(listed.find((user) => user.id === bob.body.user.id)?.extension).to.equal('401');
    expectStatus(await f.org.api.patch(users(`/${bob.body.user.id}`), { extension: '0401' }), 400, 'VALIDATION_FAILED');
  });

  it('given two admins giving one extension to two users at once, then one gets it and the other 409 naming the winner', async () => {
    const [first, second] = await Promise.all([createUser('Race One'), createUser('Race Two')]);
    const answers = await Promise.all([first, second].map((user) => f.org.api.patch(users(`/${user.body.user.id}`), { extension: '491' })));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!.body;
    const loser = answers.find((answer) => answer.status === 409)!.body;
    expect(loser.error).to.deep.include({ code: 'EXTENSION_TAKEN' });
    expect(loser.error.details.owner).to.deep.equal({ type: 'user', id: winner.id, name: winner.fullName });
  });

  it('given a user with devices, when renamed or given another extension, then every device presents the new name and extension, and device views show it', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    expectStatus(await f.org.api.patch(users(`/${agent.id}`), { extension: '411' }), 200);
    const desk = await f.org.api.post(devices(), { label: 'Desk', kind: 'desk_phone', userId: agent.id });
    const soft = await f.org.api.post(devices(), { label: 'Laptop', kind: 'softphone', userId: agent.id });
    expectStatus(desk, 201);
    expectStatus(soft, 201);
    expect(desk.body).to.include({ userId: agent.id, extension: '411', label: 'Desk' });
    expect(await callerIdOf(desk.body.sipUsername)).to.equal('"agent user" <411>');

    expectStatus(await f.org.api.patch(users(`/${agent.id}`), { fullName: 'Agnes Agent' }), 200);
    for (const device of [desk, soft]) expect(await callerIdOf(device.body.sipUsername)).to.equal('"Agnes Agent" <411>');
    expectStatus(await f.org.api.patch(users(`/${agent.id}`), { extension: '412' }), 200);
    for (const device of [desk, soft]) expect(await callerIdOf(device.body.sipUsername)).to.equal('"Agnes Agent" <412>');
    // The user renaming themselves through /v1/me: the same.
    expectStatus(await agent.api.patch('/v1/me', { fullName: 'Agnes Self' }), 200);
    expect(await callerIdOf(desk.body.sipUsername)).to.equal('"Agnes Self" <412>');

    const shown = (await f.org.api.get(devices(`?userId=${agent.id}`))).body.devices as { extension: string }[];
    expect(shown.map((device) => device.extension)).to.deep.equal(['412', '412']);
    // A device label is not the caller ID any more.
    expectStatus(await f.org.api.patch(devices(`/${desk.body.id}`), { label: 'Front desk' }), 200);
    expect(await callerIdOf(desk.body.sipUsername)).to.equal('"Agnes Self" <412>');
  });

  it('given a signed-in user, then GET /v1/me shows their extension in each account, and /v1/me takes no extension', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    expect((await agent.api.get('/v1/me')).body.extensions).to.deep.equal([]);
    expectStatus(await f.org.api.patch(users(`/${agent.id}`), { extension: '421' }), 200);
    expect((await agent.api.get('/v1/me')).body.extensions).to.deep.equal([{ accountId: f.subaccountId, extension: '421' }]);
    expectStatus(await agent.api.patch('/v1/me', { extension: '422' }), 400, 'VALIDATION_FAILED');
  });

  it('given a user removed from the account, then their extension is free for someone else', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    expectStatus(await f.org.api.patch(users(`/${agent.id}`), { extension: '431' }), 200);
    expectStatus(await createUser('Next Holder', '431'), 409, 'EXTENSION_TAKEN');
    expectStatus(await f.org.api.post(users(`/${agent.id}/remove`), {}), 204);
    expect((await f.org.api.get(users(`/${agent.id}`))).body.extension).to.equal(null);
    expectStatus(await createUser('Next Holder', '431'), 201);
  });

  it('given a user removed from the account, then no device can be made for them and theirs cannot be enabled again', async () => {
    const sub = f.subaccountId;
    const user = await addUser(f.org.api, sub, 'agent');
    const device = await f.org.api.post(`/v1/accounts/${sub}/devices`, { userId: user.id, label: 'Soon gone', kind: 'desk_phone' });
    expectStatus(device, 201);
    expectStatus(await f.org.api.post(`/v1/accounts/${sub}/users/${user.id}/remove`, {}), 204);
    expectStatus(await f.org.api.post(`/v1/accounts/${sub}/devices`, { userId: user.id, label: 'Another', kind: 'desk_phone' }), 422, 'USER_NOT_IN_ACCOUNT');
    expectStatus(await f.org.api.patch(`/v1/accounts/${sub}/devices/${device.body.id}`, { enabled: true }), 422, 'USER_NOT_IN_ACCOUNT');
    const after = await f.org.api.get(`/v1/accounts/${sub}/devices/${device.body.id}`);
    expect(after.body.enabled).to.equal(false);
    expect((await f.api.db('ps_endpoints').where({ id: device.body.sipUsername }).first('deny'))?.deny).to.not.equal(null);
  });

  it('given a device with an extension of its own, or without a user, then 400 and nothing is written', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const refused = await f.org.api.post(devices(), { extension: '441', label: 'Old style', kind: 'desk_phone', userId: agent.id });
    expectStatus(refused, 400, 'EXTENSION_ON_USER');
    expect(refused.body.error.message).to.match(/extensions are set on the user/i);
    expectStatus(await f.org.api.post(devices(), { label: 'Nobody', kind: 'desk_phone' }), 400, 'VALIDATION_FAILED');
    expect((await f.org.api.get(devices(`?userId=${agent.id}`))).body.devices).to.deep.equal([]);
  });
});
