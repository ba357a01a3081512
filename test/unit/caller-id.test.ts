import { expect } from 'chai';
import { callerIdName, callerIdNumber, callerIdOf } from '../../core/asterisk/caller-id';

describe('caller IDs built from user text', () => {
  it('given a plain name and extension, then "Name" <number>', () => {
    expect(callerIdOf('Alice Smith', '201')).to.equal('"Alice Smith" <201>');
  });

  it('given a NUL byte, escape sequences or line breaks in a name, then they become spaces and never reach Asterisk', () => {
    expect(callerIdOf('Eve\u0000', '314')).to.equal('"Eve" <314>');
    expect(callerIdName('a\u001b[31mred\r\nline')).to.equal('a [31mred line');
  });

  it('given quotes, backslashes or angle brackets, then they are dropped so Asterisk parses the name as one', () => {
    expect(callerIdOf('Desk "A" <b> \\ c', '2301')).to.equal('"Desk A b c" <2301>');
  });

  it('given a name with nothing printable, then only the number is sent', () => {
    expect(callerIdOf('\u0000"<>', '5')).to.equal('<5>');
  });

  it('given a lone surrogate or a very long name, then the name is cleaned and cut at 80 characters', () => {
    expect(callerIdName('x\ud800y')).to.equal('x y');
    expect(Array.from(callerIdName('é'.repeat(200)))).to.have.length(80);
  });

  it('given a number with letters or spaces, then only dial characters remain', () => {
    expect(callerIdNumber('+1 (555) 010-0199 ext*#')).to.equal('+15550100199*#');
  });
});
