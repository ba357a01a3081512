// The ARI app outlives Asterisk restarts and its own: it waits for Asterisk, follows it through a restart,
// and a restarted app takes over connected calls so that hanging up still ends both legs. After a SIGKILL
// the figures that matter are printed: how soon new calls work again, and that no channel is left behind.
import { expect } from 'chai';
import { AriAppProcess } from '../../support/ari-app-process';
import { asteriskCtl } from '../../support/asterisk-control';
import { until } from '../../support/until';
import { useCallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall } from '../../support/phones';

describe('ARI app resilience', function () {
  this.timeout(120_000);
  const EXTENSIONS: Record<string, string> = { alice: '231', bob: '232', carol: '233', dave: '234' };
  const f = useCallFixture({ account: 'Resilience org', phones: EXTENSIONS });

  async function callSucceeds(holdMs = 500, from = 'alice', to = 'bob'): Promise<void> {
    const callee = answerCalls(f.phone(to), 'callee-answer');
    const [callerResult, calleeResult] = await Promise.all([(await placeCall(f.phone(from), EXTENSIONS[to]!, holdMs)).done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
  }

  /** Restarts the killed app and places a new call between two idle phones as soon as it is ready: the time
   *  from the restart to that call's answer is what a user waits before calls work again. */
  async function restartAndCallAgain(): Promise<{ readyMs: number; newCallMs: number }> {
    const restarted = Date.now();
    f.app = new AriAppProcess();
    await f.app.start();
    const readyMs = Date.now() - restarted;
    const since = f.app.mark();
    const callee = answerCalls(f.phone('dave'), 'callee-answer', 0);
    const caller = await placeCall(f.phone('carol'), EXTENSIONS.dave!, 300);
    await Promise.race([f.app.waitForLog('call connected', since, 10_000), caller.done]);
    const newCallMs = Date.now() - restarted;
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, `a new call after the restart: ${callerResult.errors}`).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
    return { readyMs, newCallMs };
  }

  /** Channels of this suite's phones still in Asterisk, and bridges holding any channel at all of them. */
  async function leftInAsterisk(): Promise<{ channels: string[]; bridges: string[] }> {
    const names = Object.values(f.phones).map((phone) => `PJSIP/${phone.device.sip.username}-`);
    const [channels, bridges] = await Promise.all([f.stack.ari.listChannels(), f.stack.ari.listBridges()]);
    const ours = channels.filter((channel) => names.some((name) => channel.name.startsWith(name)));
    const ids = new Set(ours.map((channel) => channel.id));
    return { channels: ours.map((channel) => channel.name), bridges: bridges.filter((bridge) => bridge.channels.some((id) => ids.has(id))).map((bridge) => bridge.id) };
  }

  async function expectNothingLeft(what: string): Promise<number> {
    const start = Date.now();
    await until(`no channel or bridge of the suite's phones is left (${what})`, async () => {
      const left = await leftInAsterisk();
      return left.channels.length === 0 && left.bridges.length === 0;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    return Date.now() - start;
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
    const { readyMs, newCallMs } = await restartAndCallAgain();
    await f.app.waitForLog('connected call adopted after reconnect', 0);
    // Alice hangs up at the end of her hold time; only the adopted call can pass that on to Bob.
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, `Bob got the BYE: ${calleeResult.errors}`).to.equal(0);
    const clearedMs = await expectNothingLeft('after the adopted call ended');
    process.stdout.write(`      SIGKILL mid-call: restarted app ready in ${readyMs} ms, a new call answered ${newCallMs} ms after the restart; ` +
      `the connected call went on and ended both legs; nothing left ${clearedMs} ms after its end\n`);
    expect(newCallMs, 'new calls work within 3 s of the restart').to.be.below(3000);
  });

  it('given a call still ringing, when the app is killed and restarted, then the restarted app ends both legs at once', async () => {
    const callee = answerCalls(f.phone('bob'), 'callee-ring-forever');
    const caller = await placeCall(f.phone('alice'), '232');
    await until("Bob's phone is ringing", async () => (await f.stack.ari.listChannels())
      .some((channel) => channel.name.startsWith(`PJSIP/${f.phone('bob').device.sip.username}-`) && channel.state === 'Ringing'));
    await f.app.stop('SIGKILL');
    const restarted = Date.now();
    const endedAt = Promise.all([caller.done, callee.done]).then((results) => ({ results, ms: Date.now() - restarted }));
    const { readyMs, newCallMs } = await restartAndCallAgain();
    const { results: [callerResult, calleeResult], ms: endedMs } = await endedAt;
    expect(calleeResult.exitCode, `Bob's ringing phone was cancelled: ${calleeResult.errors}`).to.equal(0);
    expect(callerResult.logged.final, callerResult.errors).to.equal('503');
    expect(endedMs, 'ended on reconnection, not by a late sweep').to.be.below(5000);
    expect(f.app.logs().filter((line) => line.message === 'orphan channel ended')).to.have.length(2);
    const clearedMs = await expectNothingLeft('after the sweep');
    process.stdout.write(`      SIGKILL while ringing: restarted app ready in ${readyMs} ms, both ringing legs ended ${endedMs} ms after the restart, ` +
      `a new call answered ${newCallMs} ms after it; nothing left (checked ${clearedMs} ms later)\n`);
    expect(newCallMs, 'new calls work within 3 s of the restart').to.be.below(3000);
  });
});
