// The account routes and /v1/me answer with exactly these bodies and write exactly these audit rows: the shape
// the API had before the accounts and me domains took the admin-api layout, pinned so a move cannot change it.
import { expect } from 'chai';
import { addUser, expectStatus, useOrganization } from './helpers';

interface AuditRow {
  account_id: number | string | null;
  actor_user_id: number | string | null;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
}

const settingsFree = {
  defaultAreaCode: null, callingHours: null, callbackNumber: null,
  outsideLinePrefix: null, internationalAllowedCountries: [], emergencyNumbers: ['911', '112', '999'], maxConcurrentOutbound: 10,
};

describe('accounts and /v1/me: bodies and audit rows', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Shapes org', subaccount: 'Shapes phones' });

  async function auditOf(action: string, entityId: number): Promise<AuditRow> {
    const row = (await f.api.db('audit_log').where({ action, entity_id: String(entityId) }).orderBy('id', 'desc').first()) as AuditRow | undefined;
    if (!row) throw new Error(`no ${action} audit row for ${entityId}`);
    return row;
  }
  // MariaDB hands JSON columns over as text.
  const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

  it('given an organization, when it and its subaccount are read, then only the organization carries export targets', async () => {
    const org = await f.org.api.get(`/v1/accounts/${f.org.accountId}`);
    expectStatus(org, 200);
    expect(org.body).to.deep.equal({ id: f.org.accountId, parentId: org.body.parentId, kind: 'organization', name: 'Shapes org', ...settingsFree, exportTargets: [] });
    const sub = await f.org.api.get(`/v1/accounts/${f.subaccountId}`);
    expect(sub.body).to.deep.equal({ id: f.subaccountId, parentId: f.org.accountId, kind: 'subaccount', name: 'Shapes phones', ...settingsFree });
  });

  it('given settings, when the Organization Owner edits them, then the body and the audit row hold the account before and after', async () => {
    const change = { defaultAreaCode: '212', callingHours: { start: '08:30', end: '18:00', timezone: 'America/New_York' }, callbackNumber: '+12125550100', exportTargets: [{ kind: 'bigquery', destination: 'project.dataset' }] };
    const edited = await f.org.api.patch(`/v1/accounts/${f.org.accountId}`, change);
    expectStatus(edited, 200);
    const after = { id: f.org.accountId, parentId: edited.body.parentId, kind: 'organization', name: 'Shapes org', ...settingsFree, ...change };
    expect(edited.body).to.deep.equal(after);
    const row = await auditOf('account.update', f.org.accountId);
    expect(row.entity).to.equal('account');
    expect([Number(row.account_id), Number(row.actor_user_id)]).to.deep.equal([f.org.accountId, f.org.userId]);
    expect(json(row.before)).to.deep.equal({ ...after, ...settingsFree, exportTargets: [] });
    expect(json(row.after)).to.deep.equal(after);
    const cleared = await f.org.api.patch(`/v1/accounts/${f.org.accountId}`, { callingHours: null, exportTargets: null });
    expect(cleared.body).to.include({ callingHours: null }).and.to.deep.include({ exportTargets: [] });
  });

  it('given a wrong value for a setting that may be null, when saved, then 400 names that one problem only', async () => {
    const bad = await f.org.api.patch(`/v1/accounts/${f.org.accountId}`, { defaultAreaCode: '123', callbackNumber: 5 });
    expectStatus(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details.fields).to.deep.equal([
      { path: '/defaultAreaCode', message: 'must match pattern "^[2-9][0-9]{2}$"' },
      { path: '/callbackNumber', message: 'must be string,null' },
    ]);
  });

  it('given a child account created with settings and then removed, then both audit rows show it, the removal on the parent', async () => {
    const created = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Shapes branch', callbackNumber: '+14155550123' });
    expectStatus(created, 201);
    const branch = { id: created.body.id, parentId: f.org.accountId, kind: 'subaccount', name: 'Shapes branch', ...settingsFree, callbackNumber: '+14155550123' };
    expect(created.body).to.deep.equal(branch);
    expect(json((await auditOf('account.create', branch.id)).after)).to.deep.equal(branch);
    expectStatus(await f.org.api.delete(`/v1/accounts/${branch.id}`), 204);
    const removal = await auditOf('account.delete', branch.id);
    expect(Number(removal.account_id)).to.equal(f.org.accountId);
    expect(json(removal.before)).to.deep.equal(branch);
    expect(removal.after).to.equal(null);
  });

  it('given a user, when they edit their profile, then /v1/me returns the user and the audit row is theirs, in no account', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const before = (await agent.api.get('/v1/me')).body;
    expect(before).to.deep.equal({ id: agent.id, username: agent.username, fullName: 'agent user', email: `${agent.username}@example.test`, status: 'active', phoneMode: 'sip', language: 'en', theme: 'light', timezone: 'UTC', extensions: [] });
    const edited = await agent.api.patch('/v1/me', { fullName: 'Agent Anew', theme: 'dark' });
    expectStatus(edited, 200);
    expect(edited.body).to.deep.equal({ ...before, fullName: 'Agent Anew', theme: 'dark' });
    const row = await auditOf('me.update', agent.id);
    expect(row).to.include({ account_id: null, entity: 'user' });
    expect(Number(row.actor_user_id)).to.equal(agent.id);
    const { extensions: _extensions, ...profileBefore } = before;
    expect(json(row.before)).to.deep.equal(profileBefore);
    expect(json(row.after)).to.deep.equal({ fullName: 'Agent Anew', theme: 'dark' });
  });

  it('given a user holding a role in one subaccount, when they list their accounts, then each comes with role, rank and inheritance', async () => {
    const agent = await addUser(f.org.api, f.subaccountId, 'agent');
    const mine = await agent.api.get('/v1/me/accounts');
    expectStatus(mine, 200);
    expect(mine.body.accounts).to.have.length(1);
    const [only] = mine.body.accounts;
    expect(only).to.deep.equal({ id: f.subaccountId, parentId: f.org.accountId, kind: 'subaccount', name: 'Shapes phones', ...settingsFree, role: only.role, rank: only.rank, inherited: false });
    expect(only.role).to.be.a('string');
    expect(only.rank).to.be.a('number');
    const owners = (await f.org.api.get('/v1/me/accounts')).body.accounts as { id: number; inherited: boolean; exportTargets?: unknown }[];
    expect(owners.map((account) => [account.id, account.inherited])).to.deep.include.members([[f.org.accountId, false], [f.subaccountId, true]]);
    expect(owners.find((account) => account.id === f.org.accountId)).to.have.property('exportTargets');
  });
});
