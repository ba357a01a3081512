// Issue 7.1 across two organizations: inviting the username of another organization's user makes only a
// pending invitation, which that user answers while signed in; until then (and for their profile, always) the
// inviting organization has no handle on them, and its answers do not tell whether the username existed.
import { expect } from 'chai';
import { removeAccountTree, startTestApi, uniqueName, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus, presetRoleId } from './helpers';

type Organization = Awaited<ReturnType<TestApi['organization']>>;
type User = Awaited<ReturnType<typeof addUser>>;

describe('invitations of existing users across organizations', function () {
  this.timeout(60_000);
  let api: TestApi;
  let orgA: Organization;
  let orgB: Organization;
  let adminRoleB: number;

  before(async () => {
    api = await startTestApi();
    orgA = await api.organization('Invitee Org A');
    orgB = await api.organization('Inviter Org B');
    adminRoleB = await presetRoleId(orgB.api, orgB.accountId, 'admin');
  });

  after(async () => {
    if (orgA) await removeAccountTree(api.db, orgA.accountId);
    if (orgB) await removeAccountTree(api.db, orgB.accountId);
    await api?.close();
  });

  const invite = (username: string, email = `${uniqueName('typed')}@attacker.test`) =>
    orgB.api.post(`/v1/accounts/${orgB.accountId}/invitations`, { fullName: 'Typed By B', email, roleId: adminRoleB, username });
  const listOfB = async () => (await orgB.api.get(`/v1/accounts/${orgB.accountId}/invitations`)).body.invitations as Record<string, unknown>[];
  const usersOfB = async () => ((await orgB.api.get(`/v1/accounts/${orgB.accountId}/users`)).body.users as { id: number }[]).map((user) => user.id);

  async function invitedUserOfA(): Promise<User & { invitationId: number }> {
    const user = await addUser(orgA.api, orgA.accountId, 'admin');
    const invited = await invite(user.username);
    expectStatus(invited, 202);
    return { ...user, invitationId: invited.body.invitationId };
  }

  it("given org B's owner, when inviting org A's user by username, then 202 but the user is not B's and B can neither see, edit nor remove them", async () => {
    const alice = await addUser(orgA.api, orgA.accountId, 'admin');
    const before = (await alice.api.get('/v1/me')).body;
    const invited = await invite(alice.username);
    expectStatus(invited, 202);
    expect(invited.body).to.have.keys('invitationId', 'username', 'state', 'expiresAt');
    expect(invited.body).to.include({ username: alice.username, state: 'pending' });

    expect(await usersOfB()).not.to.include(alice.id);
    expectStatus(await orgB.api.get(`/v1/accounts/${orgB.accountId}/users/${alice.id}`), 404, 'USER_NOT_FOUND');
    expectStatus(await orgB.api.patch(`/v1/accounts/${orgB.accountId}/users/${alice.id}`, { email: 'hijacked@attacker.test', fullName: 'Owned' }), 404, 'USER_NOT_FOUND');
    expectStatus(await orgB.api.post(`/v1/accounts/${orgB.accountId}/users/${alice.id}/remove`, {}), 404, 'USER_NOT_FOUND');

    const shown = (await listOfB()).find((invitation) => invitation.id === invited.body.invitationId);
    expect(shown).to.include({ username: alice.username, state: 'pending', role: 'Admin' });
    expect(JSON.stringify(await listOfB())).not.to.include(before.email);
    const after = (await alice.api.get('/v1/me')).body;
    expect(after).to.deep.equal(before);
    expect(after.status).to.equal('active');
    expect((await alice.api.get('/v1/me/accounts')).body.accounts.map((account: { id: number }) => account.id)).to.deep.equal([orgA.accountId]);
  });

  it('given a pending invitation, when the invited user accepts it, then they are a member with the role, yet B cannot edit their profile', async () => {
    const alice = await invitedUserOfA();
    const received = (await alice.api.get('/v1/me/invitations')).body.invitations;
    expect(received).to.have.length(1);
    expect(received[0]).to.deep.include({ id: alice.invitationId, account: { id: orgB.accountId, name: 'Inviter Org B' }, role: 'Admin', state: 'pending' });

    const accepted = await alice.api.post(`/v1/me/invitations/${alice.invitationId}/accept`);
    expectStatus(accepted, 200);
    expect(accepted.body).to.deep.equal({ accountId: orgB.accountId, role: 'Admin' });
    const reachable = (await alice.api.get('/v1/me/accounts')).body.accounts.map((account: { id: number }) => account.id);
    expect(reachable).to.have.members([orgA.accountId, orgB.accountId]);
    expect(await usersOfB()).to.include(alice.id);
    expect((await listOfB()).find((invitation) => invitation.id === alice.invitationId)).to.include({ state: 'accepted' });
    expectStatus(await alice.api.post(`/v1/me/invitations/${alice.invitationId}/accept`), 404, 'INVITATION_NOT_FOUND');

    const before = (await alice.api.get('/v1/me')).body;
    expectStatus(await orgB.api.patch(`/v1/accounts/${orgB.accountId}/users/${alice.id}`, { email: 'hijacked@attacker.test' }), 403, 'PROFILE_MANAGED_ELSEWHERE');
    expect((await alice.api.get('/v1/me')).body).to.deep.equal(before);
    // The organization that created her still manages her profile.
    expectStatus(await orgA.api.patch(`/v1/accounts/${orgA.accountId}/users/${alice.id}`, { fullName: 'Alice Renamed By A' }), 200);
    expect((await alice.api.get('/v1/me')).body.fullName).to.equal('Alice Renamed By A');
  });

  it('given a pending invitation, when B revokes it (DELETE or POST .../revoke), then the user no longer sees it and cannot accept it', async () => {
    const bob = await invitedUserOfA();
    expectStatus(await orgB.api.delete(`/v1/accounts/${orgB.accountId}/invitations/${bob.invitationId}`), 204);
    expect((await bob.api.get('/v1/me/invitations')).body.invitations).to.deep.equal([]);
    expectStatus(await bob.api.post(`/v1/me/invitations/${bob.invitationId}/accept`), 404, 'INVITATION_NOT_FOUND');
    expect((await listOfB()).find((invitation) => invitation.id === bob.invitationId)).to.include({ state: 'revoked' });
    expectStatus(await orgB.api.post(`/v1/accounts/${orgB.accountId}/invitations/${bob.invitationId}/revoke`), 409, 'INVITATION_CLOSED');

    const again = await invite(bob.username);
    expectStatus(again, 202);
    expectStatus(await orgB.api.post(`/v1/accounts/${orgB.accountId}/invitations/${again.body.invitationId}/revoke`), 204);
    expect(await usersOfB()).not.to.include(bob.id);
    // Another organization cannot revoke B's invitations.
    expectStatus(await orgA.api.delete(`/v1/accounts/${orgB.accountId}/invitations/${again.body.invitationId}`), 404, 'ACCOUNT_NOT_FOUND');
  });

  it('given a revoked invitation of a new user, when the username is invited again, then it is a new-user invitation again (emailed link)', async () => {
    const username = uniqueName('newbie');
    const first = await invite(username);
    expectStatus(first, 202);
    expect((await orgB.api.get(`/v1/accounts/${orgB.accountId}/users?status=invited`)).body.users.map((user: { username: string }) => user.username)).to.include(username);
    expectStatus(await orgB.api.delete(`/v1/accounts/${orgB.accountId}/invitations/${first.body.invitationId}`), 204);
    expect((await orgB.api.get(`/v1/accounts/${orgB.accountId}/users?status=invited`)).body.users.map((user: { username: string }) => user.username)).not.to.include(username);
    const again = await invite(username);
    expectStatus(again, 202);
    expect(await api.db('invitations').where({ id: again.body.invitationId }).first('kind')).to.deep.equal({ kind: 'new_user' });
  });

  it('given a pending invitation, when the invited user declines it, then B sees "declined" and the user is not a member', async () => {
    const carol = await invitedUserOfA();
    expectStatus(await carol.api.post(`/v1/me/invitations/${carol.invitationId}/decline`), 204);
    expect((await carol.api.get('/v1/me/invitations')).body.invitations).to.deep.equal([]);
    expect((await listOfB()).find((invitation) => invitation.id === carol.invitationId)).to.include({ state: 'declined' });
    expect(await usersOfB()).not.to.include(carol.id);
    expectStatus(await carol.api.post(`/v1/me/invitations/${carol.invitationId}/accept`), 404, 'INVITATION_NOT_FOUND');
  });

  it("given someone else's invitation, when a user tries to accept or decline it, then 404 as if it did not exist", async () => {
    const dave = await invitedUserOfA();
    const eve = await addUser(orgA.api, orgA.accountId, 'admin');
    expectStatus(await eve.api.post(`/v1/me/invitations/${dave.invitationId}/accept`), 404, 'INVITATION_NOT_FOUND');
    expectStatus(await eve.api.post(`/v1/me/invitations/${dave.invitationId}/decline`), 404, 'INVITATION_NOT_FOUND');
    expect(await usersOfB()).not.to.include(eve.id);
  });

  it('given an existing and an unknown username, when B invites each, then the answers are alike (no probing), also when repeated', async () => {
    const existing = await addUser(orgA.api, orgA.accountId, 'admin');
    const unknown = uniqueName('nobody');
    const first = [await invite(existing.username), await invite(unknown)] as const;
    const shape = (body: Record<string, unknown>) => ({ keys: Object.keys(body).sort(), state: body.state, expiresIn: Math.round((Date.parse(String(body.expiresAt)) - Date.now()) / 60_000) });
    expect(first.map((response) => response.status)).to.deep.equal([202, 202]);
    expect(shape(first[0].body)).to.deep.equal(shape(first[1].body));
    expect([first[0].body.username, first[1].body.username]).to.deep.equal([existing.username, unknown]);

    const repeated = [await invite(existing.username), await invite(unknown)];
    expect(repeated.map((response) => [response.status, response.body.error.code])).to.deep.equal([[409, 'ALREADY_INVITED'], [409, 'ALREADY_INVITED']]);

    const ids = first.map((response) => response.body.invitationId);
    const listed = (await listOfB()).filter((invitation) => ids.includes(invitation.id));
    expect(listed.map((invitation) => Object.keys(invitation).sort().join())).to.deep.equal(['createdAt,decidedAt,expiresAt,id,role,state,username', 'createdAt,decidedAt,expiresAt,id,role,state,username']);
    expect(listed.map((invitation) => invitation.state)).to.deep.equal(['pending', 'pending']);
  });

  it("given an invitation whose inviter was removed from B before the answer, when accepted, then 409 and no membership: the inviter's rights are checked again", async () => {
    const inviter = await addUser(orgB.api, orgB.accountId, 'admin');
    const frank = await addUser(orgA.api, orgA.accountId, 'admin');
    const invited = await inviter.api.post(`/v1/accounts/${orgB.accountId}/invitations`, { fullName: 'X', email: 'x@attacker.test', roleId: adminRoleB, username: frank.username });
    expectStatus(invited, 202);
    expectStatus(await orgB.api.post(`/v1/accounts/${orgB.accountId}/users/${inviter.id}/remove`, {}), 204);
    const answer = await frank.api.post(`/v1/me/invitations/${invited.body.invitationId}/accept`);
    expectStatus(answer, 409, 'INVITATION_NO_LONGER_VALID');
    expect(answer.body.error.details).to.deep.equal({ reason: 'INVITER_NO_LONGER_ALLOWED' });
    expect(await usersOfB()).not.to.include(frank.id);
  });
});
