// Calls to users through the ARI app's routed call (SIPp phones through Asterisk): every registered device rings
// and the first answer cancels the others with "Call completed elsewhere"; do not disturb; each forwarding
// condition to another user and to "hang up"; a forwarding loop; a change applied to the next call within 1 s.
import { expect } from 'chai';
import type { Destination } from '../../../core/destinations';
import { answerCalls, type Phone } from '../../support/phones';
import { until } from '../../support/until';
import { dial, expectCall, useRoutingFixture, type ForwardKey } from './routing-fixture';

describe('calls to users: devices, do not disturb and forwarding (SIPp through Asterisk into the ARI app)', function () {
  this.timeout(90_000);
  const f = useRoutingFixture({ account: 'Routing users org' });
  const users: Record<string, number> = {};
  const phones: Record<string, Phone> = {};

  before(async () => {
    users.alice = await f.addUser('Alice Caller', '301');
    phones.alice = await f.addPhone(users.alice, 'Alice desk');
    users.bob = await f.addUser('Bob Three Phones', '302');
    phones.bobDesk = await f.addPhone(users.bob, 'Bob desk');
    phones.bobSoft = await f.addPhone(users.bob, 'Bob softphone');
    phones.bobWeb = await f.addPhone(users.bob, 'Bob browser');
    users.carol = await f.addUser('Carol Forwards', '303');
    phones.carol = await f.addPhone(users.carol, 'Carol desk');
    users.dave = await f.addUser('Dave Away', '304');
    phones.dave = await f.addPhone(users.dave, 'Dave desk', { registered: false });
    users.erin = await f.addUser('Erin Target', '305');
    phones.erin = await f.addPhone(users.erin, 'Erin desk');
  });

  /** Sets one forwarding rule of a user (null removes it) and the user's settings through the admin API. */
  async function forward(user: string, condition: ForwardKey, to: Destination | null, settings = { dnd: false, noAnswerSeconds: 20 }): Promise<void> {
    await f.callSettings(users[user]!, { ...settings, forwarding: { [condition]: to } });
  }
  const erin: Destination = { type: 'user', userId: 0 };
  before(() => { (erin as { userId: number }).userId = users.erin!; });

  it('given a user with three registered devices, when called, then all ring, one answers and the others get CANCEL with "Call completed elsewhere"', async () => {
    const answering = expectCall(phones.bobSoft!, 'answer', 800);
    const others = [expectCall(phones.bobDesk!, 'ring'), expectCall(phones.bobWeb!, 'ring')];
    const caller = await dial(phones.alice!, '302', 1000);
    const [callerResult, answered, ...cancelled] = await Promise.all([caller.done, answering.done, ...others.map((agent) => agent.done)]);
    expect(callerResult.logged, callerResult.errors).to.include({ ringing: 'yes', final: '200', hangup: '200' });
    expect(answered.exitCode, answered.errors).to.equal(0);
    for (const result of cancelled) {
      expect(result.exitCode, result.errors).to.equal(0);
      expect(result.logged.cancel_reason, 'the CANCEL says the call was completed elsewhere').to.match(/SIP;\s*cause=200;\s*text="Call completed elsewhere"/);
    }
  });

  it('given do not disturb is switched on, when the change is published, then it applies within one second and the next call gets 486 without ringing', async () => {
    await f.callSettings(users.carol!, { dnd: false, noAnswerSeconds: 20 });
    const ringing = expectCall(phones.carol!, 'answer');
    expect((await (await dial(phones.alice!, '303')).done).logged.final).to.equal('200');
    await ringing.done;

    expect(await f.callSettings(users.carol!, { dnd: true }), 'ms from the change to the ARI app applying it').to.be.below(1000);
    const result = await (await dial(phones.alice!, '303')).done;
    expect(result.logged.final, result.errors).to.equal('486');
    expect(result.logged.ringing, 'no device rang').to.equal(undefined);
    await f.callSettings(users.carol!, { dnd: false });
  });

  it('given Carol forwards always to Erin, when Alice calls Carol, then Erin answers and Carol never rings', async () => {
    await forward('carol', 'always', erin);
    const erinAnswers = expectCall(phones.erin!, 'answer');
    const result = await (await dial(phones.alice!, '303')).done;
    expect(result.logged, result.errors).to.include({ final: '200' });
    expect((await erinAnswers.done).logged.from, "Erin is shown the original caller (Alice's extension)").to.equal('301');
    await forward('carol', 'always', null);
  });

  it('given Carol on do not disturb forwards busy to Erin, when called, then Erin answers', async () => {
    await forward('carol', 'busy', erin, { dnd: true, noAnswerSeconds: 20 });
    const erinAnswers = expectCall(phones.erin!, 'answer');
    const result = await (await dial(phones.alice!, '303')).done;
    expect(result.logged.final, result.errors).to.equal('200');
    expect((await erinAnswers.done).exitCode).to.equal(0);
  });

  it("given Carol's phone is busy and she forwards busy to Erin, when called, then Erin answers", async () => {
    await forward('carol', 'busy', erin);
    const busy = answerCalls(phones.carol!, 'callee-busy');
    const erinAnswers = expectCall(phones.erin!, 'answer');
    const result = await (await dial(phones.alice!, '303')).done;
    expect(result.logged.final, result.errors).to.equal('200');
    expect((await busy.done).exitCode).to.equal(0);
    expect((await erinAnswers.done).exitCode).to.equal(0);
    await forward('carol', 'busy', null);
  });

  it('given Carol forwards on no answer after 5 s to Erin, when Carol does not pick up, then she rings 5 s and Erin answers', async () => {
    await forward('carol', 'noAnswer', erin, { dnd: false, noAnswerSeconds: 5 });
    const carolRings = expectCall(phones.carol!, 'ring');
    const erinAnswers = expectCall(phones.erin!, 'answer');
    const result = await (await dial(phones.alice!, '303')).done;
    expect(result.logged.final, result.errors).to.equal('200');
    const [carol, erinResult] = await Promise.all([carolRings.done, erinAnswers.done]);
    const waited = Number(erinResult.logged.invite_s) - Number(carol.logged.invite_s);
    expect(waited, 'seconds Carol rang before the call moved on').to.be.within(4, 7);
    await forward('carol', 'noAnswer', null);
  });

  it('given Dave has no registered device and forwards unreachable to Erin, when called, then Erin answers; without it the caller gets 480', async () => {
    const plain = await (await dial(phones.alice!, '304')).done;
    expect(plain.logged.final, plain.errors).to.equal('480');
    await forward('dave', 'unreachable', erin);
    const erinAnswers = expectCall(phones.erin!, 'answer');
    const result = await (await dial(phones.alice!, '304')).done;
    expect(result.logged.final, result.errors).to.equal('200');
    expect((await erinAnswers.done).exitCode).to.equal(0);
  });

  it('given forwarding to "hang up", when the condition holds, then the call is hung up normally without ringing anyone', async () => {
    await forward('dave', 'unreachable', { type: 'hangup' });
    const result = await (await dial(phones.alice!, '304')).done;
    expect(result.logged.final, result.errors).to.be.oneOf(['603', '480']);
    expect(result.logged.ringing).to.equal(undefined);
    await forward('dave', 'unreachable', null);
  });

  it('given Carol forwards always to Erin and Erin to Carol, when Alice calls Carol, then the loop ends at once with 483 Too Many Hops and the record says forwarding loop', async () => {
    await forward('carol', 'always', erin);
    await forward('erin', 'always', { type: 'user', userId: users.carol! });
    const started = Date.now();
    const result = await (await dial(phones.alice!, '303')).done;
    // No Q.850 cause gives 483 in chan_pjsip: the app sends the caller to [pbx-sip-response] (PJSIPHangup).
    expect(result.logged.final, result.errors).to.equal('483');
    expect(Date.now() - started, 'ended within a bound, never endless ringing').to.be.below(3000);
    const record = await until('the call record is closed', async () => {
      const row = await f.stack.db('call_records').where({ account_id: f.accountId, outcome_reason: 'forwarding loop' }).first('outcome', 'path');
      return row ?? undefined;
    });
    expect(record.outcome).to.equal('failed');
    await forward('carol', 'always', null);
    await forward('erin', 'always', null);
  });
});
