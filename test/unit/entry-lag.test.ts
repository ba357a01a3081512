import { expect } from 'chai';
import { EntryLag } from '../../ari-app/calls/entry-lag';

describe('entry lag (admission early warning)', () => {
  it('given fewer samples than the minimum, then no verdict; given slow entries in the window, then their p90; given old ones, then they are forgotten', () => {
    let now = Date.parse('2026-11-30T05:00:00.000Z');
    const lag = new EntryLag(2000, () => now);
    const created = (msAgo: number): string => new Date(now - msAgo).toISOString();
    lag.record(created(500));
    expect(lag.percentile(0.9, 5)).to.equal(undefined);
    for (const ms of [5, 6, 7, 8, 300, 400]) lag.record(created(ms));
    expect(lag.percentile(0.9, 5)).to.equal(500);
    now += 2500;
    expect(lag.percentile(0.9, 1)).to.equal(undefined);
  });
});
