import { expect } from 'chai';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { until } from '../../support/until';
import { register, type Phone } from '../../support/phones';
import { addUser, expectStatus, useOrganization } from '../identity/helpers';

/** Polls REGISTER until it gets the wanted final status; returns how long the change took to apply. */
async function registerUntil(phone: Phone, wanted: string[], password?: string): Promise<number> {
  const started = Date.now();
  await until(`REGISTER answered ${wanted.join(' or ')}`, async () => wanted.includes((await register(phone, password)).logged.final ?? ''), { timeoutMs: 5000, intervalMs: 50 });
  return Date.now() - started;
}

describe('devices over the admin API (HTTP, MariaDB, Asterisk, SIPp)', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Devices org', subaccount: 'Devices desk', ariApp: true });
  let phone: Phone;
  let deviceId: number;
  let agent: Awaited<ReturnType<typeof addUser>>;

  before(async () => {
    agent = await addUser(f.org.api, f.subaccountId, 'agent');
    // The extension is the user's (issue 9): the device rings on it.
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}/users/${agent.id}`, { extension: '301' }), 200);
    const created = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: 'Reception desk', kind: 'desk_phone', userId: agent.id });
    expectStatus(created, 201);
    deviceId = created.body.id;
    phone = { device: created.body, uasPort: await freeUdpPort(), rtp: new RtpPeer(await freeRtpPort()) };
  });
  after(() => phone?.rtp.close());

  it('given a new device, then admin and owner get its provisioning details, and it registers with them', async () => {
    const { sip } = phone.device;
    expect(sip).to.include({ server: f.api.config.sip.publicHost, port: f.api.config.sip.port, transport: 'udp' });
    // Scanners try extension numbers and weak passwords: neither is a device's credential.
    expect(sip.username).to.match(/^[a-z0-9]{8,}$/i);
    expect(sip.username).to.not.include('301');
    expect(sip.password).to.have.length.of.at.least(20);
    const own = await agent.api.get('/v1/me/devices');
    expectStatus(own, 200);
    expect(own.body.devices).to.have.length(1);
    expect(own.body.devices[0].sip).to.deep.equal(sip);
    expect((await register(phone)).logged.final).to.equal('200');

    const listed = await f.org.api.get(`/v1/accounts/${f.subaccountId}/devices`);
    expectStatus(listed, 200);
    const [device] = listed.body.devices;
    expect(device).to.include({ id: deviceId, extension: '301', kind: 'desk_phone', enabled: true, userId: agent.id });
    expect(device).to.not.have.property('sip');
    expect(device.registration.registered).to.equal(true);
    expect(device.registration.contacts[0].userAgent).to.equal('SIPp device');
    // ARI's view: Asterisk tracks the new endpoint's state (after the debounced sync of new endpoints).
    await until('ARI reports the endpoint online', async () => {
      const one = await f.org.api.get(`/v1/accounts/${f.subaccountId}/devices/${deviceId}`);
      return one.body.registration.endpointState === 'online';
    }, { timeoutMs: 5000, intervalMs: 200 });
  });

  it('given a rotated password, then the old one is refused at the next REGISTER within a second, and the new one works', async () => {
    const oldPassword = phone.device.sip.password;
    const rotated = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices/${deviceId}/password`);
    expectStatus(rotated, 200);
    expect(rotated.body.sip.password).to.not.equal(oldPassword);
    // The registration made with the old password is dropped with it.
    expect(rotated.body.registration.registered).to.equal(false);
    expect(await registerUntil(phone, ['401', '403'], oldPassword)).to.be.below(1000);
    phone.device = rotated.body;
    expect((await register(phone)).logged.final).to.equal('200');
  });

  it('given the device disabled, then its next REGISTER is refused within a second; enabled again, it registers', async () => {
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}/devices/${deviceId}`, { enabled: false }), 200);
    expect(await registerUntil(phone, ['401', '403'])).to.be.below(1000);
    const enabled = await f.org.api.patch(`/v1/accounts/${f.subaccountId}/devices/${deviceId}`, { enabled: true, label: 'Front desk' });
    expectStatus(enabled, 200);
    expect(enabled.body).to.include({ enabled: true, label: 'Front desk' });
    expect(await registerUntil(phone, ['200'])).to.be.below(1000);
    // The caller ID is the user's name and extension, whatever the device's label.
    expect((await f.api.db('ps_endpoints').where({ id: phone.device.sip.username }).first()).callerid).to.equal('"agent user" <301>');
  });

  it('given a WebRTC phone, then its endpoint is fit for browsers and its settings point at the WebSocket', async () => {
    const created = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: 'Browser', kind: 'webrtc', userId: agent.id });
    expectStatus(created, 201);
    expect(created.body.sip).to.include({ transport: 'ws', websocketUrl: f.api.config.sip.websocketUrl });
    const row = await f.api.db('ps_endpoints').where({ id: created.body.sipUsername }).first();
    expect(row).to.include({ webrtc: 'yes', transport: 'transport-ws', dtls_auto_generate_cert: 'yes' });
    expect(row.allow.split(',')).to.include.members(['opus', 'ulaw']);
    expectStatus(await f.org.api.delete(`/v1/accounts/${f.subaccountId}/devices/${created.body.id}`), 204);
  });

  it('given bad input or no right, then a clear 4xx and nothing written', async () => {
    const before = await f.api.db('devices').where({ account_id: f.subaccountId }).count({ n: '*' }).first();
    const bad = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: '', kind: 'fax' });
    expectStatus(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details.fields.map((field: { path: string }) => field.path)).to.include.members(['/userId', '/label', '/kind']);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: 'X', kind: 'softphone', userId: null }), 400, 'VALIDATION_FAILED');
    const withExtension = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { extension: '303', label: 'X', kind: 'softphone', userId: agent.id });
    expectStatus(withExtension, 400, 'EXTENSION_ON_USER');
    expect(withExtension.body.error.message).to.match(/extensions are set on the user/i);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: 'X', kind: 'softphone', userId: 999999999 }), 422, 'USER_NOT_IN_ACCOUNT');
    expectStatus(await agent.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: 'X', kind: 'softphone', userId: agent.id }), 403, 'PERMISSION_DENIED');
    expectStatus(await f.org.api.get(`/v1/accounts/${f.subaccountId}/devices/999999999`), 404);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices/${deviceId}/password`, { password: 'mine' }), 400);
    // Someone else's device is not found through /me.
    expectStatus(await agent.api.post(`/v1/me/accounts/${f.subaccountId}/devices/999999999/password`), 404);
    const afterCount = await f.api.db('devices').where({ account_id: f.subaccountId }).count({ n: '*' }).first();
    expect(afterCount).to.deep.equal(before);
  });

  it('given the owner rotating their own device\'s password, then the account\'s audit names them', async () => {
    const own = await agent.api.post(`/v1/me/accounts/${f.subaccountId}/devices/${deviceId}/password`);
    expectStatus(own, 200);
    phone.device = own.body;
    const audit = await f.org.api.get(`/v1/accounts/${f.subaccountId}/audit`);
    const rotations = audit.body.entries.filter((entry: { action: string; entityId: string }) => entry.action === 'device.rotate_password' && String(entry.entityId) === String(deviceId));
    expect(rotations.map((entry: { actorUserId: number }) => entry.actorUserId)).to.include(agent.id);
  });

  it('given the device deleted, then its next REGISTER is refused within a second and the audit log names each change', async () => {
    expectStatus(await f.org.api.delete(`/v1/accounts/${f.subaccountId}/devices/${deviceId}`), 204);
    expect(await registerUntil(phone, ['401', '403'])).to.be.below(1000);
    const audit = await f.org.api.get(`/v1/accounts/${f.subaccountId}/audit`);
    const actions = audit.body.entries.filter((entry: { entityId: string }) => String(entry.entityId) === String(deviceId)).map((entry: { action: string }) => entry.action);
    expect(actions).to.include.members(['device.create', 'device.rotate_password', 'device.update', 'device.delete']);
  });
});
