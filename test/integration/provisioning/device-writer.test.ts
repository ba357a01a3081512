// The device writer against the real MariaDB and Asterisk: what it writes, what it refuses, and that
// Asterisk's own login can read the configuration but not change it.
import { expect } from 'chai';
import { ApiError } from '../../../admin-api/http/errors';
import { openDatabase } from '../../../db/connection';
import { AriAppProcess } from '../../support/ari-app-process';
import { asteriskCli } from '../../support/asterisk-control';
import { createTestAccount, openTestStack, removeTestAccount, type TestStack } from '../../support/stack';

async function rowCounts(stack: TestStack): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['devices', 'ps_endpoints', 'ps_auths', 'ps_aors', 'extensions']) {
    const row = await stack.db(table).count<{ n: number }[]>({ n: '*' }).first();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

async function expectApiError(work: Promise<unknown>, status: number, code: string): Promise<ApiError> {
  try {
    await work;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    expect((error as ApiError).status).to.equal(status);
    expect((error as ApiError).code).to.equal(code);
    return error as ApiError;
  }
  throw new Error(`expected ${status} ${code}`);
}

describe('device writer (admin-api/devices/service) against MariaDB and Asterisk', function () {
  this.timeout(30_000);
  let stack: TestStack;
  let app: AriAppProcess;
  let accountId: number;

  before(async () => {
    stack = await openTestStack();
    // Applies the dialplan changes of new accounts, as in production.
    app = new AriAppProcess();
    await app.start();
    const { account } = await stack.accounts.create({ kind: 'reseller', name: 'Writer reseller' });
    accountId = account.id;
  });

  after(async () => {
    if (accountId) await stack.accounts.remove(accountId);
    await app?.stop();
    await stack?.close();
  });

  it('given a valid device, when created, then its endpoint, auth and aor rows sit in the account context, reached by its catch-all dial rows, and Asterisk knows it', async () => {
    const device = await stack.devices.create(accountId, { extension: '401', label: 'Front desk', kind: 'desk_phone' });
    const context = `acct-${accountId}`;
    const endpoint = await stack.db('ps_endpoints').where({ id: device.sip.username }).first();
    expect(endpoint).to.include({ context, aors: device.sip.username, auth: device.sip.username, identify_by: 'username' });
    const auth = await stack.db('ps_auths').where({ id: device.sip.username }).first();
    expect(auth).to.include({ auth_type: 'digest', username: device.sip.username, password: device.sip.password });
    expect(device.sip.password).to.have.length(24);
    expect(device.sip).to.include({ server: stack.config.sip.publicHost, port: stack.config.sip.port });
    // No per-extension row (issue 9): the account's catch-all rows enter the ARI app's dial flow.
    expect(await stack.db('extensions').where({ context, exten: '401' })).to.have.length(0);
    const dial = await stack.db('extensions').where({ context, exten: '_X.' }).orderBy('priority');
    expect(dial.map((row: { app: string; appdata: string }) => [row.app, row.appdata])).to.deep.equal([
      ['TryExec', `Stasis(\${PBX_APP},dial,${accountId},\${EXTEN})`], ['Goto', 'pbx-after-stasis,s,1'],
    ]);
    // Asterisk reads the new rows through ODBC on first use, without any reload.
    const shown = await asteriskCli(`pjsip show endpoint ${device.sip.username}`);
    expect(shown).to.include(`Endpoint:  ${device.sip.username}/401`);
    expect(shown).to.match(new RegExp(`context\\s+:\\s+${context}`));
  });

  // Invalid fields are the route table's to refuse (one validation, from the schema): devices-api.test.ts checks
  // the 400 and that nothing is written.

  it('given an account that does not exist, when creating a device, then a 404 and nothing is half-written', async () => {
    const before = await rowCounts(stack);
    await expectApiError(stack.devices.create(999_999_999, { extension: '402', label: 'Ghost', kind: 'softphone' }), 404, 'ACCOUNT_NOT_FOUND');
    expect(await rowCounts(stack)).to.deep.equal(before);
  });

  it('given two devices on one extension, when both are removed, then the account keeps its catch-all dial rows', async () => {
    const first = await stack.devices.create(accountId, { extension: '403', label: 'Desk', kind: 'desk_phone' });
    const second = await stack.devices.create(accountId, { extension: '403', label: 'Mobile', kind: 'softphone' });
    const context = `acct-${accountId}`;
    await stack.devices.remove(accountId, first.id);
    expect(await stack.db('ps_endpoints').where({ id: first.sip.username }).first()).to.equal(undefined);
    await stack.devices.remove(accountId, second.id);
    expect(await stack.db('extensions').where({ context, exten: '403' })).to.have.length(0);
    expect(await stack.db('extensions').where({ context }).whereIn('exten', ['_X.', '_X', '_+X.', '_*X.'])).to.have.length(8);
  });

  it("given Asterisk's ODBC login, then it reads the configuration tables but cannot change them", async () => {
    const asterisk = openDatabase(stack.config.db, stack.config.db.asterisk);
    try {
      await asterisk('ps_endpoints').select('id').limit(1);
      let refused: unknown;
      try {
        await asterisk('ps_endpoints').insert({ id: 'intruder', context: 'acct-1' });
      } catch (error) {
        refused = error;
      }
      expect((refused as { code?: string })?.code).to.equal('ER_TABLEACCESS_DENIED_ERROR');
      await asterisk('ps_contacts').where({ id: 'none' }).delete();
    } finally {
      await asterisk.destroy();
    }
  });

  it('given an organization, when created under a subaccount, then it is refused and no account row is added', async () => {
    const organization = await createTestAccount(stack, 'Tree org');
    const { account: sub } = await stack.accounts.create({ kind: 'subaccount', name: 'Branch', parentId: organization });
    const before = await stack.db('accounts').count<{ n: number }[]>({ n: '*' }).first();
    await expectApiError(stack.accounts.create({ kind: 'organization', name: 'Wrong', parentId: sub.id }), 422, 'ACCOUNT_PARENT_INVALID');
    expect(await stack.db('accounts').count<{ n: number }[]>({ n: '*' }).first()).to.deep.equal(before);
    await stack.accounts.remove(sub.id);
    await removeTestAccount(stack, organization);
  });
});
