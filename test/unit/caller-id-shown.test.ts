import { expect } from 'chai';
import { shownCallerId } from '../../consistency/pjsip-drift';

describe('caller IDs as asterisk:verify compares them', () => {
  it('given a name and a number, then Asterisk shows the row as written', () => {
    expect(shownCallerId('"Ann Agent" <401>')).to.equal('"Ann Agent" <401>');
  });

  it('given a user without an extension, when their device presents "Name" <>, then Asterisk shows the name alone', () => {
    expect(shownCallerId('"Ann Agent" <>')).to.equal('Ann Agent');
    expect(shownCallerId('<401>')).to.equal('401');
    expect(shownCallerId('"" <401>')).to.equal('401');
  });
});
