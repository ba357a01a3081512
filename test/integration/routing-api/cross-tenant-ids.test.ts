// Another organization's admin, on their own account's paths, naming our ids: ring groups, users' call settings,
// ring-group members and forwarding targets. The route table checks the account; these check that every id is
// then looked up within that account, so nothing of ours is read, changed or routed to.
import { expect } from 'chai';
import { removeAccountTree, startTestApi, type TestApi } from '../../support/admin-api';
import { addUser, expectStatus } from '../identity/helpers';

describe('routing API: ids of another organization on your own paths', function () {
  this.timeout(60_000);
  let api: TestApi;
  let victim: Awaited<ReturnType<TestApi['organization']>>;
  let intruder: Awaited<ReturnType<TestApi['organization']>>;
  let victimUserId: number;
  let victimGroupId: number;

  before(async () => {
    api = await startTestApi();
    victim = await api.organization('Routing Victim Corp');
    intruder = await api.organization('Routing Intruder Inc');
    const agent = await addUser(victim.api, victim.accountId, 'admin');
    victimUserId = agent.id;
    expectStatus(await victim.api.patch(`/v1/accounts/${victim.accountId}/users/${agent.id}`, { extension: '611' }), 200);
    const group = await victim.api.post(`/v1/accounts/${victim.accountId}/ring-groups`, { name: 'Victim Sales', extension: '612', members: [{ userId: agent.id }] });
    expectStatus(group, 201);
    victimGroupId = group.body.id;
  });

  after(async () => {
    if (victim) await removeAccountTree(api.db, victim.accountId);
    if (intruder) await removeAccountTree(api.db, intruder.accountId);
    await api?.close();
  });

  it('given our ring group id, when another organization reads, replaces or deletes it under its own account, then 404 and our group is unchanged', async () => {
    const own = `/v1/accounts/${intruder.accountId}/ring-groups/${victimGroupId}`;
    for (const response of [
      await intruder.api.get(own),
      await intruder.api.put(own, { name: 'Taken over', extension: '700', members: [] }),
      await intruder.api.delete(own),
    ]) {
      expect(response.status, JSON.stringify(response.body)).to.equal(404);
      expect(JSON.stringify(response.body)).not.to.include('Victim Sales');
    }
    const ours = await victim.api.get(`/v1/accounts/${victim.accountId}/ring-groups/${victimGroupId}`);
    expectStatus(ours, 200);
    expect(ours.body).to.include({ name: 'Victim Sales', extension: '612' });
  });

  it("given our user's id, when another organization reads or sets their call settings under its own account, then 404 and nothing changes", async () => {
    const own = `/v1/accounts/${intruder.accountId}/users/${victimUserId}/call-settings`;
    expect((await intruder.api.get(own)).status).to.equal(404);
    const put = await intruder.api.put(own, { dnd: true, noAnswerSeconds: 20, forwarding: { always: { type: 'external', number: '+19005550100' }, busy: null, noAnswer: null, unreachable: null } });
    expect(put.status, JSON.stringify(put.body)).to.be.oneOf([404, 422]);
    const settings = await victim.api.get(`/v1/accounts/${victim.accountId}/users/${victimUserId}/call-settings`);
    expectStatus(settings, 200);
    expect(settings.body.dnd).to.equal(false);
    expect(settings.body.forwarding.always).to.equal(null);
  });

  it('given our user and ring group, when another organization makes them a member, a failover or a forward target, then 422 and nothing routes to them', async () => {
    const intruderAdmin = intruder.api;
    const group = await intruderAdmin.post(`/v1/accounts/${intruder.accountId}/ring-groups`, { name: 'Stolen', extension: '620', members: [{ userId: victimUserId }] });
    expect(group.status, JSON.stringify(group.body)).to.equal(422);
    const failover = await intruderAdmin.post(`/v1/accounts/${intruder.accountId}/ring-groups`, {
      name: 'Stolen failover', extension: '621', members: [], failover: { type: 'ring_group', ringGroupId: victimGroupId },
    });
    expect(failover.status, JSON.stringify(failover.body)).to.equal(422);
    const forward = await intruderAdmin.put(`/v1/me/accounts/${intruder.accountId}/call-settings`, {
      dnd: false, noAnswerSeconds: 20, forwarding: { always: { type: 'user', userId: victimUserId }, busy: null, noAnswer: null, unreachable: null },
    });
    expect(forward.status, JSON.stringify(forward.body)).to.equal(422);
    const referrers = await api.db('destinations').where({ target_type: 'user', target_id: victimUserId }).whereNot({ account_id: victim.accountId });
    expect(referrers).to.deep.equal([]);
  });
});
