// A phone that vanishes mid-call (unplugged, out of battery, lost network) sends no BYE: without media
// time-outs its call, and the other party, stay up for ever. The device rows carry rtp_timeout and session
// timers from the config (SIP_RTP_TIMEOUT_SECONDS etc.), set short here for the suite's own devices.
import { expect } from 'chai';
import { until } from '../../support/until';
import { useCallFixture } from '../../support/call-fixture';
import { answer, bridgedLegs, call, channelsOf, startAudio } from './helpers';

const RTP_TIMEOUT_SECONDS = 3;
const SETTINGS: Record<string, string> = {
  SIP_RTP_TIMEOUT_SECONDS: String(RTP_TIMEOUT_SECONDS),
  SIP_RTP_TIMEOUT_HOLD_SECONDS: '6',
  SIP_SESSION_EXPIRES_SECONDS: '900',
};

describe('a phone that vanishes mid-call (media stops, no BYE)', function () {
  this.timeout(90_000);
  const saved: Record<string, string | undefined> = {};
  // The fixture provisions the devices through the project's service with the test process's config.
  before(() => {
    for (const [name, value] of Object.entries(SETTINGS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  const f = useCallFixture({ account: 'Vanishing phone org', phones: { alice: '251', bob: '252' } });
  before(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('given devices provisioned with media time-outs, then their endpoint rows carry them and Asterisk offers the configured session timer', async () => {
    const row = await f.stack.db('ps_endpoints').where({ id: f.phone('alice').device.sip.username })
      .first('rtp_timeout', 'rtp_timeout_hold', 'timers', 'timers_sess_expires');
    expect(row).to.deep.equal({ rtp_timeout: RTP_TIMEOUT_SECONDS, rtp_timeout_hold: 6, timers: 'yes', timers_sess_expires: 900 });
  });

  it("given a connected call, when the caller's phone vanishes, then the callee gets a BYE within the media time-out and no channel is left", async () => {
    const alice = f.phone('alice');
    const bob = f.phone('bob');
    const since = f.app.mark();
    const callee = answer(bob, 'callee-pcma-only');
    const caller = await call(alice, '252', 'caller-vanishes');
    const legs = await bridgedLegs(f, alice, bob, caller);
    await startAudio(f, alice, legs.caller, 0x11);
    await startAudio(f, bob, legs.callee, 0x22);
    await until('audio flows both ways', () => alice.rtp.received >= 10 && bob.rtp.received >= 10, { timeoutMs: 5000 });
    const callerResult = await caller.done;
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', vanished: 'yes' });

    alice.rtp.stopSending();
    const silentAt = Date.now();
    const calleeResult = await callee.done;
    const byeAfterMs = Date.now() - silentAt;
    process.stdout.write(`      vanished phone: callee's BYE ${byeAfterMs} ms after the caller's media stopped (rtp_timeout ${RTP_TIMEOUT_SECONDS} s)\n`);
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
    expect(calleeResult.logged.bye).to.equal('yes');
    expect(calleeResult.logged.session_expires, 'Asterisk offered the configured session timer').to.match(/^900\b/);
    expect(byeAfterMs, 'ended by the media time-out').to.be.within((RTP_TIMEOUT_SECONDS - 1) * 1000, (RTP_TIMEOUT_SECONDS + 3) * 1000);
    await until('no channel of the call is left in Asterisk', async () => (await channelsOf(f, [alice, bob])).length === 0, { timeoutMs: 5000 });
    const ended = await f.app.waitForLog('call ended', since);
    // Which leg Asterisk hung up first, and its cause as Asterisk reported it (the call record takes it later).
    expect(ended, 'the call ended log says which leg went').to.include({ hangupChannelId: legs.caller });
    expect(ended.hangupCause, 'and with what cause').to.be.a('number');
  });
});
