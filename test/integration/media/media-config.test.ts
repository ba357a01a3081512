// The endpoints' media time-outs and session timers come from the configuration (SIP_RTP_TIMEOUT_SECONDS and
// friends) on every path that writes endpoint rows: a device made one at a time, devices made in bulk, and trunks
// put through the API.
import { expect } from 'chai';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';
import { loadConfig } from '../../../core/config';
import { removeAccountTree, startTestApi, uniqueName, type TestApi } from '../../support/admin-api';
import { expectStatus, presetRoleId } from '../identity/helpers';

describe('endpoint media time-outs from the configuration', function () {
  this.timeout(60_000);
  const media = { rtpTimeoutSeconds: 37, rtpTimeoutHoldSeconds: 301, sessionTimers: 'yes' as const, sessionExpiresSeconds: 1234 };
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi['organization']>>;
  const trunk = uniqueName('mc').slice(0, 30);

  before(async () => {
    const config = loadConfig();
    api = await startTestApi({ sip: { ...config.sip, endpointMedia: media } });
    org = await api.organization('Media Config Corp');
    await setPlatformOperator(api.db, org.username, true);
  });

  after(async () => {
    if (org) await org.api.delete(`/v1/trunks/${trunk}`);
    if (org) await removeAccountTree(api.db, org.accountId);
    await api?.close();
  });

  const timers = async (endpointId: string): Promise<unknown> =>
    api.db('ps_endpoints').where({ id: endpointId }).first('rtp_timeout', 'rtp_timeout_hold', 'timers_sess_expires');
  const expected = { rtp_timeout: 37, rtp_timeout_hold: 301, timers_sess_expires: 1234 };

  it('given configured media time-outs, when users and their devices are made in bulk, then their endpoint rows carry them', async () => {
    const username = uniqueName('mcb');
    const response = await org.api.post(`/v1/accounts/${org.accountId}/users/bulk`, {
      roleId: await presetRoleId(org.api, org.accountId, 'admin'),
      users: [{ username, fullName: 'Media Bulk', email: `${username}@example.test`, extension: '2601' }],
    });
    expectStatus(response, 201);
    const device = await api.db('devices').join('users', 'users.id', 'devices.user_id').where('users.username', username).first('devices.endpoint_id');
    expect(await timers(String(device?.endpoint_id))).to.deep.equal(expected);
  });

  it('given configured media time-outs, when a trunk is put through the API, then its endpoint row carries them', async () => {
    const put = await org.api.put(`/v1/trunks/${trunk}`, {
      provider: 'Media Test Telecom', host: 'sip.example.test', inbound: { addresses: ['192.0.2.40'] }, qualifySeconds: 0, accounts: [org.accountId], numbers: [],
    });
    expectStatus(put, 201);
    const row = await api.db('ps_endpoints').where('id', 'like', `%${trunk}%`).first('id');
    expect(await timers(String(row?.id))).to.deep.equal(expected);
  });
});
