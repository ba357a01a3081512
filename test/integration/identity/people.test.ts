// Invitations by email (a real SMTP server and the real worker process), groups, custom roles, the audit log,
// and what removing a user does to their sessions and SIP devices.
import { expect } from 'chai';
import { createDeviceService } from '../../../admin-api/devices/service';
import { fixtureDevices } from '../../support/stack';
import { FixtureUsers } from '../../support/device-owners';
import { uniqueName } from '../../support/admin-api';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { until } from '../../support/until';
import { register, type Phone } from '../../support/phones';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

describe('people: invitations, groups, custom roles, audit, removal', function () {
  this.timeout(90_000);
  const f = useOrganization({ name: 'People org', subaccount: 'Call center', mail: true, ariApp: true });

  it('given an invitation, when the emailed link is followed and accepted, then the user is active with the role and the link is spent', async () => {
    const email = `${uniqueName('invitee')}@example.test`;
    const invited = await f.org.api.post(`/v1/accounts/${f.subaccountId}/invitations`, { fullName: 'Ivy Invitee', email, roleId: await presetRoleId(f.org.api, f.subaccountId, 'admin') });
    expectStatus(invited, 202);
    const pending = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users?status=invited`);
    expect(pending.body.users.map((user: { email: string }) => user.email)).to.include(email);

    const mail = await f.smtp.waitFor(email);
    expect(mail.subject).to.equal('You are invited to Call center');
    const link = /(http:\/\/\S+\/v1\/invitations\/pbxi_[A-Za-z0-9_-]+)/.exec(mail.body)?.[1];
    expect(link, mail.body).to.be.a('string');
    const path = link!.slice(f.api.client.base.length);
    const shown = await f.api.client.get(path);
    expectStatus(shown, 200);
    expect(shown.body).to.include({ account: 'Call center', role: 'Admin', username: email, passwordRequired: true });

    expectStatus(await f.api.client.post(`${path}/accept`, { password: 'short' }), 400, 'PASSWORD_REJECTED');
    const accepted = await f.api.client.post(`${path}/accept`, { password: 'a long enough passphrase' });
    expectStatus(accepted, 200);
    const ivy = await f.api.client.login(email, 'a long enough passphrase');
    expectStatus(await ivy.get(`/v1/accounts/${f.subaccountId}/users`), 200);
    expectStatus(await f.api.client.post(`${path}/accept`, { password: 'a long enough passphrase' }), 404, 'INVITATION_NOT_FOUND');
  });

  it('given an invited user removed by an admin, when the old emailed link is accepted, then it is refused and they stay removed', async () => {
    const email = `${uniqueName('removed')}@example.test`;
    const invited = await f.org.api.post(`/v1/accounts/${f.subaccountId}/invitations`, { fullName: 'Rex Removed', email, roleId: await presetRoleId(f.org.api, f.subaccountId, 'admin') });
    expectStatus(invited, 202);
    const mail = await f.smtp.waitFor(email);
    const link = /(http:\/\/\S+\/v1\/invitations\/pbxi_[A-Za-z0-9_-]+)/.exec(mail.body)?.[1];
    const pending = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users?status=invited`);
    const rex = (pending.body.users as { id: number; email: string }[]).find((user) => user.email === email);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/users/${rex!.id}/remove`, {}), 204);
    const path = link!.slice(f.api.client.base.length);
    expectStatus(await f.api.client.post(`${path}/accept`, { password: 'a long enough passphrase' }), 404, 'INVITATION_NOT_FOUND');
    const after = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users/${rex!.id}`);
    expect(after.body.membership.status).to.equal('deactivated');
    const login = await f.api.client.post('/v1/auth/login', { username: email, password: 'a long enough passphrase' });
    expect(login.status).to.equal(401);
  });

  it('given an Admin, when inviting someone as Owner, then 403 and no email is sent', async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const email = `${uniqueName('nope')}@example.test`;
    const response = await admin.api.post(`/v1/accounts/${f.subaccountId}/invitations`, { fullName: 'No Pe', email, roleId: await presetRoleId(f.org.api, f.subaccountId, 'owner') });
    expectStatus(response, 403, 'RANK_ABOVE_YOURS');
    expect(await f.api.db('users').where({ email }).first()).to.equal(undefined);
  });

  it('given groups with a manager, when users are listed by group, then only members appear and a user can be in several', async () => {
    const [agent1, agent2, supervisor] = await Promise.all([addUser(f.org.api, f.subaccountId, 'agent'), addUser(f.org.api, f.subaccountId, 'agent'), addUser(f.org.api, f.subaccountId, 'supervisor')]);
    const sales = await f.org.api.post(`/v1/accounts/${f.subaccountId}/groups`, { name: 'Sales', managerUserId: supervisor.id, memberIds: [agent1.id, agent2.id] });
    expectStatus(sales, 201);
    const support = await f.org.api.post(`/v1/accounts/${f.subaccountId}/groups`, { name: 'Support', memberIds: [agent2.id] });
    const inSales = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users?groupId=${sales.body.id}`);
    expect(inSales.body.users.map((user: { id: number }) => user.id).sort()).to.deep.equal([agent1.id, agent2.id].sort());
    const inSupport = await f.org.api.get(`/v1/accounts/${f.subaccountId}/users?groupId=${support.body.id}`);
    expect(inSupport.body.users.map((user: { id: number }) => user.id)).to.deep.equal([agent2.id]);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/groups`, { name: 'Sales' }), 409, 'GROUP_NAME_TAKEN');
    expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/groups`, { name: 'Strangers', memberIds: [f.org.userId + 999_999] }), 422, 'USER_NOT_IN_ACCOUNT');
  });

  it('given a custom "QA Reviewer" role, when edited, then holders keep their copy until it is re-applied', async () => {
    const created = await f.org.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'QA Reviewer', type: 'unit', rank: 5, permissions: ['accounts.read', 'pages.recordings', 'quality.review'] });
    expectStatus(created, 201);
    const reviewer = await addUser(f.org.api, f.subaccountId, 'qa', created.body.id);
    expectStatus(await reviewer.api.get(`/v1/accounts/${f.subaccountId}`), 200);
    expectStatus(await reviewer.api.get(`/v1/accounts/${f.subaccountId}/users`), 403, 'PERMISSION_DENIED');

    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}/roles/${created.body.id}`, { permissions: ['accounts.read', 'pages.recordings', 'quality.review', 'users.read'] }), 200);
    expectStatus(await reviewer.api.get(`/v1/accounts/${f.subaccountId}/users`), 403, 'PERMISSION_DENIED');
    const reapplied = await f.org.api.post(`/v1/accounts/${f.subaccountId}/roles/${created.body.id}/reapply`);
    expect(reapplied.body).to.deep.equal({ updated: 1 });
    expectStatus(await reviewer.api.get(`/v1/accounts/${f.subaccountId}/users`), 200);
  });

  it('given a Manager, when creating a role with a permission they lack, then 403 naming it', async () => {
    const manager = await addUser(f.org.api, f.subaccountId, 'manager');
    const managerRole = await presetRoleId(f.org.api, f.subaccountId, 'manager');
    // A Manager cannot manage roles at all; give one a custom role that can, but without audit.read.
    const roleMaker = await f.org.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'Role maker', type: 'unit', rank: 8, permissions: ['accounts.read', 'roles.read', 'roles.manage'] });
    expectStatus(await f.org.api.put(`/v1/accounts/${f.subaccountId}/users/${manager.id}/role`, { roleId: roleMaker.body.id }), 200);
    const response = await manager.api.post(`/v1/accounts/${f.subaccountId}/roles`, { name: 'Snoop', type: 'unit', rank: 3, permissions: ['audit.read'] });
    expectStatus(response, 403, 'PERMISSION_NOT_HELD');
    expect(response.body.error.details.missing).to.deep.equal(['audit.read']);
    expect(managerRole).to.be.a('number');
  });

  it('given writes in the account, then the audit log shows who did what with before and after, to admins only', async () => {
    const entries = await f.org.api.get(`/v1/accounts/${f.subaccountId}/audit?limit=100`);
    expectStatus(entries, 200);
    const roleEdit = entries.body.entries.find((entry: { action: string }) => entry.action === 'role.update');
    expect(roleEdit).to.include({ actorUserId: f.org.userId, entity: 'role' });
    expect(roleEdit.before.permissions).not.to.include('users.read');
    expect(roleEdit.after.permissions).to.include('users.read');
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    expectStatus(await agent.api.get(`/v1/accounts/${f.subaccountId}/audit`), 403, 'PERMISSION_DENIED');
  });

  it("given a user with a registered SIP phone, when removed from the account, then their token stops working and their phone is refused at once", async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const owners = new FixtureUsers(f.api.db, f.api.notifier, f.api.config, f.api.logger);
    const devices = fixtureDevices(createDeviceService({ db: f.api.db, notifier: f.api.notifier, config: f.api.config, logger: f.api.logger }), owners, f.api.logger);
    const device = await devices.create(f.subaccountId, { extension: '501', label: 'Agent desk', kind: 'desk_phone', userId: agent.id });
    const rtp = new RtpPeer(await freeRtpPort());
    const phone: Phone = { device, uasPort: await freeUdpPort(), rtp };
    try {
      expect((await register(phone)).logged.final).to.equal('200');
      expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/users/${agent.id}/remove`, {}), 204);
      expectStatus(await agent.api.get('/v1/me'), 401, 'TOKEN_INVALID');
      expectStatus(await f.api.client.post('/v1/auth/login', { username: agent.username, password: agent.password }), 403, 'USER_NOT_ACTIVE');
      // Asterisk applies a disabled endpoint's ACL when authenticating it: its REGISTER is refused.
      await until('the phone is refused', async () => ['401', '403'].includes((await register(phone)).logged.final ?? ''), { timeoutMs: 5000, intervalMs: 200 });
      expect(await f.api.db('ps_contacts').where({ endpoint: device.sip.username })).to.be.empty;
    } finally {
      rtp.close();
      await devices.remove(f.subaccountId, device.id);
    }
  });
});
