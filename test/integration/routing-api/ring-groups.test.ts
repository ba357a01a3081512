// Ring groups through the API: CRUD with routing.manage (reading with users.read), members and failover checked
// against the account, extensions from the account's plan, 409 while something routes calls to a group (or to a
// user being removed), and concurrent edits that each leave a whole group.
import { expect } from 'chai';
import { grantRoutingManage } from '../../../db/migrations/20261130000032_routing_permission';
import { addUser, expectStatus } from '../identity/helpers';
import { giveTrunk, routingEventAfter, streamPosition, uniqueNumber, useRoutingFixture } from './helpers';

const NOTHING = { always: null, busy: null, noAnswer: null, unreachable: null };
// JSON columns: MariaDB hands them back as text or, through the driver, already parsed.
const permissionsOf = (row: { permissions: string | string[] }): string[] => (typeof row.permissions === 'string' ? JSON.parse(row.permissions) as string[] : row.permissions);

describe('routing API: ring groups', function () {
  this.timeout(60_000);
  const f = useRoutingFixture('Ring Group Corp');
  const groups = (accountId = f.accountId): string => `/v1/accounts/${accountId}/ring-groups`;
  let extensionSeed = 700;
  const nextExtension = (): string => String((extensionSeed += 1));

  async function createGroup(body: Record<string, unknown> = {}): Promise<{ id: number; extension: string; name: string }> {
    const response = await f.admin.api.post(groups(), { name: `Group ${nextExtension()}`, extension: nextExtension(), ...body });
    expectStatus(response, 201);
    return response.body;
  }

  it('given a unit Admin, when they create a ring group, then it is stored with defaults, listed, and a routing change event follows', async () => {
    const position = await streamPosition(f.api.redis);
    const created = await f.admin.api.post(groups(), {
      name: 'Sales', extension: '600', strategy: 'linear', memberRingSeconds: 15, totalSeconds: 90, skipBusy: true, callerIdPrefix: 'Sales',
      members: [{ userId: f.agent.id }, { userId: f.agent2.id, ringSeconds: 25 }], failover: { type: 'user', userId: f.admin.id },
    });
    expectStatus(created, 201);
    expect(created.body).to.deep.include({
      name: 'Sales', extension: '600', strategy: 'linear', memberRingSeconds: 15, totalSeconds: 90, skipBusy: true, callerIdPrefix: 'Sales',
      members: [{ userId: f.agent.id, ringSeconds: null }, { userId: f.agent2.id, ringSeconds: 25 }], failover: { type: 'user', userId: f.admin.id },
    });
    expect(await routingEventAfter(f.api.redis, position, f.accountId)).to.include({ kind: 'routing' });
    const plain = await createGroup();
    expect(plain).to.deep.include({ strategy: 'ring_all', memberRingSeconds: 20, totalSeconds: 60, skipBusy: false, callerIdPrefix: null, members: [], failover: null });
    const listed = await f.manager.api.get(groups());
    expectStatus(listed, 200);
    expect(listed.body.ringGroups.map((group: { id: number }) => group.id)).to.include.members([created.body.id, plain.id]);
    expect((await f.manager.api.get(`${groups()}/${created.body.id}`)).body).to.deep.equal(created.body);
    const plan = await f.api.db('account_extensions').where({ account_id: f.accountId, extension: '600' }).first('owner_type', 'owner_id');
    expect(plan).to.deep.equal({ owner_type: 'ring_group', owner_id: created.body.id });
  });

  it('given a Manager (no routing.manage), when they create, edit or delete a ring group, then 403; an Agent cannot even read them', async () => {
    const group = await createGroup();
    expectStatus(await f.manager.api.post(groups(), { name: 'Managers', extension: nextExtension() }), 403, 'PERMISSION_DENIED');
    expectStatus(await f.manager.api.put(`${groups()}/${group.id}`, { name: 'Renamed', extension: group.extension }), 403, 'PERMISSION_DENIED');
    expectStatus(await f.manager.api.delete(`${groups()}/${group.id}`), 403, 'PERMISSION_DENIED');
    expectStatus(await f.agent.api.get(groups()), 403, 'PERMISSION_DENIED');
  });

  it('given a taken name or extension, then 409 naming what holds it', async () => {
    const group = await createGroup();
    expectStatus(await f.admin.api.post(groups(), { name: group.name, extension: nextExtension() }), 409, 'RING_GROUP_NAME_TAKEN');
    const taken = await f.admin.api.post(groups(), { name: 'Another', extension: group.extension });
    expectStatus(taken, 409, 'EXTENSION_TAKEN');
    expect(taken.body.error.details.owner).to.include({ type: 'ring_group', id: group.id });
  });

  it('given members or a failover from another account, then 422 and nothing stored; another account\'s group is 404', async () => {
    const theirs = await f.org.api.post(groups(f.otherAccountId), { name: 'Theirs', extension: '600' });
    expectStatus(theirs, 201);
    const before = (await f.admin.api.get(groups())).body.ringGroups.length;
    const outsider = await f.admin.api.post(groups(), { name: 'Mixed', extension: nextExtension(), members: [{ userId: f.agent.id }, { userId: f.outsider.id }] });
    expectStatus(outsider, 422, 'USER_NOT_IN_ACCOUNT');
    expect(outsider.body.error.details.fields).to.deep.equal([{ path: '/members/1/userId', message: 'is not a member of this account' }]);
    expectStatus(await f.admin.api.post(groups(), { name: 'Failing over', extension: nextExtension(), failover: { type: 'ring_group', ringGroupId: theirs.body.id } }), 422, 'DESTINATION_NOT_FOUND');
    expectStatus(await f.admin.api.post(groups(), { name: 'Failing over', extension: nextExtension(), failover: { type: 'user', userId: f.outsider.id } }), 422, 'DESTINATION_NOT_FOUND');
    expect((await f.admin.api.get(groups())).body.ringGroups.length).to.equal(before);
    expectStatus(await f.admin.api.get(`${groups()}/${theirs.body.id}`), 404, 'RING_GROUP_NOT_FOUND');
    expectStatus(await f.admin.api.put(`${groups()}/${theirs.body.id}`, { name: 'Mine now', extension: nextExtension() }), 404, 'RING_GROUP_NOT_FOUND');
    expectStatus(await f.admin.api.delete(`${groups()}/${theirs.body.id}`), 404, 'RING_GROUP_NOT_FOUND');
    expectStatus(await f.admin.api.get(groups(f.otherAccountId)), 404, 'ACCOUNT_NOT_FOUND');
  });

  it('given external members, then refused without a trunk (422 NO_TRUNK_FOR_EXTERNAL) and accepted with one; a repeated member is 422', async () => {
    const number = uniqueNumber();
    const body = { name: 'With outside', extension: nextExtension(), members: [{ userId: f.agent.id }, { number, ringSeconds: 30 }] };
    expectStatus(await f.admin.api.post(groups(), body), 422, 'NO_TRUNK_FOR_EXTERNAL');
    expectStatus(await f.admin.api.post(groups(), { ...body, members: [{ userId: f.agent.id }, { userId: f.agent.id }] }), 422, 'DUPLICATE_MEMBER');
    await giveTrunk(f, [f.accountId]);
    const created = await f.admin.api.post(groups(), body);
    expectStatus(created, 201);
    expect(created.body.members).to.deep.equal([{ userId: f.agent.id, ringSeconds: null }, { number, ringSeconds: 30 }]);
  });

  it('given malformed bodies, then 400', async () => {
    const base = { name: 'Malformed', extension: nextExtension() };
    const bad = [
      { name: 'No extension' }, { ...base, strategy: 'everyone' }, { ...base, memberRingSeconds: 4 }, { ...base, totalSeconds: 601 },
      { ...base, members: [{ userId: f.agent.id, number: '+15551234567' }] }, { ...base, members: [{ number: '5551234' }] },
      { ...base, callerIdPrefix: 'Sales "team"' }, { ...base, failover: { type: 'ring_group' } }, { ...base, extension: '0' }, { ...base, colour: 'red' },
    ];
    for (const body of bad) expectStatus(await f.admin.api.post(groups(), body), 400, 'VALIDATION_FAILED');
  });

  it('given a group that forwarding and another group\'s failover point at, when it is deleted, then 409 naming both; once cleared, 204 and its extension is free', async () => {
    const target = await createGroup();
    const pointing = await createGroup({ failover: { type: 'ring_group', ringGroupId: target.id } });
    expectStatus(await f.agent.api.put(`/v1/me/accounts/${f.accountId}/call-settings`, { dnd: false, noAnswerSeconds: 20, forwarding: { ...NOTHING, busy: { type: 'ring_group', ringGroupId: target.id } } }), 200);
    const refused = await f.admin.api.delete(`${groups()}/${target.id}`);
    expectStatus(refused, 409, 'DESTINATION_IN_USE');
    expect(refused.body.error.details.referrers).to.have.deep.members([
      { ownerType: 'user', ownerId: f.agent.id, name: 'agent user', slot: 'forward_busy' },
      { ownerType: 'ring_group', ownerId: pointing.id, name: pointing.name, slot: 'failover' },
    ]);
    expectStatus(await f.admin.api.put(`${groups()}/${pointing.id}`, { name: pointing.name, extension: pointing.extension }), 200);
    expectStatus(await f.agent.api.put(`/v1/me/accounts/${f.accountId}/call-settings`, { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING }), 200);
    expectStatus(await f.admin.api.delete(`${groups()}/${target.id}`), 204);
    expectStatus(await f.admin.api.get(`${groups()}/${target.id}`), 404);
    expectStatus(await f.admin.api.post(groups(), { name: 'Reuses the extension', extension: target.extension }), 201);
  });

  it('given a group failing over to itself, then 422 FAILOVER_TO_SELF', async () => {
    const group = await createGroup();
    expectStatus(await f.admin.api.put(`${groups()}/${group.id}`, { name: group.name, extension: group.extension, failover: { type: 'ring_group', ringGroupId: group.id } }), 422, 'FAILOVER_TO_SELF');
  });

  it('given a user whom a group rings and a colleague forwards to, when they are removed from the account, then 409 naming both; once cleared, removed and their own forwarding gone', async () => {
    const leaving = await addUser(f.org.api, f.accountId, 'agent');
    const group = await createGroup({ members: [{ userId: leaving.id }] });
    expectStatus(await f.agent2.api.put(`/v1/me/accounts/${f.accountId}/call-settings`, { dnd: false, noAnswerSeconds: 20, forwarding: { ...NOTHING, always: { type: 'user', userId: leaving.id } } }), 200);
    expectStatus(await leaving.api.put(`/v1/me/accounts/${f.accountId}/call-settings`, { dnd: true, noAnswerSeconds: 20, forwarding: { ...NOTHING, busy: { type: 'user', userId: f.agent.id } } }), 200);
    const refused = await f.admin.api.post(`/v1/accounts/${f.accountId}/users/${leaving.id}/remove`, {});
    expectStatus(refused, 409, 'DESTINATION_IN_USE');
    expect(refused.body.error.details.referrers).to.have.deep.members([
      { ownerType: 'user', ownerId: f.agent2.id, name: 'agent user', slot: 'forward_always' },
      { ownerType: 'ring_group', ownerId: group.id, name: group.name, slot: 'member' },
    ]);
    expect((await f.admin.api.get(`/v1/accounts/${f.accountId}/users/${leaving.id}`)).body.membership.status).to.equal('active');
    expectStatus(await f.admin.api.put(`${groups()}/${group.id}`, { name: group.name, extension: group.extension, members: [] }), 200);
    expectStatus(await f.agent2.api.put(`/v1/me/accounts/${f.accountId}/call-settings`, { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING }), 200);
    expectStatus(await f.admin.api.post(`/v1/accounts/${f.accountId}/users/${leaving.id}/remove`, {}), 204);
    expect(await f.api.db('destinations').where({ account_id: f.accountId, owner_type: 'user', owner_id: leaving.id }).count('* as n').first()).to.deep.equal({ n: 0 });
    expect(await f.api.db('call_settings').where({ account_id: f.accountId, user_id: leaving.id }).first()).to.equal(undefined);
  });

  it('given two admins replacing the same group at once, then the group is one of the two whole, never a mix of member lists', async () => {
    const group = await createGroup();
    const users = [f.agent.id, f.agent2.id, f.admin.id, f.manager.id];
    const first = { name: group.name, extension: group.extension, strategy: 'linear', members: users.map((userId) => ({ userId })) };
    const second = { name: `${group.name} B`, extension: nextExtension(), strategy: 'random', members: [...users].reverse().slice(0, 3).map((userId) => ({ userId, ringSeconds: 10 })) };
    for (let round = 0; round < 5; round += 1) {
      const [a, b] = await Promise.all([f.admin.api.put(`${groups()}/${group.id}`, first), f.org.api.put(`${groups()}/${group.id}`, second)]);
      expectStatus(a, 200);
      expectStatus(b, 200);
      const now = (await f.admin.api.get(`${groups()}/${group.id}`)).body;
      const whole = [a.body, b.body].filter((candidate) => JSON.stringify(candidate) === JSON.stringify(now));
      expect(whole, JSON.stringify(now)).to.have.length(1);
      const positions = await f.api.db('ring_group_members').where({ ring_group_id: group.id }).orderBy('position').pluck('user_id');
      expect(positions.map(Number)).to.deep.equal(now.members.map((member: { userId: number }) => member.userId));
    }
  });

  it('given existing memberships and custom roles holding users.manage, when the permission migration runs, then they hold routing.manage too; others do not', async () => {
    const role = await f.org.api.post(`/v1/accounts/${f.accountId}/roles`, { name: 'Old Admin', type: 'unit', rank: 3, permissions: ['accounts.read', 'users.manage'] });
    expectStatus(role, 201);
    const held = await f.api.db('roles').where({ id: role.body.id }).first('permissions');
    expect(permissionsOf(held)).not.to.include('routing.manage');
    const agentBefore = await f.api.db('memberships').where({ user_id: f.agent.id, account_id: f.accountId }).first('permissions');
    await f.api.db('memberships').where({ user_id: f.admin.id, account_id: f.accountId })
      .update({ permissions: f.api.db.raw("JSON_REMOVE(permissions, JSON_UNQUOTE(JSON_SEARCH(permissions, 'one', 'routing.manage')))") });
    await grantRoutingManage(f.api.db);
    await grantRoutingManage(f.api.db);
    const roleAfter = permissionsOf(await f.api.db('roles').where({ id: role.body.id }).first('permissions'));
    expect(roleAfter.filter((permission) => permission === 'routing.manage')).to.have.length(1);
    const adminAfter = permissionsOf(await f.api.db('memberships').where({ user_id: f.admin.id, account_id: f.accountId }).first('permissions'));
    expect(adminAfter.filter((permission) => permission === 'routing.manage')).to.have.length(1);
    expect(await f.api.db('memberships').where({ user_id: f.agent.id, account_id: f.accountId }).first('permissions')).to.deep.equal(agentBefore);
  });
});
