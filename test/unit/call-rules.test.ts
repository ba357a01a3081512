import { expect } from 'chai';
import { dialStatusForCause, outcomeForFailedLegs } from '../../ari-app/flows/ringer';
import { CallRegistry } from '../../ari-app/calls/registry';

describe('internal call outcome rules', () => {
  it('given one device busy and one not answering, when all failed, then the caller hears busy', () => {
    expect(outcomeForFailedLegs(['NOANSWER', 'BUSY'])).to.equal('busy');
  });

  it('given devices that did not answer, when all failed, then the caller gets no answer', () => {
    expect(outcomeForFailedLegs(['NOANSWER', 'CHANUNAVAIL'])).to.equal('no_answer');
  });

  it('given only unreachable devices, when all failed, then the caller gets subscriber absent (SIP 480)', () => {
    expect(outcomeForFailedLegs(['CHANUNAVAIL'])).to.deep.equal({ code: 20 });
  });

  it('given hangup causes of a ringing leg, when mapped, then busy, no answer and congestion are told apart', () => {
    expect([17, 19, 34, 16].map(dialStatusForCause)).to.deep.equal(['BUSY', 'NOANSWER', 'CONGESTION', 'CHANUNAVAIL']);
  });
});

describe('call registry admission', () => {
  it('given the registry holds its maximum of calls, when another call asks, then it is refused as at capacity', () => {
    const registry = new CallRegistry({ maxActiveCalls: 1, maxEventLoopDelayMs: 10_000 });
    expect(registry.admit()).to.deep.equal({ admitted: true });
    const flow = { callId: 'a', handle: () => undefined };
    registry.claim('channel-1', flow);
    expect(registry.admit()).to.deep.equal({ admitted: false, why: 'at-capacity' });
    registry.finish(flow);
    expect(registry.admit()).to.deep.equal({ admitted: true });
    expect(registry.owns('channel-1')).to.equal(false);
    registry.stop();
  });
});
