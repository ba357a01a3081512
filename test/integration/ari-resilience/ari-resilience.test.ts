// The ARI app outlives Asterisk restarts and its own: it waits for Asterisk, follows it through a restart,
// and a restarted app takes over connected calls so that hanging up still ends both legs.
import { expect } from 'chai';
import { AriAppProcess } from '../../support/ari-app-process';
import { asteriskCtl } from '../../support/asterisk-control';
import { until } from '../../support/until';
import { useCallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall } from '../../support/phones';

describe('ARI app resilience', function () {
  this.timeout(120_000);
  const f = useCallFixture({ account: 'Resilience org', phones: { alice: '231', bob: '232' } });

  async function callSucceeds(holdMs = 500): Promise<void> {
    const callee = answerCalls(f.phone('bob'), 'callee-answer');
    const [callerResult, calleeResult] = await Promise.all([(await placeCall(f.phone('alice'), '232', holdMs)).done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
  }

  const connections = (): number => f.app.logs().filter((line) => line.message === 'ARI event stream connected').length;

  // Some tests stop Asterisk: whatever happens, the next suites find it running.
  after(() => asteriskCtl('start'));

  it('given a running app, when Asterisk restarts, then the app reconnects by itself and calls go through', async () => {
    const before = connections();
    await asteriskCtl('restart');
    await until('the app reconnected', () => connections() > before, { timeoutMs: 30_000 });
    await callSucceeds();
  });

  it('given Asterisk is down, when the app starts, then it waits and becomes ready once Asterisk is up', async () => {
    await f.app.stop();
    await asteriskCtl('stop');
    f.app = new AriAppProcess();
    const ready = f.app.start();
    await f.app.waitForLog('ARI not reachable', 0, 15_000);
    await asteriskCtl('start');
    await ready;
    await callSucceeds();
  });

  it('given a connected call, when the app is killed and restarted, then it adopts the call and hanging up ends both legs', async () => {
    const since = f.app.mark();
    const callee = answerCalls(f.phone('bob'), 'callee-answer');
    const caller = await placeCall(f.phone('alice'), '232', 8000);
    // If the call fails instead, say how: the caller's SIP outcome is the useful diagnosis.
    await Promise.race([
      f.app.waitForLog('call connected', since),
      caller.done.then((result) => Promise.reject(new Error(`the call ended before connecting: ${JSON.stringify(result.logged)} ${result.errors.slice(0, 600)}`))),
    ]);
    await f.app.stop('SIGKILL');
    f.app = new AriAppProcess();
    await f.app.start();
    await f.app.waitForLog('connected call adopted after reconnect', 0);
    // Alice hangs up at the end of her hold time; only the adopted call can pass that on to Bob.
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, `Bob got the BYE: ${calleeResult.errors}`).to.equal(0);
  });

  it('given a call still ringing, when the app is killed and restarted, then the restarted app ends both legs at once', async () => {
    const callee = answerCalls(f.phone('bob'), 'callee-ring-forever');
    const caller = await placeCall(f.phone('alice'), '232');
    await until("Bob's phone is ringing", async () => (await f.stack.ari.listChannels())
      .some((channel) => channel.name.startsWith(`PJSIP/${f.phone('bob').device.sip.username}-`) && channel.state === 'Ringing'));
    await f.app.stop('SIGKILL');
    f.app = new AriAppProcess();
    const restarted = Date.now();
    await f.app.start();
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(calleeResult.exitCode, `Bob's ringing phone was cancelled: ${calleeResult.errors}`).to.equal(0);
    expect(callerResult.logged.final, callerResult.errors).to.equal('503');
    expect(Date.now() - restarted, 'ended on reconnection, not by a late sweep').to.be.below(5000);
    expect(f.app.logs().filter((line) => line.message === 'orphan channel ended')).to.have.length(2);
  });
});
