// Outbound calls end to end: a registered desk phone (SIPp) dials external and emergency numbers, Asterisk sends
// them through two trunks whose providers are SIPp on loopback addresses (the trunk file allows private
// addresses), and the tests assert what the providers receive (number, From, P-Asserted-Identity), what the
// caller hears (183 early media for an announcement, the final SIP status), the call record, and the emergency
// email. Run under the test lock: it places real SIP calls and runs its own ARI app and worker.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Database } from '../../../db/connection';
import { dialplanContextFor } from '../../../db/repositories/accounts';
import { deleteDeviceEndpoints, insertDeviceEndpoints } from '../../../db/repositories/pjsip';
import type { DeviceProvisioning } from '../../support/stack';
import { AriAppProcess } from '../../support/ari-app-process';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { placeCall, register, type Phone } from '../../support/phones';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent, type SippResult } from '../../support/sipp';
import { until } from '../../support/until';
import { addUser, expectStatus, useOrganization } from '../identity/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const scenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);
const PROVIDERS = { a: { ip: '127.0.0.21', number: '+15550001001' }, b: { ip: '127.0.0.22', number: '+15550002001' } } as const;
type ProviderName = keyof typeof PROVIDERS;
const CALLBACK = '+14155550199';

function trunkYaml(provider: ProviderName, port: number, accountId: number): string {
  const { ip, number } = PROVIDERS[provider];
  return [
    `provider: Loopback ${provider.toUpperCase()}`, 'allowPrivateAddresses: true', `host: ${ip}`, `port: ${port}`, 'transport: udp',
    'register: false', 'inbound:', `  addresses: [${ip}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${accountId}]`,
    'numbers:', `  - number: "${number}"`, `    account: ${accountId}`, '',
  ].join('\n');
}

function trunksApply(dir: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'admin-api/trunks/apply.ts', '--dir', dir], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(result.status, result.stdout + result.stderr).to.equal(0);
}

/** A desk phone of the user, written as the devices service writes it (device row, endpoint, auth, aor). Straight
 *  in the database while the devices API moves from extensions to users (issue 9); its own suite tests the API. */
async function provisionDesk(db: Database, accountId: number, userId: number): Promise<DeviceProvisioning> {
  const endpointId = `out${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const legacyExtension = (await db.schema.hasColumn('devices', 'extension')) ? { extension: '201' } : {};
  await db('devices').insert({ account_id: accountId, label: 'Front desk', kind: 'desk_phone', endpoint_id: endpointId, user_id: userId, ...legacyExtension });
  await insertDeviceEndpoints(db, [{ endpointId, password, context: dialplanContextFor(accountId), kind: 'desk_phone', callerIdName: 'Front desk', callerIdNumber: '201' }]);
  return { sip: { username: endpointId, password } } as DeviceProvisioning;
}

describe('outbound calls through trunks (SIPp providers, failover, toll fraud, emergency)', function () {
  this.timeout(120_000);
  // Registered before the fixture's own hook, which closes the database.
  after(async () => {
    phone?.rtp.close();
    if (phone) await deleteDeviceEndpoints(f.api.db, [phone.device.sip.username]);
    await app?.stop();
    for (const file of fs.readdirSync(dir)) fs.rmSync(path.join(dir, file));
    trunksApply(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f = useOrganization({ name: 'Outbound org', subaccount: 'Outbound desk', mail: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outbound-trunks-'));
  const ports = { a: 0, b: 0 };
  const rtpPorts = { a: 0, b: 0 };
  let app: AriAppProcess;
  let phone: Phone;

  /** A provider's SIPp for one call. */
  function provider(name: ProviderName, scenarioName: string, options: { keys?: Record<string, string>; pauseMs?: number } = {}): SippAgent {
    return new SippAgent({ scenario: scenario(scenarioName), localIp: PROVIDERS[name].ip, localPort: ports[name], keys: { rtp_port: rtpPorts[name], ...options.keys }, pauseMs: options.pauseMs ?? 200, timeoutSeconds: 25 });
  }

  async function dial(number: string, holdMs = 1000): Promise<SippResult> {
    return (await placeCall(phone, number, holdMs)).done;
  }

  async function recordOf(to: string, since: Date): Promise<Record<string, unknown>> {
    return until(`the call record to ${to}`, async () => {
      const row = await f.api.db('call_records').where({ to_number: to, account_id: f.subaccountId }).andWhere('started_at', '>=', since).whereNotNull('ended_at').orderBy('started_at', 'desc').first();
      return row as Record<string, unknown> | undefined;
    }, { timeoutMs: 10_000 });
  }

  async function settings(change: Record<string, unknown>): Promise<void> {
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}`, change), 200);
  }

  before(async () => {
    app = new AriAppProcess({ LOG_LEVEL: 'debug', TRUNK_PROGRESS_TIMEOUT_SECONDS: '2' });
    await app.start();
    ports.a = await freeUdpPort();
    ports.b = await freeUdpPort();
    rtpPorts.a = await freeRtpPort();
    rtpPorts.b = await freeRtpPort();
    fs.writeFileSync(path.join(dir, 'out-a.yaml'), trunkYaml('a', ports.a, f.subaccountId));
    fs.writeFileSync(path.join(dir, 'out-b.yaml'), trunkYaml('b', ports.b, f.subaccountId));
    trunksApply(dir);
    const user = await addUser(f.org.api, f.subaccountId, 'agent');
    // Outbound calls need dialer access (issue 10): granted with provider A's number (the trunk files share their
    // numbers with the account, so B's is theirs to present too).
    const listed = await f.org.api.get(`/v1/accounts/${f.subaccountId}/numbers?q=${encodeURIComponent(PROVIDERS.a.number)}`);
    expectStatus(await f.org.api.put(`/v1/accounts/${f.subaccountId}/users/${user.id}/dialer-access`, { numberId: listed.body.numbers[0].id }), 200);
    phone = { device: await provisionDesk(f.api.db, f.subaccountId, user.id), uasPort: await freeUdpPort(), rtp: new RtpPeer(await freeRtpPort()) };
    await phone.rtp.start();
    expect((await register(phone)).logged.final).to.equal('200');
    await settings({ callbackNumber: CALLBACK });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`ari-app log:\n${app.output.slice(-8000)}\n`);
  });


  it('given the first provider answers 503, when the phone dials a national number, then it goes out through the second with that trunk\'s number as caller ID', async () => {
    const since = new Date();
    const first = provider('a', 'provider-503');
    const second = provider('b', 'provider-answer');
    const caller = await dial('4155550123');
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(a.logged.called, a.errors).to.equal('+14155550123');
    expect(b.logged, b.errors).to.include({ called: '+14155550123', from: PROVIDERS.b.number, pai: PROVIDERS.b.number, hangup: 'yes' });
    // A session refresh after bridging presents the same number, never the phone's extension.
    if (b.logged.refresh_pai !== undefined) expect(b.logged.refresh_pai).to.equal(PROVIDERS.b.number);
    const record = await recordOf('+14155550123', since);
    expect(record).to.include({ direction: 'outbound', outcome: 'answered' });
    const legs = await f.api.db('call_record_legs').where({ call_id: record.id }).orderBy('id');
    expect(legs.map((leg: { trunk: string; outcome: string }) => [leg.trunk, leg.outcome])).to.deep.equal([['out-a', 'failed'], ['out-b', 'answered']]);
  });

  it('given the first provider answers 408, then the call goes out through the second', async () => {
    const first = provider('a', 'provider-408');
    const second = provider('b', 'provider-answer');
    const caller = await dial('+14155550124');
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(a.logged.called).to.equal('+14155550124');
    expect(b.logged.called, b.errors).to.equal('+14155550124');
  });

  it('given the first provider does not answer at all, then after the progress timeout the call goes out through the second', async () => {
    const first = provider('a', 'provider-silent', { pauseMs: 5000 });
    const second = provider('b', 'provider-answer');
    const caller = await dial('+14155550125');
    const b = await second.done;
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(b.logged.called, b.errors).to.equal('+14155550125');
    expect((await first.done).logged.called).to.equal('+14155550125');
  });

  it('given the account holds no number on any trunk, then an announcement (183) and 403, and no provider is called; with no trunk at all, 503', async () => {
    const numbers = await f.api.db('phone_numbers').where({ account_id: f.subaccountId }).select('id', 'number');
    await f.api.db('phone_numbers').whereIn('id', numbers.map((row: { id: number }) => row.id)).update({ account_id: null });
    try {
      const noCallerId = await dial('+14155550126');
      expect(noCallerId.logged, noCallerId.errors).to.include({ final: '403', early_media: 'yes' });
    } finally {
      await f.api.db('phone_numbers').whereIn('id', numbers.map((row: { id: number }) => row.id)).update({ account_id: f.subaccountId });
    }
    const served = await f.api.db('trunk_accounts').where({ account_id: f.subaccountId }).select('trunk_id', 'account_id');
    await f.api.db('trunk_accounts').where({ account_id: f.subaccountId }).delete();
    try {
      const noTrunk = await dial('+14155550127');
      expect(noTrunk.logged, noTrunk.errors).to.include({ final: '503', early_media: 'yes' });
    } finally {
      await f.api.db('trunk_accounts').insert(served);
    }
  });

  it('given no country allowed abroad, then an international number is refused (403) with a record saying why; allowed once GB is listed', async () => {
    const since = new Date();
    const refused = await dial('011442071234567');
    expect(refused.logged, refused.errors).to.include({ final: '403', early_media: 'yes' });
    expect(await recordOf('+442071234567', since)).to.include({ outcome: 'refused', outcome_reason: 'international not allowed' });
    await settings({ internationalAllowedCountries: ['GB'] });
    const gb = provider('a', 'provider-answer');
    const allowed = await dial('011442071234567');
    expect(allowed.logged.final, allowed.errors).to.equal('200');
    expect((await gb.done).logged).to.include({ called: '+442071234567', from: PROVIDERS.a.number });
  });

  it('given a premium-rate number, then refused with 403 even where its country is allowed', async () => {
    await settings({ internationalAllowedCountries: ['GB'] });
    const since = new Date();
    for (const number of ['19005550100', '+449012345678']) {
      const refused = await dial(number);
      expect(refused.logged, `${number}: ${refused.errors}`).to.include({ final: '403', early_media: 'yes' });
    }
    expect(await recordOf('+19005550100', since)).to.include({ outcome: 'refused', outcome_reason: 'premium rate' });
  });

  it('given calling hours that exclude now, then an announcement and 403; an emergency call then goes out with the callback number and the admins get an email', async () => {
    const hour = new Date().getUTCHours();
    const clock = (h: number): string => `${String(h % 24).padStart(2, '0')}:00`;
    await settings({ callingHours: { start: clock(hour + 2), end: clock(hour + 3), timezone: 'UTC' } });
    try {
      const since = new Date();
      const closed = await dial('+14155550128');
      expect(closed.logged, closed.errors).to.include({ final: '403', early_media: 'yes' });
      expect(await recordOf('+14155550128', since)).to.include({ outcome: 'refused', outcome_reason: 'outside calling hours' });
      const emergencyService = provider('a', 'provider-answer');
      const emergency = await dial('911');
      expect(emergency.logged.final, emergency.errors).to.equal('200');
      expect((await emergencyService.done).logged).to.include({ called: '911', from: CALLBACK, pai: CALLBACK });
      const mail = await f.smtp.waitFor(`${f.org.username}@example.test`);
      expect(mail.subject).to.include('911');
      expect(mail.body).to.include(CALLBACK).and.to.include('Front desk');
    } finally {
      await settings({ callingHours: null });
    }
  });

  it('given a limit of one outbound call, when a second is placed while the first is up, then the second gets 503 and the first carries on', async () => {
    await settings({ maxConcurrentOutbound: 1 });
    try {
      const first = provider('a', 'provider-answer');
      const mark = app.mark();
      const firstCall = await placeCall(phone, '+14155550129', 4000);
      await app.waitForLog('outbound call connected', mark);
      const second = await dial('+14155550130');
      expect(second.logged, second.errors).to.include({ final: '503', early_media: 'yes' });
      const [caller, answered] = await Promise.all([firstCall.done, first.done]);
      expect(caller.logged, caller.errors).to.include({ final: '200', hangup: '200' });
      expect(answered.logged.called).to.equal('+14155550129');
      // The slot is free again once the first call ended.
      const again = provider('a', 'provider-answer');
      const third = await dial('+14155550131');
      expect(third.logged.final, third.errors).to.equal('200');
      await again.done;
    } finally {
      await settings({ maxConcurrentOutbound: 10 });
    }
  });
});
