import { expect } from 'chai';
import { canonicalUsername } from '../../admin-api/auth/throttle';

describe('canonicalUsername', () => {
  it('given spellings MariaDB compares equal (case, accents, trailing spaces), when canonicalised, then they are one name', () => {
    const spellings = ['tname', 'TName', 'ťname', 'tname ', 'ŤNÁME  ', 't\u030Cname'];
    expect(new Set(spellings.map(canonicalUsername))).to.deep.equal(new Set(['tname']));
  });

  it('given a leading space or another letter, when canonicalised, then the names stay apart', () => {
    expect(canonicalUsername(' tname')).to.not.equal(canonicalUsername('tname'));
    expect(canonicalUsername('tnamf')).to.not.equal(canonicalUsername('tname'));
  });
});
