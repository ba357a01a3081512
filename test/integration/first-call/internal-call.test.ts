import { expect } from 'chai';
import { LiveCallStore } from '../../../core/live-calls';
import { until } from '../../support/until';
import { useCallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall } from '../../support/phones';

describe('internal call between two devices of one account (SIPp through Asterisk into the ARI app)', function () {
  this.timeout(60_000);
  const f = useCallFixture({ account: 'First call org', appEnv: { RING_TIMEOUT_SECONDS: '4' }, phones: { alice: '201', bob: '202' } });

  it('given both registered, when Alice dials 202, then Bob rings, answers, audio flows both ways and both legs end on hangup', async () => {
    const alice = f.phone('alice');
    const bob = f.phone('bob');
    const callee = answerCalls(bob, 'callee-answer');
    const caller = await placeCall(alice, '202', 3000);

    const legs = await until('Alice and Bob are bridged together', async () => {
      const [bridges, channels] = await Promise.all([f.stack.ari.listBridges(), f.stack.ari.listChannels()]);
      const legOf = (username: string) => channels.find((channel) => channel.name.startsWith(`PJSIP/${username}-`));
      const aliceLeg = legOf(alice.device.sip.username);
      const bobLeg = legOf(bob.device.sip.username);
      const bridge = bridges.find((candidate) => aliceLeg && bobLeg && candidate.channels.includes(aliceLeg.id) && candidate.channels.includes(bobLeg.id));
      return bridge && aliceLeg && bobLeg ? { alice: aliceLeg.id, bob: bobLeg.id } : undefined;
    });
    // Each phone's audio goes to the RTP port Asterisk opened for its leg.
    for (const [phone, leg, pattern, heard] of [[alice, legs.alice, 0x11, 0x22], [bob, legs.bob, 0x22, 0x11]] as const) {
      const { value } = await f.stack.ari.getVariable(leg, 'CHANNEL(rtp,src)');
      const [host, port] = value.split(':');
      phone.rtp.expectPattern(heard);
      phone.rtp.sendTo(host ?? '127.0.0.1', Number(port), pattern);
    }
    await until('each phone hears the other', () => alice.rtp.receivedWithPattern >= 25 && bob.rtp.receivedWithPattern >= 25, { timeoutMs: 5000 });

    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ ringing: 'yes', final: '200', hangup: '200' });
    expect(callerResult.exitCode, callerResult.errors).to.equal(0);
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
    expect(calleeResult.logged.from, 'Bob sees who calls').to.equal('201');
    await until('no channel of the call is left in Asterisk', async () => {
      const left = (await f.stack.ari.listChannels()).filter((channel) => channel.id === legs.alice || channel.id === legs.bob);
      return left.length === 0;
    });
    const liveCalls = await new LiveCallStore(f.stack.redis).all();
    expect(liveCalls.filter((call) => call.channelIds.includes(legs.alice)), 'live state removed').to.be.empty;
  });
});
