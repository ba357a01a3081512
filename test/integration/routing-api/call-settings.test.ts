// Call settings through the API: your own (/v1/me/accounts/:accountId/call-settings, any member) and someone
// else's (users.manage, yourself or users below you); destinations checked against the account; per account; a
// routing change event after each change.
import { expect } from 'chai';
import { addUser, expectStatus } from '../identity/helpers';
import { giveTrunk, routingEventAfter, streamPosition, uniqueNumber, useRoutingFixture } from './helpers';

const NOTHING = { always: null, busy: null, noAnswer: null, unreachable: null };

describe('routing API: call settings', function () {
  this.timeout(60_000);
  const f = useRoutingFixture('Call Settings Corp');
  const own = (accountId = f.accountId): string => `/v1/me/accounts/${accountId}/call-settings`;
  const of = (userId: number, accountId = f.accountId): string => `/v1/accounts/${accountId}/users/${userId}/call-settings`;

  it('given a user who never set anything, when they read their call settings, then the defaults: no DND, 20 s, nothing forwarded', async () => {
    const response = await f.agent.api.get(own());
    expectStatus(response, 200);
    expect(response.body).to.deep.equal({ dnd: false, noAnswerSeconds: 20, forwarding: NOTHING });
  });

  it('given an Agent, when they set DND and forwarding to a colleague, then it is stored, shown, and a routing change event follows', async () => {
    const position = await streamPosition(f.api.redis);
    const settings = { dnd: true, noAnswerSeconds: 15, forwarding: { ...NOTHING, busy: { type: 'user', userId: f.agent2.id }, noAnswer: { type: 'hangup' } } };
    const put = await f.agent.api.put(own(), settings);
    expectStatus(put, 200);
    expect(put.body).to.deep.equal(settings);
    expect((await f.agent.api.get(own())).body).to.deep.equal(settings);
    expect((await f.admin.api.get(of(f.agent.id))).body).to.deep.equal(settings);
    expect(await routingEventAfter(f.api.redis, position, f.accountId)).to.include({ kind: 'routing', accountId: f.accountId });
    const rows = await f.api.db('destinations').where({ account_id: f.accountId, owner_type: 'user', owner_id: f.agent.id }).orderBy('slot').pluck('slot');
    expect(rows).to.deep.equal(['forward_busy', 'forward_no_answer']);
  });

  it('given an Agent, when they try to read or set someone else\'s call settings, then 403', async () => {
    expectStatus(await f.agent.api.get(of(f.agent2.id)), 403, 'PERMISSION_DENIED');
    expectStatus(await f.agent.api.put(of(f.agent2.id), { dnd: true, noAnswerSeconds: 20, forwarding: NOTHING }), 403, 'PERMISSION_DENIED');
  });

  it('given a unit Admin, when they set an Agent\'s settings, then it works; an Owner\'s (ranked above them), then 403', async () => {
    const settings = { dnd: false, noAnswerSeconds: 30, forwarding: { ...NOTHING, always: { type: 'user', userId: f.agent.id } } };
    expectStatus(await f.admin.api.put(of(f.agent2.id), settings), 200);
    expect((await f.agent2.api.get(own())).body).to.deep.equal(settings);
    const owner = await f.org.api.put(of(f.admin.id), settings);
    expectStatus(owner, 200);
    const boss = await addUser(f.org.api, f.accountId, 'admin');
    expectStatus(await f.admin.api.put(of(boss.id), settings), 403, 'TARGET_NOT_BELOW_YOU');
    expectStatus(await boss.api.put(of(f.admin.id), { ...settings, forwarding: NOTHING }), 200);
    expectStatus(await f.admin.api.put(of(f.admin.id), { ...settings, dnd: true }), 200);
    expectStatus(await f.admin.api.put(of(f.agent2.id), { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING }), 200);
  });

  it('given a user, when they forward to themselves, then 422 FORWARD_TO_SELF naming the rule', async () => {
    const response = await f.agent.api.put(own(), { dnd: false, noAnswerSeconds: 20, forwarding: { ...NOTHING, unreachable: { type: 'user', userId: f.agent.id } } });
    expectStatus(response, 422, 'FORWARD_TO_SELF');
    expect(response.body.error.details.fields[0].path).to.equal('/forwarding/unreachable');
  });

  it('given another account\'s user or an unknown ring group as the destination, then 422 DESTINATION_NOT_FOUND and nothing stored', async () => {
    const before = (await f.agent2.api.get(own())).body;
    for (const destination of [{ type: 'user', userId: f.outsider.id }, { type: 'ring_group', ringGroupId: 999999999 }]) {
      const response = await f.agent2.api.put(own(), { dnd: true, noAnswerSeconds: 20, forwarding: { ...NOTHING, busy: destination } });
      expectStatus(response, 422, 'DESTINATION_NOT_FOUND');
      expect(response.body.error.details.fields[0].path).to.equal('/forwarding/busy');
    }
    expect((await f.agent2.api.get(own())).body).to.deep.equal(before);
  });

  it('given a queue, menu or voicemail destination, then 422 DESTINATION_NOT_AVAILABLE until those exist', async () => {
    for (const destination of [{ type: 'queue', queueId: 1 }, { type: 'ivr', ivrId: 1 }, { type: 'voicemail', voicemailBoxId: 1 }]) {
      expectStatus(await f.agent2.api.put(own(), { dnd: false, noAnswerSeconds: 20, forwarding: { ...NOTHING, noAnswer: destination } }), 422, 'DESTINATION_NOT_AVAILABLE');
    }
  });

  it('given an external number, when the account has no trunk then 422 NO_TRUNK_FOR_EXTERNAL; once a trunk serves it, 409 FORWARD_NEEDS_DIALER_ACCESS until the user may dial out, then accepted', async () => {
    const external = { type: 'external', number: uniqueNumber() };
    const settings = { dnd: false, noAnswerSeconds: 20, forwarding: { ...NOTHING, noAnswer: external } };
    expectStatus(await f.agent2.api.put(own(), settings), 422, 'NO_TRUNK_FOR_EXTERNAL');
    const trunkNumber = uniqueNumber();
    await giveTrunk(f, [f.accountId], [{ number: trunkNumber, account: f.accountId }]);
    // Forwarding outside dials out at the account's expense: the user's dialer access, whoever sets it.
    for (const put of [() => f.agent2.api.put(own(), settings), () => f.admin.api.put(of(f.agent2.id), settings)]) {
      const refused = await put();
      expectStatus(refused, 409, 'FORWARD_NEEDS_DIALER_ACCESS');
      expect(refused.body.error.details.fields).to.deep.equal([{ path: '/forwarding/noAnswer', message: "needs the user's dialer access" }]);
    }
    expect((await f.agent2.api.get(own())).body.forwarding.noAnswer).to.equal(null);
    const numbers = (await f.admin.api.get(`/v1/accounts/${f.accountId}/numbers?q=${encodeURIComponent(trunkNumber.slice(1))}`)).body.numbers as { id: number; number: string }[];
    const numberId = numbers.find((number) => number.number === trunkNumber)?.id;
    expectStatus(await f.org.api.put(`/v1/accounts/${f.accountId}/users/${f.agent2.id}/dialer-access`, { numberId }), 200);
    expectStatus(await f.agent2.api.put(own(), settings), 200);
    expect((await f.agent2.api.get(own())).body.forwarding.noAnswer).to.deep.equal(external);
    expectStatus(await f.agent2.api.put(own(), { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING }), 200);
  });

  it('given malformed bodies, then 400 and nothing stored', async () => {
    const base = { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING };
    const bad = [
      { ...base, noAnswerSeconds: 4 }, { ...base, noAnswerSeconds: 121 }, { ...base, dnd: 'yes' }, { dnd: false, noAnswerSeconds: 20 },
      { ...base, forwarding: { ...NOTHING, busy: { type: 'external', number: '5551234' } } },
      { ...base, forwarding: { ...NOTHING, busy: { type: 'user', userId: 0 } } },
      { ...base, forwarding: { ...NOTHING, busy: { type: 'user', userId: 1, extra: true } } },
      { ...base, forwarding: { ...NOTHING, sometimes: null } }, { ...base, color: 'blue' },
    ];
    for (const body of bad) expectStatus(await f.agent2.api.put(own(), body), 400, 'VALIDATION_FAILED');
  });

  it('given another account\'s user, when an Admin reads or sets their settings here, then 404; in an account you are not in, 404', async () => {
    expectStatus(await f.admin.api.get(of(f.outsider.id)), 404, 'USER_NOT_FOUND');
    expectStatus(await f.admin.api.put(of(f.outsider.id), { dnd: true, noAnswerSeconds: 20, forwarding: NOTHING }), 404, 'USER_NOT_FOUND');
    expectStatus(await f.agent.api.get(own(f.otherAccountId)), 404, 'ACCOUNT_NOT_FOUND');
    expectStatus(await f.admin.api.get(of(f.outsider.id, f.otherAccountId)), 404, 'ACCOUNT_NOT_FOUND');
  });

  it('given a user in two accounts, when they forward differently in each, then each account keeps its own', async () => {
    // A second membership, as an accepted invitation would leave it.
    await f.api.db('memberships').insert({ user_id: f.agent2.id, account_id: f.otherAccountId, role_name: 'Agent', rank: 4, permissions: JSON.stringify(['accounts.read']), reaches_descendants: false, status: 'active' });
    const here = { dnd: false, noAnswerSeconds: 20, forwarding: { ...NOTHING, busy: { type: 'user', userId: f.agent.id } } };
    const there = { dnd: true, noAnswerSeconds: 40, forwarding: { ...NOTHING, busy: { type: 'user', userId: f.outsider.id } } };
    expectStatus(await f.agent2.api.put(own(f.accountId), here), 200);
    expectStatus(await f.agent2.api.put(own(f.otherAccountId), there), 200);
    expect((await f.agent2.api.get(own(f.accountId))).body).to.deep.equal(here);
    expect((await f.agent2.api.get(own(f.otherAccountId))).body).to.deep.equal(there);
    expectStatus(await f.agent2.api.put(own(f.otherAccountId), { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING }), 200);
    expectStatus(await f.agent2.api.put(own(f.accountId), { dnd: false, noAnswerSeconds: 20, forwarding: NOTHING }), 200);
    await f.api.db('memberships').where({ user_id: f.agent2.id, account_id: f.otherAccountId }).delete();
  });

  it("given an Organization Owner who also holds a low direct membership in the subaccount, when the subaccount's Admin sets their call settings, then 403: they are above the Admin", async () => {
    const agentRole = await f.api.db('roles').where({ preset_key: 'agent' }).first('id', 'name', 'rank', 'permissions');
    // A second, lower membership where they already reach from above (as older data can hold).
    await f.api.db('memberships').insert({
      user_id: f.org.userId, account_id: f.accountId, role_id: agentRole.id, role_name: agentRole.name, rank: agentRole.rank,
      permissions: typeof agentRole.permissions === 'string' ? agentRole.permissions : JSON.stringify(agentRole.permissions), reaches_descendants: false, status: 'active',
    });
    try {
      const path = `/v1/accounts/${f.accountId}/users/${f.org.userId}/call-settings`;
      const put = await f.admin.api.put(path, { dnd: true, noAnswerSeconds: 20, forwarding: { always: null, busy: null, noAnswer: null, unreachable: null } });
      expect(put.status, JSON.stringify(put.body)).to.equal(403);
    } finally {
      await f.api.db('memberships').where({ user_id: f.org.userId, account_id: f.accountId }).delete();
    }
  });
});
