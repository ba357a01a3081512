import { expect } from 'chai';
import { changedRoutes, mergeStaticPool, staticPoolChanges } from '../../admin-api/trunks/static-pool';
import { purchasingProblems } from '../../admin-api/trunks/purchasing';
import { baseUrlProblem } from '../../admin-api/trunks/address-policy';

describe('a trunk\'s static pool over a re-apply (the file merged with what the numbers API set)', () => {
  const hangup = { type: 'hangup' } as const;
  const user = { type: 'user', userId: 9 } as const;

  it('given an entry without account or route, then the stored assignment and route stay', () => {
    const current = [{ number: '+15550000001', account: 7, destination: user }];
    expect(mergeStaticPool(current, [{ number: '+15550000001' }], [7])).to.deep.equal(current);
    expect(staticPoolChanges(current, mergeStaticPool(current, [{ number: '+15550000001' }], [7]))).to.deep.equal([]);
  });

  it('given an entry with a route, then it replaces the stored one; given another account, then the stored route goes', () => {
    const current = [{ number: '+15550000001', account: 7, extension: '201', destination: user }];
    expect(mergeStaticPool(current, [{ number: '+15550000001', account: 7, destination: hangup }], [7])).to.deep.equal([{ number: '+15550000001', account: 7, destination: hangup }]);
    const moved = mergeStaticPool(current, [{ number: '+15550000001', account: 8 }], [7, 8]);
    expect(moved).to.deep.equal([{ number: '+15550000001', account: 8 }]);
    expect(changedRoutes(current, moved)).to.deep.equal(new Map([['+15550000001', null]]));
  });

  it('given a stored account the trunk no longer serves, then the number is back in the pool without a route', () => {
    const current = [{ number: '+15550000001', account: 7, destination: user }];
    expect(mergeStaticPool(current, [{ number: '+15550000001' }], [8])).to.deep.equal([{ number: '+15550000001' }]);
  });

  it('given numbers added and gone, then the changes say add and release; unchanged routes are not rewritten', () => {
    const current = [{ number: '+15550000001', account: 7, destination: user }, { number: '+15550000002' }];
    const desired = mergeStaticPool(current, [{ number: '+15550000001' }, { number: '+15550000003', account: 7, destination: hangup }], [7]);
    expect(staticPoolChanges(current, desired)).to.deep.equal(['numbers +15550000002: release (no longer listed)', 'numbers +15550000003: add (account 7)']);
    expect(changedRoutes(current, desired)).to.deep.equal(new Map([['+15550000003', hangup]]));
  });
});

describe('a trunk file\'s purchasing section', () => {
  it('given each api, then the fields it needs are required and the ones it has no use for refused', () => {
    expect(purchasingProblems({ api: 'static-pool', setupPriceCents: 0, monthlyPriceCents: 0 })).to.deep.equal([]);
    expect(purchasingProblems({ api: 'twilio', setupPriceCents: 0, monthlyPriceCents: 0 }).map((problem) => problem.path)).to.deep.equal(['/purchasing/secret', '/purchasing/accountSid', '/purchasing/routeTo']);
    expect(purchasingProblems({ api: 'telnyx', secret: { env: 'K' }, routeTo: '1', accountSid: 'AC1', setupPriceCents: 0, monthlyPriceCents: 0 })).to.deep.equal([
      { path: '/purchasing/accountSid', message: 'does not apply to api telnyx: remove it' },
    ]);
  });

  it('given a base URL, then https to a public host passes; http, credentials, or a private host only with allowPrivateAddresses (credentials never)', async () => {
    expect(await baseUrlProblem('https://api.telnyx.example/v2', false)).to.equal(undefined);
    expect(await baseUrlProblem('http://api.telnyx.example/v2', false)).to.include('must use https');
    expect(await baseUrlProblem('https://localhost/v2', false)).to.include('local machine');
    expect(await baseUrlProblem('https://[::1]:8443', false)).to.include('loopback');
    expect(await baseUrlProblem('http://127.0.0.1:8080', true)).to.equal(undefined);
    expect(await baseUrlProblem('https://user:pw@api.example.test', true)).to.include('carries credentials');
    expect(await baseUrlProblem('ftp://api.example.test', true)).to.include('must use https');
  });
});
