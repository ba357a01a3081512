import { expect } from 'chai';
import { normalizeDialed, type DialingSettings } from '../../core/dialing/numbers';
import { destinationOf } from '../../core/dialing/countries';

const plain: DialingSettings = { outsideLinePrefix: null, defaultAreaCode: '212', emergencyNumbers: ['911', '112', '999'] };
const withPrefix: DialingSettings = { ...plain, outsideLinePrefix: '9' };

describe('dialed numbers normalized with the account settings', () => {
  it('given E.164, then it is kept as is; with a prefix set, a "+" number still needs none', () => {
    expect(normalizeDialed('+442071234567', plain)).to.deep.equal({ kind: 'external', e164: '+442071234567' });
    expect(normalizeDialed('+14155550100', withPrefix)).to.deep.equal({ kind: 'external', e164: '+14155550100' });
  });

  it('given national formats, then 10 digits and 1 + 10 digits become +1, 7 digits take the default area code', () => {
    expect(normalizeDialed('4155550100', plain)).to.deep.equal({ kind: 'external', e164: '+14155550100' });
    expect(normalizeDialed('14155550100', plain)).to.deep.equal({ kind: 'external', e164: '+14155550100' });
    expect(normalizeDialed('5550100', plain)).to.deep.equal({ kind: 'external', e164: '+12125550100' });
    expect(normalizeDialed('(415) 555-0100', plain)).to.deep.equal({ kind: 'external', e164: '+14155550100' });
  });

  it('given 7 digits and no default area code, then it is invalid with that reason', () => {
    expect(normalizeDialed('5550100', { ...plain, defaultAreaCode: null })).to.deep.equal({ kind: 'invalid', reason: 'no default area code' });
  });

  it('given 011 and digits, then an international E.164 number', () => {
    expect(normalizeDialed('011442071234567', plain)).to.deep.equal({ kind: 'external', e164: '+442071234567' });
  });

  it('given an outside-line prefix, then it is stripped, and required for national numbers', () => {
    expect(normalizeDialed('94155550100', withPrefix)).to.deep.equal({ kind: 'external', e164: '+14155550100' });
    expect(normalizeDialed('9011442071234567', withPrefix)).to.deep.equal({ kind: 'external', e164: '+442071234567' });
    expect(normalizeDialed('4155550100', withPrefix)).to.deep.equal({ kind: 'invalid', reason: 'prefix required' });
  });

  it('given an emergency number, then it is recognised first, with or without the prefix', () => {
    expect(normalizeDialed('911', plain)).to.deep.equal({ kind: 'emergency', number: '911' });
    expect(normalizeDialed('911', withPrefix)).to.deep.equal({ kind: 'emergency', number: '911' });
    expect(normalizeDialed('9112', withPrefix)).to.deep.equal({ kind: 'emergency', number: '112' });
    expect(normalizeDialed('000', { ...plain, emergencyNumbers: ['000'] })).to.deep.equal({ kind: 'emergency', number: '000' });
  });

  it('given short codes, feature codes or junk, then not a phone number', () => {
    for (const dialed of ['201', '*72', '0', '123456789012345678', '+0123456789', 'abc', '1234567']) {
      expect(normalizeDialed(dialed, plain), dialed).to.deep.equal({ kind: 'invalid', reason: 'not a phone number' });
    }
  });
});

describe('destination countries from E.164 calling codes', () => {
  it('given +1 numbers, then the US, Canada, or the Caribbean country of the area code', () => {
    expect(destinationOf('+12125550100').country).to.equal('US');
    expect(destinationOf('+14165550100').country).to.equal('CA');
    expect(destinationOf('+18765550100').country).to.equal('JM');
  });

  it('given other codes, then the longest matching calling code decides', () => {
    expect(destinationOf('+442071234567')).to.deep.equal({ callingCode: '44', country: 'GB' });
    expect(destinationOf('+35312345678')).to.deep.equal({ callingCode: '353', country: 'IE' });
    expect(destinationOf('+33123456789').country).to.equal('FR');
    expect(destinationOf('+88212345678').country).to.equal(undefined);
  });
});
