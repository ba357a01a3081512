// The tier rules of core/access.ts that guard role edits and the last Organization Owner, tier by tier.
import { expect } from 'chai';
import { isTopTier, mayChangeRole, mayEditRole, mayRemove, PRESETS, RANK, type Holder } from '../../core/access';

const preset = (key: string): Holder => {
  const found = PRESETS.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no preset ${key}`);
  return { rank: found.rank, permissions: found.permissions };
};
const organizationOwner = preset('organization_owner');
const owner = preset('owner');
const admin = preset('admin');
const resellerOwner = preset('reseller_owner');
const top = (holder: Holder) => ({ ...holder, topTier: isTopTier(holder) });
const codeOf = (verdict: ReturnType<typeof mayEditRole>) => (verdict.allowed ? 'allowed' : verdict.code);

describe('tier rules: editing and re-applying a role', () => {
  const role = { rank: RANK.owner, permissions: owner.permissions };

  it('given a role held by a peer Owner, when an Owner edits it, then it is refused naming the holder', () => {
    const verdict = mayEditRole(owner, role, { ...role, rank: 1 }, [{ userId: 7, rank: RANK.owner }]);
    expect(verdict).to.deep.include({ allowed: false, code: 'ROLE_HELD_AT_OR_ABOVE_YOUR_TIER' });
    expect(verdict.allowed ? undefined : verdict.details).to.deep.equal({ yourRank: RANK.owner, holders: [{ userId: 7, rank: RANK.owner }] });
  });

  it('given a role held by someone above the editor, when edited, then it is refused', () => {
    expect(codeOf(mayEditRole(admin, { rank: 5, permissions: [] }, { rank: 5, permissions: [] }, [{ userId: 1, rank: RANK.organizationOwner }]))).to.equal('ROLE_HELD_AT_OR_ABOVE_YOUR_TIER');
  });

  it('given holders all below the editor, when edited within what the editor may grant, then it is allowed', () => {
    expect(codeOf(mayEditRole(owner, { rank: 5, permissions: ['accounts.read'] }, { rank: RANK.owner, permissions: ['users.read'] }, [{ userId: 1, rank: 5 }, { userId: 2, rank: RANK.admin }]))).to.equal('allowed');
  });

  it('given no holders, when the rank is raised above the editor or a permission they lack is added, then it is refused', () => {
    expect(codeOf(mayEditRole(owner, { rank: 5, permissions: [] }, { rank: RANK.organizationOwner, permissions: [] }, []))).to.equal('RANK_ABOVE_YOURS');
    expect(codeOf(mayEditRole(owner, { rank: 5, permissions: [] }, { rank: 5, permissions: ['subaccounts.create'] }, []))).to.equal('PERMISSION_NOT_HELD');
  });

  it('given a role already ranked above the editor, when they only rename it, then it is refused', () => {
    expect(codeOf(mayEditRole(admin, role, role, []))).to.equal('RANK_ABOVE_YOURS');
  });
});

describe('tier rules: never the last Organization Owner', () => {
  it('given two Organization Owners, when one removes the other, then it is allowed; given one, then refused', () => {
    expect(mayRemove(top(organizationOwner), top(organizationOwner), 2)).to.deep.equal({ allowed: true });
    expect(codeOf(mayRemove(top(organizationOwner), top(organizationOwner), 1))).to.equal('LAST_TOP_TIER_HOLDER');
  });

  it('given a reseller above the organization, when they remove the last Organization Owner, then it is refused', () => {
    expect(codeOf(mayRemove(top(resellerOwner), top(organizationOwner), 1))).to.equal('LAST_TOP_TIER_HOLDER');
    expect(mayRemove(top(resellerOwner), top(organizationOwner), 2)).to.deep.equal({ allowed: true });
  });

  it('given an Owner, when they remove an Organization Owner, then the rank rule refuses it first', () => {
    expect(codeOf(mayRemove(top(owner), top(organizationOwner), 1))).to.equal('TARGET_NOT_BELOW_YOU');
  });

  it('given a reseller, when they demote the last active Organization Owner, then it is refused; with another one, allowed', () => {
    expect(codeOf(mayChangeRole(resellerOwner, organizationOwner, owner, 1))).to.equal('LAST_TOP_TIER_HOLDER');
    expect(mayChangeRole(resellerOwner, organizationOwner, owner, 2)).to.deep.equal({ allowed: true });
    expect(mayChangeRole(resellerOwner, organizationOwner, organizationOwner, 1)).to.deep.equal({ allowed: true });
  });

  it('given an invited Organization Owner, when demoted while one other is active, then it is allowed', () => {
    expect(mayChangeRole(resellerOwner, { ...organizationOwner, status: 'invited' }, owner, 1)).to.deep.equal({ allowed: true });
  });

  it('given Organization Owners, when one demotes another, then the rank rule refuses it (peers are not below)', () => {
    expect(codeOf(mayChangeRole(organizationOwner, organizationOwner, owner, 2))).to.equal('TARGET_NOT_BELOW_YOU');
  });
});
