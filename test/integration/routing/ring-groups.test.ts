// Calls to ring groups through the ARI app (SIPp phones through Asterisk): who rings in which order for each
// strategy (the members' SIPp logs: when their INVITE came), round robin's memory across calls, skip busy,
// failover, and the group's caller-ID prefix in the From the members see. Groups are made through the admin API
// (ring times of at least 5 s).
import { expect } from 'chai';
import type { Phone } from '../../support/phones';
import { until } from '../../support/until';
import { dial, expectCall, invitedAt, useRoutingFixture, wasInvited } from './routing-fixture';

describe('calls to ring groups (SIPp through Asterisk into the ARI app)', function () {
  this.timeout(120_000);
  const f = useRoutingFixture({ account: 'Routing groups org' });
  const users: Record<string, number> = {};
  const phones: Record<string, Phone> = {};
  let nextExtension = 410;

  before(async () => {
    users.caller = await f.addUser('Alice Caller', '401');
    phones.caller = await f.addPhone(users.caller, 'Alice desk');
    for (const [name, extension] of [['xavier', '402'], ['yvonne', '403'], ['zoe', '404']] as const) {
      users[name] = await f.addUser(name, extension);
      phones[name] = await f.addPhone(users[name]!, `${name} desk`);
    }
  });

  async function group(fields: Record<string, unknown>, failover?: number): Promise<{ id: number; extension: string }> {
    const extension = String(nextExtension++);
    return f.ringGroup({ name: `group ${extension}`, extension, ...fields, ...(failover ? { failover: { type: 'user', userId: failover } } : {}) });
  }
  const member = (name: string) => ({ userId: users[name]! });

  it('given ring all with the prefix "Sales", when called, then every member rings showing "Sales: <caller>", one answers and the other gets "Call completed elsewhere"', async () => {
    const { extension } = await group({ strategy: 'ring_all', callerIdPrefix: 'Sales', members: [member('xavier'), member('yvonne')] });
    const x = expectCall(phones.xavier!, 'ring');
    const y = expectCall(phones.yvonne!, 'answer', 800);
    const caller = await (await dial(phones.caller!, extension)).done;
    const [xResult, yResult] = await Promise.all([x.done, y.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(xResult.logged.from_header, 'members see the prefixed caller').to.match(/^\s*"Sales: Alice Caller"\s*<sip:401@/);
    expect(yResult.logged.from_header).to.match(/^\s*"Sales: Alice Caller"/);
    expect(xResult.logged.cancel_reason).to.match(/cause=200;\s*text="Call completed elsewhere"/);
  });

  it('given a linear group, when the first member does not answer within their ring time, then the second rings after and answers', async () => {
    const { extension } = await group({ strategy: 'linear', memberRingSeconds: 5, members: [member('xavier'), member('yvonne')] });
    const x = expectCall(phones.xavier!, 'ring');
    const y = expectCall(phones.yvonne!, 'answer');
    const caller = await (await dial(phones.caller!, extension)).done;
    const [xResult, yResult] = await Promise.all([x.done, y.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    const gap = invitedAt(yResult) - invitedAt(xResult);
    expect(gap, 'ms between the first and the second member ringing').to.be.within(4500, 7000);
  });

  it('given round robin whose last call Yvonne answered, when the next call comes, then Zoe rings first and nobody else', async () => {
    const { id, extension } = await group({ strategy: 'round_robin', memberRingSeconds: 5, members: [member('xavier'), member('yvonne'), member('zoe')] });
    const x = expectCall(phones.xavier!, 'ring');
    const y = expectCall(phones.yvonne!, 'answer');
    expect((await (await dial(phones.caller!, extension)).done).logged.final).to.equal('200');
    const [xResult, yResult] = await Promise.all([x.done, y.done]);
    expect(invitedAt(xResult)).to.be.below(invitedAt(yResult));
    await until('the memory is saved', async () => Number((await f.stack.db('ring_groups').where({ id }).first('next_position'))?.next_position) === 2);

    const z = expectCall(phones.zoe!, 'answer');
    const notX = expectCall(phones.xavier!, 'ring');
    const notY = expectCall(phones.yvonne!, 'ring');
    expect((await (await dial(phones.caller!, extension)).done).logged.final).to.equal('200');
    expect((await z.done).logged.invited).to.equal('yes');
    expect(await wasInvited(notX), 'Xavier not rung').to.equal(false);
    expect(await wasInvited(notY), 'Yvonne not rung').to.equal(false);
  });

  it('given skip busy and Xavier in a call, when the linear group is called, then Yvonne rings first', async () => {
    const busyCall = expectCall(phones.xavier!, 'answer');
    const talking = await dial(phones.zoe!, '402', 6000);
    await until('Xavier is in a call', () => f.app.logs().some((line) => line.message === 'call connected' && line.to === '402'));
    const { extension } = await group({ strategy: 'linear', skipBusy: true, memberRingSeconds: 5, members: [member('xavier'), member('yvonne')] });
    const y = expectCall(phones.yvonne!, 'answer');
    const started = Date.now();
    expect((await (await dial(phones.caller!, extension)).done).logged.final).to.equal('200');
    expect(invitedAt(await y.done) - started, 'Yvonne rang at once, not after Xavier').to.be.below(2000);
    await Promise.all([talking.done, busyCall.done]);
  });

  it('given nobody answers within the total time, when a failover is set, then the call goes to it', async () => {
    const { extension } = await group({ strategy: 'ring_all', totalSeconds: 5, memberRingSeconds: 5, members: [member('xavier')] }, users.zoe);
    const x = expectCall(phones.xavier!, 'ring');
    const z = expectCall(phones.zoe!, 'answer');
    expect((await (await dial(phones.caller!, extension)).done).logged.final).to.equal('200');
    const [xResult, zResult] = await Promise.all([x.done, z.done]);
    expect(invitedAt(zResult) - invitedAt(xResult)).to.be.within(4500, 7000);
  });

  it('given no failover, when nobody answers, then the caller gets 480', async () => {
    const { extension } = await group({ strategy: 'linear', totalSeconds: 5, memberRingSeconds: 5, members: [member('xavier')] });
    const x = expectCall(phones.xavier!, 'ring');
    const result = await (await dial(phones.caller!, extension)).done;
    expect(result.logged.final, result.errors).to.equal('480');
    expect((await x.done).logged.invited).to.equal('yes');
  });
});
