// The account's outbound dialing settings through the admin API: defaults shown by GET, edits by PATCH, and
// every wrong value refused with the field named (pure admin-API: no Asterisk, no lock needed).
import { expect } from 'chai';
import { expectStatus, useOrganization } from '../identity/helpers';

describe('outbound settings of an account (GET/PATCH /v1/accounts/:accountId)', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Outbound settings org', subaccount: 'Outbound desk' });

  it('given a new account, when read, then toll-fraud protection is on: no country allowed abroad, 911/112/999, 10 calls at once', async () => {
    const account = await f.org.api.get(`/v1/accounts/${f.subaccountId}`);
    expectStatus(account, 200);
    expect(account.body).to.include({ outsideLinePrefix: null, maxConcurrentOutbound: 10 });
    expect(account.body.internationalAllowedCountries).to.deep.equal([]);
    expect(account.body.emergencyNumbers).to.deep.equal(['911', '112', '999']);
  });

  it('given an admin, when the settings are edited, then GET shows them and the audit row has before and after', async () => {
    const change = { outsideLinePrefix: '9', internationalAllowedCountries: ['GB', 'FR'], emergencyNumbers: ['911', '000'], maxConcurrentOutbound: 2, defaultAreaCode: '415', callbackNumber: '+14155550199' };
    const edited = await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, change);
    expectStatus(edited, 200);
    expect(edited.body).to.deep.include(change);
    expect((await f.org.api.get(`/v1/accounts/${f.subaccountId}`)).body).to.deep.include(change);
    const audit = await f.api.db('audit_log').where({ action: 'account.update', entity_id: String(f.subaccountId) }).orderBy('id', 'desc').first();
    const after = typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after;
    expect(after).to.deep.include({ internationalAllowedCountries: ['GB', 'FR'], maxConcurrentOutbound: 2 });
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, { outsideLinePrefix: null }), 200);
  });

  it('given wrong values, then 400 VALIDATION_FAILED naming each field, and nothing changes', async () => {
    const before = (await f.org.api.get(`/v1/accounts/${f.subaccountId}`)).body;
    const bad = await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, {
      outsideLinePrefix: '99a', internationalAllowedCountries: ['XX'], emergencyNumbers: [], maxConcurrentOutbound: -1,
    });
    expectStatus(bad, 400, 'VALIDATION_FAILED');
    const paths = bad.body.error.details.fields.map((field: { path: string }) => field.path);
    expect(paths).to.include.members(['/outsideLinePrefix', '/internationalAllowedCountries/0', '/emergencyNumbers', '/maxConcurrentOutbound']);
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, { internationalAllowedCountries: ['GB', 'GB'] }), 400, 'VALIDATION_FAILED');
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, { emergencyNumbers: ['91#'] }), 400, 'VALIDATION_FAILED');
    expect((await f.org.api.get(`/v1/accounts/${f.subaccountId}`)).body).to.deep.equal(before);
  });
});
