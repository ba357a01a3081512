// Outbound caller ID narrowed to the user's numbers (issue 10), end to end: registered desk phones (SIPp) dial
// out through two trunks whose providers are SIPp on loopback addresses, and the tests assert what a provider
// receives in From and P-Asserted-Identity: the caller's default number, a number shared with them, never a
// colleague's private number (though it sorts first, as "every number of the account" would have picked it),
// a refusal (183 announcement, then 403, no provider called) without dialer access or from the very next call
// after a revocation, and an emergency call that still goes out. Ownership, sharing, defaults and access are set
// through the admin API. Run under the test lock: it places real SIP calls and runs its own ARI app and worker.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { systemScope } from '../../../admin-api/system-scope';
import { loadTrunkFile } from '../../../admin-api/trunks/files';
import { TrunkService } from '../../../admin-api/trunks/service';
import { createLogger } from '../../../core/logger';
import { AriAppProcess } from '../../support/ari-app-process';
import { uniqueName } from '../../support/admin-api';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { placeCall, register, type Phone } from '../../support/phones';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent, type SippResult } from '../../support/sipp';
import { until } from '../../support/until';
import { addUser, expectStatus, useOrganization } from '../identity/helpers';

const scenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);
// Trunk A carries Carol's private number (first by number) and Alice's; trunk B carries Carol's number shared
// with Alice. The trunks' names sort A before B.
const PROVIDERS = {
  a: { ip: '127.0.0.41', numbers: { carol: '+15550004101', alice: '+15550004102' } },
  b: { ip: '127.0.0.42', numbers: { shared: '+15550004201' } },
} as const;
type ProviderName = keyof typeof PROVIDERS;

describe('outbound caller ID: the user\'s own and shared numbers only, their default first, dialer access required (SIPp providers)', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caller-id-trunks-'));
  const trunkNames = { a: uniqueName('cida').slice(0, 30), b: uniqueName('cidb').slice(0, 30) };
  const scope = systemScope('test-fixture', createLogger('test-fixture', process.env.TEST_LOG_LEVEL ?? 'error'));
  const ports = { a: 0, b: 0 };
  const rtpPorts = { a: 0, b: 0 };
  const phones: Record<string, Phone> = {};
  const users: Record<string, Awaited<ReturnType<typeof addUser>>> = {};
  const numberIds: Record<string, number> = {};
  let trunks: TrunkService;
  let app: AriAppProcess;

  // Registered before the fixture's own hook, which removes the accounts and closes the database.
  after(async () => {
    for (const phone of Object.values(phones)) phone.rtp.close();
    await app?.stop();
    for (const name of Object.values(trunkNames)) {
      const trunk = trunks && (await trunks.find(scope, name));
      if (trunk) await trunks.remove(scope, name, trunk.source);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f = useOrganization({ name: 'Caller ID org', subaccount: 'Caller ID desk', mail: true });

  function trunkYaml(name: ProviderName): string {
    const { ip, numbers } = PROVIDERS[name];
    return [
      `provider: Loopback ${name.toUpperCase()}`, 'allowPrivateAddresses: true', `host: ${ip}`, `port: ${ports[name]}`, 'transport: udp',
      'register: false', 'inbound:', `  addresses: [${ip}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${f.subaccountId}]`,
      'numbers:', ...Object.values(numbers).flatMap((number) => [`  - number: "${number}"`, `    account: ${f.subaccountId}`]), '',
    ].join('\n');
  }

  /** The trunk file written and applied alone, as trunks:apply writes one (other suites' trunks untouched). */
  async function applyTrunk(name: ProviderName): Promise<void> {
    const file = `${trunkNames[name]}.yaml`;
    fs.writeFileSync(path.join(dir, file), trunkYaml(name));
    const loaded = loadTrunkFile(dir, file);
    if (!loaded.trunk) throw new Error(`trunk file refused: ${JSON.stringify(loaded.problems)}`);
    await trunks.put(scope, loaded.trunk.write);
  }

  function provider(name: ProviderName, scenarioName = 'provider-answer'): SippAgent {
    return new SippAgent({ scenario: scenario(scenarioName), localIp: PROVIDERS[name].ip, localPort: ports[name], keys: { rtp_port: rtpPorts[name] }, pauseMs: 200, timeoutSeconds: 25 });
  }

  /** Stops a provider that should never have been called and tells whether an INVITE reached it. */
  async function wasCalled(agent: SippAgent): Promise<boolean> {
    agent.stop();
    return (await agent.done).logged.called !== undefined;
  }

  async function dial(who: string, number: string): Promise<SippResult> {
    return (await placeCall(phones[who] as Phone, number, 1000)).done;
  }

  async function recordOf(to: string, since: Date): Promise<Record<string, unknown>> {
    return until(`the call record to ${to}`, async () => {
      const row = await f.api.db('call_records').where({ to_number: to, account_id: f.subaccountId }).andWhere('started_at', '>=', since).whereNotNull('ended_at').orderBy('started_at', 'desc').first();
      return row as Record<string, unknown> | undefined;
    }, { timeoutMs: 10_000 });
  }

  const account = (rest: string): string => `/v1/accounts/${f.subaccountId}${rest}`;

  async function phoneOf(userId: number, label: string): Promise<Phone> {
    const created = await f.org.api.post(account('/devices'), { label, kind: 'desk_phone', userId });
    expectStatus(created, 201);
    const phone: Phone = { device: created.body, uasPort: await freeUdpPort(), rtp: new RtpPeer(await freeRtpPort()) };
    await phone.rtp.start();
    const registered = await register(phone);
    expect(registered.logged.final, registered.errors).to.equal('200');
    return phone;
  }

  before(async () => {
    app = new AriAppProcess({ LOG_LEVEL: 'debug', TRUNK_PROGRESS_TIMEOUT_SECONDS: '2' });
    await app.start();
    trunks = new TrunkService(f.api.db, f.api.notifier, f.api.config.sip.endpointMedia);
    for (const name of ['a', 'b'] as const) {
      ports[name] = await freeUdpPort();
      rtpPorts[name] = await freeRtpPort();
      await applyTrunk(name);
    }
    for (const name of ['alice', 'bob', 'carol']) users[name] = await addUser(f.org.api, f.subaccountId, 'agent');
    const listed = await f.org.api.get(account('/numbers'));
    for (const entry of listed.body.numbers as { id: number; number: string }[]) numberIds[entry.number] = entry.id;
    const own = async (number: string, change: Record<string, unknown>): Promise<void> => {
      expectStatus(await f.org.api.patch(account(`/numbers/${numberIds[number]}`), change), 200);
    };
    await own(PROVIDERS.a.numbers.carol, { ownerUserId: users.carol!.id, sharing: 'private' });
    await own(PROVIDERS.a.numbers.alice, { ownerUserId: users.alice!.id, sharing: 'private' });
    await own(PROVIDERS.b.numbers.shared, { ownerUserId: users.carol!.id, sharing: 'users', sharedWithUserIds: [users.alice!.id] });
    // Alice may dial out, with her own number as default; Bob may not.
    expectStatus(await f.org.api.put(account(`/users/${users.alice!.id}/dialer-access`), { numberId: numberIds[PROVIDERS.a.numbers.alice] }), 200);
    phones.alice = await phoneOf(users.alice!.id, 'Alice desk');
    phones.bob = await phoneOf(users.bob!.id, 'Bob desk');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`ari-app log:\n${app.output.slice(-8000)}\n`);
  });

  it('given Alice with dialer access, when she dials out, then the provider gets her default number in From and P-Asserted-Identity, not Carol\'s that sorts first', async () => {
    const answering = provider('a');
    const caller = await dial('alice', '+14155550141');
    const received = await answering.done;
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(received.logged, received.errors).to.include({ called: '+14155550141', from: PROVIDERS.a.numbers.alice, pai: PROVIDERS.a.numbers.alice, hangup: 'yes' });
    if (received.logged.refresh_pai !== undefined) expect(received.logged.refresh_pai).to.equal(PROVIDERS.a.numbers.alice);
  });

  it('given she picks the number Carol shares with her as her default, then the call goes out through its trunk presenting it', async () => {
    const picked = await users.alice!.api.put(`/v1/me/accounts/${f.subaccountId}/caller-id`, { numberId: numberIds[PROVIDERS.b.numbers.shared] });
    expectStatus(picked, 200);
    const untouched = provider('a');
    const answering = provider('b');
    const caller = await dial('alice', '+14155550142');
    const received = await answering.done;
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(received.logged, received.errors).to.include({ called: '+14155550142', from: PROVIDERS.b.numbers.shared, pai: PROVIDERS.b.numbers.shared });
    expect(await wasCalled(untouched), 'trunk A tried first').to.equal(false);
  });

  it('given her own number handed to Carol, then nothing on trunk A is hers to present: the call skips A and goes out through B with the shared number', async () => {
    expectStatus(await f.org.api.patch(account(`/numbers/${numberIds[PROVIDERS.a.numbers.alice]}`), { ownerUserId: users.carol!.id }), 200);
    expectStatus(await users.alice!.api.put(`/v1/me/accounts/${f.subaccountId}/caller-id`, { numberId: numberIds[PROVIDERS.a.numbers.alice] }), 409, 'NUMBER_NOT_USABLE');
    expectStatus(await users.alice!.api.put(`/v1/me/accounts/${f.subaccountId}/caller-id`, { numberId: null }), 200);
    const untouched = provider('a');
    const answering = provider('b');
    const caller = await dial('alice', '+14155550143');
    const received = await answering.done;
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(received.logged, received.errors).to.include({ called: '+14155550143', from: PROVIDERS.b.numbers.shared, pai: PROVIDERS.b.numbers.shared });
    expect(await wasCalled(untouched), 'trunk A with one of Carol\'s numbers').to.equal(false);
  });

  it('given Bob without dialer access, then an announcement (183) and 403, no provider is called, and the record says why', async () => {
    const since = new Date();
    const untouched = [provider('a'), provider('b')];
    const refused = await dial('bob', '+14155550144');
    expect(refused.logged, refused.errors).to.include({ final: '403', early_media: 'yes' });
    for (const agent of untouched) expect(await wasCalled(agent)).to.equal(false);
    expect(await recordOf('+14155550144', since)).to.include({ outcome: 'refused', outcome_reason: 'no dialer access' });
  });

  it('given Alice\'s access revoked, then her very next call is refused with 403, and an emergency call still goes out through the first trunk', async () => {
    const revoked = await f.org.api.post(account(`/users/${users.alice!.id}/dialer-access/revoke`), {});
    expectStatus(revoked, 200);
    const since = new Date();
    const untouched = [provider('a'), provider('b')];
    const refused = await dial('alice', '+14155550145');
    expect(refused.logged, refused.errors).to.include({ final: '403', early_media: 'yes' });
    for (const agent of untouched) expect(await wasCalled(agent)).to.equal(false);
    expect(await recordOf('+14155550145', since)).to.include({ outcome: 'refused', outcome_reason: 'no dialer access' });
    // No callback number is set: the emergency call presents the account's first number on the trunk, whoever's.
    const emergencyService = provider('a');
    const emergency = await dial('alice', '911');
    expect(emergency.logged.final, emergency.errors).to.equal('200');
    expect((await emergencyService.done).logged).to.include({ called: '911', from: PROVIDERS.a.numbers.carol, pai: PROVIDERS.a.numbers.carol });
  });
});
