// The outbound caller-ID rule (core/caller-id-policy.ts): a dialer presents only the account's numbers on the
// trunk that they own or that are shared with them, their default first; an emergency call skips every check.
import { expect } from 'chai';
import { allowedCallerIds, emergencyCallerId, type HeldNumber } from '../../core/caller-id-policy';
import type { NumberSharing } from '../../core/numbers';

const held = (id: number, number: string, ownerUserId: number | null, sharing: NumberSharing, sharedWithUserIds: number[] = [], accountId = 7): HeldNumber =>
  ({ id, number, accountId, ownerUserId, sharing, sharedWithUserIds });

const NUMBERS = [
  held(1, '+15550000004', 3, 'private'),
  held(2, '+15550000002', 5, 'users', [3]),
  held(3, '+15550000003', 5, 'private'),
  held(4, '+15550000001', null, 'account'),
  held(5, '+15550000000', 3, 'private', [], 8),
];

describe('caller-ID policy', () => {
  it('given a dialer, then the numbers they own, are listed on, or share with the account, by number; never a private number of another user or another account\'s', () => {
    expect(allowedCallerIds({ userId: 3, defaultNumberId: null }, 7, NUMBERS)).to.deep.equal(['+15550000001', '+15550000002', '+15550000004']);
    expect(allowedCallerIds({ userId: 9, defaultNumberId: null }, 7, NUMBERS)).to.deep.equal(['+15550000001']);
  });

  it('given a default number the dialer may use, then it comes first; a default they may not use is ignored', () => {
    expect(allowedCallerIds({ userId: 3, defaultNumberId: 1 }, 7, NUMBERS)[0]).to.equal('+15550000004');
    expect(allowedCallerIds({ userId: 3, defaultNumberId: 3 }, 7, NUMBERS)[0]).to.equal('+15550000001');
  });

  it('given no dialer access, then no caller ID at all', () => {
    expect(allowedCallerIds(null, 7, NUMBERS)).to.deep.equal([]);
  });

  it('given an emergency call, then the callback number, else the account\'s first number on the trunk whoever calls', () => {
    expect(emergencyCallerId('+14155550199', 7, NUMBERS)).to.equal('+14155550199');
    expect(emergencyCallerId(null, 7, NUMBERS)).to.equal('+15550000001');
    expect(emergencyCallerId(null, 9, NUMBERS)).to.equal(undefined);
  });
});
