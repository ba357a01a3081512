// What a caller hears when the call cannot be connected, and what the PBX refuses outright.
import { expect } from 'chai';
import { createTestAccount, removeTestAccount } from '../../support/stack';
import { useCallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall, provisionPhone, register, registerOrFail, type Phone } from '../../support/phones';

describe('internal call outcomes when the callee cannot take the call', function () {
  this.timeout(60_000);
  // Carol has a device but it never registers.
  const f = useCallFixture({ account: 'Outcomes org', appEnv: { RING_TIMEOUT_SECONDS: '3' }, phones: { alice: '211', bob: '212', carol: '213' }, unregistered: ['carol'] });
  const phone = (name: string): Phone => f.phone(name);

  it('given Bob is busy, when Alice calls him, then Alice gets 486 Busy Here', async () => {
    const callee = answerCalls(phone('bob'), 'callee-busy');
    const caller = await placeCall(phone('alice'), '212');
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged.final, callerResult.errors).to.equal('486');
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
  });

  it('given Bob never picks up, when the ring timeout passes, then Bob is cancelled and Alice gets 480', async () => {
    const callee = answerCalls(phone('bob'), 'callee-ring-forever');
    const started = Date.now();
    const caller = await placeCall(phone('alice'), '212');
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ ringing: 'yes', final: '480' });
    expect(calleeResult.exitCode, `Bob's phone saw the CANCEL: ${calleeResult.errors}`).to.equal(0);
    expect(Date.now() - started, 'gave up after the configured 3 s ring timeout').to.be.within(2500, 10_000);
  });

  it('given Carol is not registered, when Alice calls her, then Alice gets 480 Temporarily Unavailable at once', async () => {
    const caller = await placeCall(phone('alice'), '213');
    const result = await caller.done;
    expect(result.logged.final, result.errors).to.equal('480');
    expect(result.logged.ringing, 'no ringback for a phone that cannot ring').to.equal(undefined);
  });

  it('given no extension 299 in the account, when Alice dials it, then the dial flow (catch-all rows) refuses it with 404', async () => {
    const mark = f.app.mark();
    const caller = await placeCall(phone('alice'), '299');
    const result = await caller.done;
    expect(result.logged.final, result.errors).to.equal('404');
    expect(f.app.logs().slice(mark).some((line) => line.message === 'call entered Stasis' && line.flow === 'dial' && line.dialed === '299')).to.equal(true);
  });

  it("given a phone of another account, when it dials an extension that exists only in this account, then it gets 404", async () => {
    const otherAccount = await createTestAccount(f.stack, 'Neighbour org');
    try {
      const neighbour = await provisionPhone(f.stack, otherAccount, '219', 'Neighbour');
      await registerOrFail(neighbour);
      const result = await (await placeCall(neighbour, '211')).done;
      expect(result.logged.final, result.errors).to.equal('404');
      neighbour.rtp.close();
    } finally {
      await removeTestAccount(f.stack, otherAccount);
    }
  });

  it('given a wrong password, when a phone registers or calls, then it gets 401 and no call is placed', async () => {
    const registration = await register(phone('bob'), 'not-the-password');
    expect(registration.logged.final, registration.errors).to.equal('401');

    const entered = f.app.logs().filter((line) => line.message === 'call entered Stasis').length;
    const alice = phone('alice');
    const impostor: Phone = { ...alice, device: { ...alice.device, sip: { ...alice.device.sip, password: 'guessed-wrong' } } };
    const result = await (await placeCall(impostor, '212')).done;
    expect(result.logged.final, result.errors).to.equal('401');
    expect(f.app.logs().filter((line) => line.message === 'call entered Stasis').length).to.equal(entered);
  });

  it('given a connected call, when another call to an unreachable phone fails meanwhile, then the connected call is unaffected', async () => {
    const since = f.app.mark();
    const callee = answerCalls(phone('bob'), 'callee-answer');
    const caller = await placeCall(phone('alice'), '212', 4000);
    await f.app.waitForLog('call connected', since);
    // A second call from Bob's number to the unregistered Carol fails while Alice and Bob talk.
    const failing = await (await placeCall(phone('bob'), '213')).done;
    expect(failing.logged.final, failing.errors).to.equal('480');
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
  });
});

describe('internal call while the ARI app is not connected', function () {
  this.timeout(60_000);
  // The app runs once so Asterisk loads the new account's context, then goes away.
  const f = useCallFixture({ account: 'App down org', phones: { alice: '221', bob: '222' }, withoutApp: true });
  const phone = (name: string): Phone => f.phone(name);

  it('when Alice calls Bob, then she hears the "temporarily unavailable" announcement as early media and gets 503, never silence', async () => {
    const result = await (await placeCall(phone('alice'), '222')).done;
    expect(result.logged, result.errors).to.include({ early_media: 'yes', final: '503' });
    // Both prompts play in full: "all circuits are busy now" (1.8 s) and "please try your call later" (2.2 s),
    // about 200 packets of 20 ms. A missing prompt leaves 91 or 109.
    expect(phone('alice').rtp.received, 'audio packets of the whole announcement').to.be.at.least(170);
  });
});

describe('admission control: the ARI app refuses calls it cannot carry', function () {
  this.timeout(60_000);
  const f = useCallFixture({ account: 'Admission org', appEnv: { MAX_ACTIVE_CALLS: '1' }, phones: { alice: '241', bob: '242', carol: '243' } });
  const phone = (name: string): Phone => f.phone(name);

  it('given the app carries its maximum of calls, when another call arrives, then it is refused with 503 at once and the carried call goes on', async () => {
    const since = f.app.mark();
    const callee = answerCalls(phone('bob'), 'callee-answer');
    const caller = await placeCall(phone('alice'), '242', 3000);
    await f.app.waitForLog('call connected', since);

    const started = Date.now();
    const refused = await (await placeCall(phone('carol'), '241')).done;
    expect(refused.logged.final, refused.errors).to.equal('503');
    expect(Date.now() - started, 'refused early, not after ringing').to.be.below(2000);
    expect(f.app.logs().slice(since).some((line) => line.message === 'call refused' && line.why === 'at-capacity')).to.equal(true);

    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
  });
});
