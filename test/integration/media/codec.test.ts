// Two phones sharing a codec talk through Asterisk untranscoded: a caller offering PCMA first (then PCMU) to a
// PCMA-only callee is answered with PCMA first, and both legs read and write A-law. (With Asterisk's default
// incoming_call_offer_pref=local the caller was answered with PCMU first and every frame was transcoded.)
import { expect } from 'chai';
import { useCallFixture } from '../../support/call-fixture';
import { until } from '../../support/until';
import { answer, bridgedLegs, call, channelsOf, startAudio } from './helpers';

// What each leg carries and reads. (A called leg's write format can stay at its endpoint's first codec while
// every frame it is given is already A-law, which Asterisk passes through untranslated: not compared.)
const FORMATS = ['CHANNEL(audionativeformat)', 'CHANNEL(audioreadformat)'];

describe('codecs: a call between phones sharing a codec is not transcoded', function () {
  this.timeout(60_000);
  const f = useCallFixture({ account: 'Codec org', phones: { alice: '261', bob: '262' } });

  it('given a caller offering PCMA then PCMU and a PCMA-only callee, when the call connects, then the caller is answered PCMA first and no leg is transcoded', async () => {
    const alice = f.phone('alice');
    const bob = f.phone('bob');
    const callee = answer(bob, 'callee-pcma-only');
    const caller = await call(alice, '262', 'caller-pcma-first', 3000);
    const legs = await bridgedLegs(f, alice, bob, caller);
    await startAudio(f, alice, legs.caller, 0x11);
    await startAudio(f, bob, legs.callee, 0x22);
    await until('audio flows both ways', () => alice.rtp.received >= 10 && bob.rtp.received >= 10, { timeoutMs: 5000 });
    const formats: Record<string, string> = {};
    for (const [party, leg] of Object.entries(legs)) {
      for (const variable of FORMATS) formats[`${party} ${variable}`] = (await f.stack.ari.getVariable(leg, variable)).value;
    }
    formats['caller CHANNEL(audiowriteformat)'] = (await f.stack.ari.getVariable(legs.caller, 'CHANNEL(audiowriteformat)')).value;
    const bridges = (await f.stack.ari.listBridges()) as { channels: string[]; technology?: string }[];
    const technology = bridges.find((bridge) => bridge.channels.includes(legs.caller))?.technology;
    process.stdout.write(`      formats while up: ${JSON.stringify(formats)}, bridge technology ${technology}\n`);

    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
    expect(calleeResult.logged.offer_formats?.trim().split(/\s+/)[0], 'the callee is offered the caller\'s first codec first').to.equal('8');
    expect(callerResult.logged.answer_formats?.trim().split(/\s+/)[0], 'the 200 OK to the caller lists PCMA first').to.equal('8');
    expect(Object.values(formats).map((value) => value.replace(/[()]/g, '')), `both legs carry and read A-law: ${JSON.stringify(formats)}`)
      .to.satisfy((values: string[]) => values.every((value) => value === 'alaw'));
    // Same format on both legs: Asterisk forwards RTP between them without decoding it.
    expect(technology, 'the bridge forwards RTP natively').to.equal('native_rtp');
    await until('no channel of the call is left', async () => (await channelsOf(f, [alice, bob])).length === 0, { timeoutMs: 5000 });
  });
});
