import { expect } from 'chai';
import { checkDestination, withinCallingHours } from '../../core/dialing/toll-fraud';

const none = { internationalAllowedCountries: [] as string[] };

describe('toll-fraud rules', () => {
  it('given a US or Canadian number, then it is domestic and allowed with no allow-list', () => {
    expect(checkDestination('+14155550100', none)).to.deep.equal({ allowed: true, country: 'US', international: false });
    expect(checkDestination('+14165550100', none)).to.include({ allowed: true, country: 'CA' });
  });

  it('given an international number, then refused unless its country is allow-listed', () => {
    expect(checkDestination('+442071234567', none)).to.deep.equal({ allowed: false, reason: 'international not allowed', country: 'GB' });
    expect(checkDestination('+442071234567', { internationalAllowedCountries: ['GB'] })).to.deep.equal({ allowed: true, country: 'GB', international: true });
    expect(checkDestination('+33123456789', { internationalAllowedCountries: ['GB'] })).to.include({ allowed: false, reason: 'international not allowed' });
  });

  it('given a Caribbean +1 number, then it is international (a classic toll-fraud destination)', () => {
    expect(checkDestination('+18765550100', none)).to.include({ allowed: false, reason: 'international not allowed', country: 'JM' });
    expect(checkDestination('+18765550100', { internationalAllowedCountries: ['JM'] })).to.include({ allowed: true });
  });

  it('given a country code not in the table, then refused: no admin can have allowed it', () => {
    expect(checkDestination('+88212345678', { internationalAllowedCountries: ['GB'] })).to.deep.equal({ allowed: false, reason: 'international not allowed', country: undefined });
  });

  it('given premium-rate ranges, then refused even in an allowed country', () => {
    for (const number of ['+19005550100', '+12129765555', '+449012345678', '+33891234567']) {
      expect(checkDestination(number, { internationalAllowedCountries: ['GB', 'FR'] }), number).to.include({ allowed: false, reason: 'premium rate' });
    }
  });

  it('given calling hours, then judged on the wall clock of the account time zone', () => {
    const hours = { start: '09:00', end: '17:00', timezone: 'America/New_York' };
    // 14:00 UTC in January is 09:00 in New York; 22:30 UTC is 17:30.
    expect(withinCallingHours(hours, new Date('2026-01-15T14:00:00Z'))).to.equal(true);
    expect(withinCallingHours(hours, new Date('2026-01-15T13:59:00Z'))).to.equal(false);
    expect(withinCallingHours(hours, new Date('2026-01-15T22:30:00Z'))).to.equal(false);
    expect(withinCallingHours({ ...hours, timezone: 'Europe/Paris' }, new Date('2026-01-15T14:00:00Z'))).to.equal(true);
  });

  it('given hours across midnight, equal start and end, or none, then they behave as a clock on the wall would', () => {
    const night = { start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(withinCallingHours(night, new Date('2026-01-15T23:00:00Z'))).to.equal(true);
    expect(withinCallingHours(night, new Date('2026-01-15T05:59:00Z'))).to.equal(true);
    expect(withinCallingHours(night, new Date('2026-01-15T12:00:00Z'))).to.equal(false);
    expect(withinCallingHours({ start: '08:00', end: '08:00', timezone: 'UTC' }, new Date())).to.equal(true);
    expect(withinCallingHours(null, new Date())).to.equal(true);
  });
});
