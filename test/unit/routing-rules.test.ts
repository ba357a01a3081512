// The routing decisions of the ARI app as pure functions: what a user step does before and after ringing,
// the order ring group strategies try members in, round robin's memory, and the caller ID members see.
import { expect } from 'chai';
import type { Destination } from '../../core/destinations';
import type { RingGroupMember } from '../../db/repositories/routing';
import { huntOrder, nextPositionAfter, shownCallerId } from '../../ari-app/flows/ring-group';
import { failureOf } from '../../ari-app/flows/ringer';
import { connectedLineVariables } from '../../ari-app/flows/routed-call';
import { afterRinging, beforeRinging } from '../../ari-app/flows/user';

const bob: Destination = { type: 'user', userId: 2 };
const hangup: Destination = { type: 'hangup' };
const member = (position: number): RingGroupMember => ({ position, type: 'user', userId: position + 100, number: null, ringSeconds: null });
const positions = (members: RingGroupMember[]): number[] => members.map((each) => each.position);

describe('user routing rules', () => {
  const devices = { settings: { dnd: false, noAnswerSeconds: 20 }, forwards: {}, endpointIds: ['a', 'b'] };

  it('given forward-always and do not disturb, when a call comes, then forward-always wins before anything rings', () => {
    const decision = beforeRinging({ ...devices, settings: { dnd: true, noAnswerSeconds: 20 }, forwards: { always: bob, busy: hangup } }, 2, 2);
    expect(decision).to.deep.equal({ kind: 'forward', condition: 'always', to: bob });
  });

  it('given do not disturb, when a call comes, then the busy forwarding is taken, else busy (486)', () => {
    const dnd = { ...devices, settings: { dnd: true, noAnswerSeconds: 20 } };
    expect(beforeRinging({ ...dnd, forwards: { busy: bob } }, 2, 2)).to.deep.equal({ kind: 'forward', condition: 'busy', to: bob });
    expect(beforeRinging(dnd, 2, 2)).to.deep.equal({ kind: 'end', outcome: 'busy', reason: 'do not disturb' });
  });

  it('given no registered device, when a call comes, then the unreachable forwarding is taken, else subscriber absent (480)', () => {
    expect(beforeRinging({ ...devices, forwards: { unreachable: hangup } }, 2, 0)).to.deep.equal({ kind: 'forward', condition: 'unreachable', to: hangup });
    expect(beforeRinging(devices, 2, 0)).to.deep.equal({ kind: 'end', outcome: { code: 20 }, reason: 'no device registered' });
  });

  it("given the caller's device is the user's only one, when they call themselves, then it is refused as before (404)", () => {
    expect(beforeRinging({ ...devices, endpointIds: ['a'] }, 0, 0)).to.deep.equal({ kind: 'end', outcome: 'unallocated', reason: 'dialed own extension' });
  });

  it('given registered devices and no forwarding, when a call comes, then they ring', () => {
    expect(beforeRinging(devices, 2, 1)).to.deep.equal({ kind: 'ring' });
  });

  it('given every device failed, when classified, then busy beats no answer beats unreachable, each to its forwarding or outcome', () => {
    expect(failureOf(['NOANSWER', 'BUSY'])).to.equal('busy');
    expect(failureOf(['CHANUNAVAIL', 'NOANSWER'])).to.equal('no_answer');
    expect(failureOf(['CHANUNAVAIL', 'CONGESTION'])).to.equal('unreachable');
    expect(afterRinging({ no_answer: bob }, ['NOANSWER', 'CHANUNAVAIL'])).to.deep.equal({ kind: 'forward', condition: 'no_answer', to: bob });
    expect(afterRinging({ no_answer: bob }, ['BUSY', 'NOANSWER'])).to.deep.equal({ kind: 'end', outcome: 'busy', reason: 'busy' });
    expect(afterRinging({}, ['NOANSWER'])).to.deep.equal({ kind: 'end', outcome: 'no_answer', reason: 'no device answered' });
  });
});

describe('ring group strategies', () => {
  const members = [member(0), member(1), member(2), member(3)];

  it('given a linear group, when hunting, then members are tried in position order', () => {
    expect(positions(huntOrder('linear', [member(2), member(0), member(1)], 0))).to.deep.equal([0, 1, 2]);
  });

  it('given round robin whose last answer came from position 1, when the next call hunts, then it starts at 2 and wraps round', () => {
    expect(positions(huntOrder('round_robin', members, nextPositionAfter(member(1))))).to.deep.equal([2, 3, 0, 1]);
  });

  it('given round robin whose memory is past the last member (or the member was removed), when hunting, then it starts at the next one or the first', () => {
    expect(positions(huntOrder('round_robin', members, nextPositionAfter(member(3))))).to.deep.equal([0, 1, 2, 3]);
    expect(positions(huntOrder('round_robin', [member(0), member(2), member(5)], 1))).to.deep.equal([2, 5, 0]);
  });

  it('given a random group, when hunting, then every member is tried once in a shuffled order', () => {
    const sequence = [0.9, 0.1, 0.5];
    const order = huntOrder('random', members, 0, () => sequence.shift() ?? 0);
    expect([...positions(order)].sort()).to.deep.equal([0, 1, 2, 3]);
    expect(positions(order)).to.not.deep.equal([0, 1, 2, 3]);
  });

  it("given a group prefix, when members are shown the caller, then the name is prefixed and the number kept", () => {
    expect(shownCallerId({ name: 'Alice', number: '201' }, 'Sales')).to.deep.equal({ name: 'Sales: Alice', number: '201' });
    expect(shownCallerId({ name: '', number: '+15550001' }, 'Sales')).to.deep.equal({ name: 'Sales: +15550001', number: '+15550001' });
    expect(shownCallerId({ name: 'Alice', number: '201' }, null)).to.deep.equal({ name: 'Alice', number: '201' });
    expect(connectedLineVariables({ name: 'Sales: Alice', number: '201' })).to.deep.equal({ 'CONNECTEDLINE(num,i)': '201', 'CONNECTEDLINE(name,i)': 'Sales: Alice' });
  });
});
