// Profiles, preferences, account removal, invitation expiry and address throttling over HTTP.
import { expect } from 'chai';
import { newToken } from '../../../core/secrets';
import { removeAccountTree, uniqueName } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId, useOrganization } from './helpers';

describe('profiles, preferences and account lifecycle', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Profiles org', subaccount: 'Profiles phones' });

  it('given a user, when they set their preferences, then /v1/me shows them and a bad time zone is refused by name', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const updated = await agent.api.patch('/v1/me', { language: 'fr', theme: 'dark', timezone: 'Europe/Paris', phoneMode: 'webrtc' });
    expectStatus(updated, 200);
    expect(updated.body).to.include({ language: 'fr', theme: 'dark', timezone: 'Europe/Paris', phoneMode: 'webrtc' });
    expect((await agent.api.get('/v1/me')).body).to.include({ theme: 'dark' });
    const bad = await agent.api.patch('/v1/me', { timezone: 'Europe/Atlantis' });
    expectStatus(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details.fields).to.deep.include({ path: '/timezone', message: 'must be an IANA time zone such as America/New_York' });
  });

  it("given an Admin, when editing an Agent's profile, then it changes; an Owner's profile is out of reach", async () => {
    const admin = await addUser(f.org.api, f.subaccountId, 'admin');
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const owner = await addUser(f.org.api, f.subaccountId, 'owner');
    const edited = await admin.api.patch(`/v1/accounts/${f.subaccountId}/users/${agent.id}`, { fullName: 'Agent Renamed', email: 'renamed@example.test' });
    expectStatus(edited, 200);
    expect(edited.body).to.include({ fullName: 'Agent Renamed', email: 'renamed@example.test' });
    expect((await admin.api.get(`/v1/accounts/${f.subaccountId}/users/${agent.id}`)).body).to.include({ fullName: 'Agent Renamed' });
    expectStatus(await admin.api.patch(`/v1/accounts/${f.subaccountId}/users/${owner.id}`, { fullName: 'Nope' }), 403, 'TARGET_NOT_BELOW_YOU');
    expectStatus(await admin.api.patch(`/v1/accounts/${f.subaccountId}/users/${agent.id}`, { email: 'not-an-email' }), 400, 'VALIDATION_FAILED');
  });

  it('given a subaccount, when its own Owner tries to remove it, then 403; when the Organization Owner does, then it is gone', async () => {
    const doomed = (await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Short-lived' })).body.id;
    const owner = await addUser(f.org.api, doomed, 'owner');
    expectStatus(await owner.api.delete(`/v1/accounts/${doomed}`), 403, 'PERMISSION_DENIED');
    expectStatus(await f.org.api.delete(`/v1/accounts/${f.org.accountId}`), 403, 'CANNOT_REMOVE_OWN_ACCOUNT');
    expectStatus(await f.org.api.delete(`/v1/accounts/${doomed}`), 204);
    const audit = await f.org.api.get(`/v1/accounts/${f.org.accountId}/audit`);
    expect(audit.body.entries.find((entry: { action: string }) => entry.action === 'account.delete')).to.include({ entityId: String(doomed), actorUserId: f.org.userId });
    expectStatus(await f.org.api.get(`/v1/accounts/${doomed}`), 404, 'ACCOUNT_NOT_FOUND');
    expectStatus(await owner.api.get('/v1/me'), 200);
    expect((await owner.api.get('/v1/me/accounts')).body.accounts).to.deep.equal([]);
  });

  it('given an expired invitation, when its link is followed, then 410 and it cannot be accepted', async () => {
    const email = `${uniqueName('late')}@example.test`;
    const invited = await f.org.api.post(`/v1/accounts/${f.subaccountId}/invitations`, { fullName: 'Late Larry', email, roleId: await presetRoleId(f.org.api, f.subaccountId, 'agent') });
    expectStatus(invited, 202);
    // The worker is not running here: the token is minted the way it would, and the invitation made old.
    const { token, hash } = newToken('invitation');
    await f.api.db('invitations').where({ id: invited.body.invitationId }).update({ token_hash: hash, sent_at: f.api.db.fn.now(), expires_at: new Date(Date.now() - 1000) });
    expectStatus(await f.api.client.get(`/v1/invitations/${token}`), 410, 'INVITATION_EXPIRED');
    expectStatus(await f.api.client.post(`/v1/invitations/${token}/accept`, { password: 'a long enough passphrase' }), 410, 'INVITATION_EXPIRED');
    expect(await f.api.db('users').where({ email }).first('status')).to.deep.equal({ status: 'invited' });
  });

  it('given thirty failed logins from one address across usernames, when another login comes from it, then 429', async () => {
    const victim = await f.api.organization('Address throttle org');
    try {
      for (let attempt = 0; attempt < 30; attempt += 1) {
        expectStatus(await f.api.client.post('/v1/auth/login', { username: `nobody-${attempt}-${uniqueName('x')}`, password: 'wrong-password' }), 401);
      }
      expectStatus(await f.api.client.post('/v1/auth/login', { username: victim.username, password: victim.password }), 429, 'TOO_MANY_ATTEMPTS');
    } finally {
      await f.api.redis.del('pbx:login-failures:address:127.0.0.1');
      await removeAccountTree(f.api.db, victim.accountId);
    }
  });
});
