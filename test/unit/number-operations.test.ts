// The pure rules of running the number business: when a failed job is final, which month the rental run
// charges, and what reconciliation counts as a difference.
import { expect } from 'chai';
import { compareHoldings, reportTotals } from '../../core/number-reconciliation';
import { isFinalFailure } from '../../jobs/failures';
import { rentalMonth } from '../../jobs/numbers/rental';

describe('job failures: final or retried', () => {
  const error = (name = 'Error') => ({ name });

  it('given attempts left, when an attempt fails, then it is not final (BullMQ retries it)', () => {
    expect(isFinalFailure({ attemptsMade: 1, opts: { attempts: 5 } }, error())).to.equal(false);
    expect(isFinalFailure({ attemptsMade: 4, opts: { attempts: 5 } }, error())).to.equal(false);
  });

  it('given the last attempt, when it fails, then it is final', () => {
    expect(isFinalFailure({ attemptsMade: 5, opts: { attempts: 5 } }, error())).to.equal(true);
    expect(isFinalFailure({ attemptsMade: 1, opts: {} }, error())).to.equal(true);
  });

  it('given an UnrecoverableError, when the first attempt fails, then it is final', () => {
    expect(isFinalFailure({ attemptsMade: 1, opts: { attempts: 5 } }, error('UnrecoverableError'))).to.equal(true);
  });
});

describe('rental month', () => {
  it('given instants around a month boundary (UTC), when the month is taken, then each falls in its own', () => {
    expect(rentalMonth(new Date('2026-11-30T23:59:59.999Z'))).to.deep.equal({ month: '2026-11', start: new Date('2026-11-01T00:00:00Z') });
    expect(rentalMonth(new Date('2026-12-01T00:00:00Z'))).to.deep.equal({ month: '2026-12', start: new Date('2026-12-01T00:00:00Z') });
    expect(rentalMonth(new Date('2027-01-15T08:00:00Z')).month).to.equal('2027-01');
  });
});

describe('reconciliation: what counts as a difference', () => {
  const owned = (number: string) => ({ number, providerRef: `ref-${number}`, routedTo: null });
  const row = (id: number, number: string) => ({ id, number, accountId: 7 });

  it('given both sides agree, when compared, then no difference', () => {
    const result = compareHoldings([owned('+1'), owned('+2')], [row(1, '+1'), row(2, '+2')], new Set(['+1', '+2']));
    expect(result).to.deep.equal({ notInInventory: [], releasedByProvider: [] });
  });

  it('given a number the provider bills that no live row holds, when compared, then it is "not in inventory"', () => {
    const result = compareHoldings([owned('+1'), owned('+9')], [row(1, '+1')], new Set(['+1']));
    expect(result.notInInventory).to.deep.equal([owned('+9')]);
  });

  it('given an active row the provider no longer lists, when compared, then it is "released by provider"', () => {
    expect(compareHoldings([owned('+1')], [row(1, '+1'), row(2, '+2')], new Set(['+1'])).releasedByProvider).to.deep.equal([row(2, '+2')]);
  });

  it('given a purchase in flight (live after the list, not active before it), when compared, then no difference', () => {
    expect(compareHoldings([owned('+5')], [], new Set(['+5']))).to.deep.equal({ notInInventory: [], releasedByProvider: [] });
  });

  it('given differences, some fixed, and a site that failed, when totalled, then each is counted', () => {
    const base = { trunk: 't', api: 'telnyx', note: null };
    const totals = reportTotals({
      sites: [{ trunk: 't', api: 'telnyx', ownedAtProvider: 1, activeInInventory: 1, error: null }, { trunk: 'u', api: 'twilio', ownedAtProvider: 0, activeInInventory: 0, error: 'down' }],
      notInInventory: [{ ...base, number: '+9', providerRef: 'r', fixed: true }],
      releasedByProvider: [{ ...base, number: '+2', numberId: 2, accountId: 7, fixed: false }],
    });
    expect(totals).to.deep.equal({ notInInventory: 1, releasedByProvider: 1, fixed: 1, siteErrors: 1 });
  });
});
