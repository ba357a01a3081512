// The hand-over rule of a dialer-access revocation (admin-api/dialer-access/hand-over.ts): every number the user
// owns goes to exactly one new owner, never to the user losing access.
import { expect } from 'chai';
import { handOverPlan } from '../../admin-api/dialer-access/hand-over';
import type { ApiError } from '../../admin-api/http/errors';

const OWNED = [{ id: 1, number: '+15550000001' }, { id: 2, number: '+15550000002' }];

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('dialer access hand-over', () => {
  it('given handOverTo, then every owned number goes to that user', () => {
    expect(handOverPlan(OWNED, { handOverTo: 9 }, 5)).to.deep.equal([{ numberId: 1, number: '+15550000001', toUserId: 9 }, { numberId: 2, number: '+15550000002', toUserId: 9 }]);
  });

  it('given each number to its own user, then that plan', () => {
    expect(handOverPlan(OWNED, { handOver: [{ numberId: 2, toUserId: 8 }, { numberId: 1, toUserId: 9 }] }, 5).map((move) => [move.numberId, move.toUserId])).to.deep.equal([[2, 8], [1, 9]]);
  });

  it('given no hand-over, or one missing a number, then 409 NUMBERS_NEED_NEW_OWNER listing the numbers left', () => {
    const none = refusal(() => handOverPlan(OWNED, {}, 5));
    expect(none).to.include({ code: 'NUMBERS_NEED_NEW_OWNER', status: 409 });
    expect(none.details.numbers).to.deep.equal(OWNED);
    expect(refusal(() => handOverPlan(OWNED, { handOver: [{ numberId: 1, toUserId: 9 }] }, 5)).details.numbers).to.deep.equal([OWNED[1]]);
  });

  it('given a number not owned, one named twice, or the user themselves as recipient, then 400', () => {
    expect(refusal(() => handOverPlan(OWNED, { handOver: [{ numberId: 1, toUserId: 9 }, { numberId: 2, toUserId: 9 }, { numberId: 3, toUserId: 9 }] }, 5))).to.include({ code: 'HAND_OVER_INVALID', status: 400 });
    expect(refusal(() => handOverPlan(OWNED, { handOver: [{ numberId: 1, toUserId: 9 }, { numberId: 1, toUserId: 8 }, { numberId: 2, toUserId: 9 }] }, 5)).details.numberIds).to.deep.equal([1]);
    expect(refusal(() => handOverPlan(OWNED, { handOverTo: 5 }, 5))).to.include({ code: 'HAND_OVER_TO_SELF' });
    expect(refusal(() => handOverPlan(OWNED, { handOver: [{ numberId: 1, toUserId: 5 }, { numberId: 2, toUserId: 9 }] }, 5))).to.include({ code: 'HAND_OVER_TO_SELF' });
  });

  it('given a user who owns nothing, then nothing to hand over, whatever is named', () => {
    expect(handOverPlan([], {}, 5)).to.deep.equal([]);
    expect(handOverPlan([], { handOverTo: 5 }, 5)).to.deep.equal([]);
  });
});
