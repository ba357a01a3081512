// The rules of external legs (flows/outbound-legs.ts) as pure functions: when a trunk leg's failure moves to
// the next trunk, and which caller ID a routed call presents on a trunk.
import { expect } from 'chai';
import { callerIdOn, failsOver } from '../../ari-app/flows/outbound-legs';

describe('external legs of routed calls', () => {
  it('given 5xx and 408 causes, then the next trunk is tried, progressed or not', () => {
    for (const cause of [34, 38, 41, 18, 102]) expect(failsOver(cause, true), `cause ${cause}`).to.equal(true);
  });

  it('given busy, 404 or a normal clearing after ringing, then the provider\'s answer stands', () => {
    expect(failsOver(17, false)).to.equal(false);
    expect(failsOver(1, false)).to.equal(false);
    expect(failsOver(16, true)).to.equal(false);
  });

  it('given no response at all (no cause, or cause 0 or 16 before any 180/183), then the next trunk is tried', () => {
    expect(failsOver(undefined, false)).to.equal(true);
    expect(failsOver(0, false)).to.equal(true);
    expect(failsOver(16, false)).to.equal(true);
  });

  it('given a trunk with numbers of two accounts, then the call presents the DID called when it is the account\'s, else the first number the responsible user may use', () => {
    const held = (id: number, number: string, accountId: number, ownerUserId: number | null, sharing: 'private' | 'users' | 'account', sharedWithUserIds: number[] = []) =>
      ({ id, number, accountId, ownerUserId, sharing, sharedWithUserIds });
    const trunk = {
      name: 'a', endpointId: 'trunk-a',
      numbers: [held(1, '+15550000002', 7, 3, 'private'), held(2, '+15550000001', 7, 5, 'private'), held(3, '+15550000003', 7, null, 'account'), held(4, '+15550000009', 8, 3, 'private')],
    };
    expect(callerIdOn(trunk, 3, 7)).to.equal('+15550000002');
    expect(callerIdOn(trunk, 3, 7, '+15550000001'), 'the number the call came in on, though not Carol\'s').to.equal('+15550000001');
    expect(callerIdOn(trunk, 3, 7, '+15550000009'), "another account's number is never presented").to.equal('+15550000002');
    expect(callerIdOn(trunk, null, 7), 'no responsible user: a number shared with the account').to.equal('+15550000003');
    expect(callerIdOn(trunk, 6, 7), "another user's private numbers are not presented").to.equal('+15550000003');
    expect(callerIdOn(trunk, null, 9)).to.equal(undefined);
  });
});
