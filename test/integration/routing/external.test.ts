// External numbers as destinations (SIPp phones and SIPp providers through Asterisk into the ARI app): a user's
// forwarding (always, on no answer) to an external number, a ring group's external member in its turn, a trunk
// number routed outside, trunk failover on such a leg, toll fraud by forwarding refused, and a user's forward
// outside followed only while they hold dialer access (it dials out at the account's expense). The providers are
// SIPp on their own loopback addresses behind two trunks whose files allow private addresses; the tests assert
// what a provider receives (number, From, P-Asserted-Identity), the audio between the phone and the provider,
// what the caller gets, and the call record. Run under the test lock.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Destination } from '../../../core/destinations';
import type { Phone } from '../../support/phones';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent } from '../../support/sipp';
import { until } from '../../support/until';
import { expectStatus } from '../identity/helpers';
import { dial, expectCall, invitedAt, useRoutingFixture, wasInvited, type ForwardKey } from './routing-fixture';

const ROOT = path.resolve(__dirname, '../../..');
const PROVIDERS = { a: { ip: '127.0.0.31', number: '+15550003001', trunk: 'fwd-a' }, b: { ip: '127.0.0.32', number: '+15550003002', trunk: 'fwd-b' } } as const;
type ProviderName = keyof typeof PROVIDERS;
// Calls from provider A to this number go to ROUTED_TO (the number's route in the trunk file).
const ROUTED_TO = '+14155550164';

describe('external numbers as destinations (forwarding, ring group members, trunk numbers) through SIPp providers', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routing-external-trunks-'));
  const ports = { a: 0, b: 0 };
  // Registered before the fixture's own hook, which removes the account the trunks serve.
  after(() => {
    for (const file of fs.readdirSync(dir)) fs.rmSync(path.join(dir, file));
    trunksApply();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f = useRoutingFixture({ account: 'Routing external org', appEnv: { TRUNK_PROGRESS_TIMEOUT_SECONDS: '2' } });
  const users: Record<string, number> = {};
  const phones: Record<string, Phone> = {};

  function trunkYaml(name: ProviderName, route?: string): string {
    const { ip, number } = PROVIDERS[name];
    return [
      `provider: Loopback ${name.toUpperCase()}`, 'allowPrivateAddresses: true', `host: ${ip}`, `port: ${ports[name]}`, 'transport: udp',
      'register: false', 'inbound:', `  addresses: [${ip}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${f.accountId}]`,
      'numbers:', `  - number: "${number}"`, `    account: ${f.accountId}`,
      ...(route ? ['    destination:', '      type: external', `      number: "${route}"`] : []), '',
    ].join('\n');
  }

  function trunksApply(): void {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'admin-api/trunks/apply.ts', '--dir', dir], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stdout + result.stderr).to.equal(0);
  }

  /** A provider's SIPp for one call; its media goes to `rtp` when given. */
  function provider(name: ProviderName, scenario: 'provider-answer-media' | 'provider-503', rtp?: RtpPeer): SippAgent {
    const file = scenario === 'provider-503' ? path.join(ROOT, 'test/integration/outbound/scenarios/provider-503.xml') : path.join(__dirname, 'scenarios', `${scenario}.xml`);
    return new SippAgent({ scenario: file, localIp: PROVIDERS[name].ip, localPort: ports[name], keys: { rtp_port: rtp?.port ?? 40000 }, pauseMs: 300, timeoutSeconds: 30 });
  }

  /** Dialer access for the user through the admin API, with the provider's number (a user forwarding outside
   *  dials out, and needs it). */
  async function grantDialerAccess(user: string, provider: ProviderName): Promise<void> {
    const listed = await f.admin.get(`/v1/accounts/${f.accountId}/numbers`);
    expectStatus(listed, 200);
    const numberId = (listed.body.numbers as { id: number; number: string }[]).find((entry) => entry.number === PROVIDERS[provider].number)?.id;
    expectStatus(await f.admin.put(`/v1/accounts/${f.accountId}/users/${users[user]}/dialer-access`, { numberId }), 200);
  }

  /** One forwarding rule of a user through the admin API (which takes any E.164 number: toll fraud is judged when
   *  the call is routed). */
  async function forward(user: string, condition: ForwardKey, to: Destination | null, noAnswerSeconds = 20): Promise<void> {
    await f.callSettings(users[user]!, { dnd: false, noAnswerSeconds, forwarding: { [condition]: to } });
  }

  async function recordTo(to: string, since: Date): Promise<Record<string, unknown>> {
    return until(`the call record to ${to}`, async () => {
      const row = await f.stack.db('call_records').where({ account_id: f.accountId, to_number: to }).andWhere('started_at', '>=', since).whereNotNull('ended_at').first();
      return row as Record<string, unknown> | undefined;
    }, { timeoutMs: 10_000 });
  }

  async function legsOf(callId: unknown): Promise<[string, string | null, string | null, string][]> {
    const legs = await f.stack.db('call_record_legs').where({ call_id: callId }).orderBy('id');
    return legs.map((leg: { kind: string; number: string | null; trunk: string | null; outcome: string }) => [leg.kind, leg.number, leg.trunk, leg.outcome]);
  }

  before(async () => {
    ports.a = await freeUdpPort();
    ports.b = await freeUdpPort();
    fs.writeFileSync(path.join(dir, `${PROVIDERS.a.trunk}.yaml`), trunkYaml('a'));
    fs.writeFileSync(path.join(dir, `${PROVIDERS.b.trunk}.yaml`), trunkYaml('b'));
    trunksApply();
    // A route to an external number needs a trunk serving the account: given once the trunks exist.
    fs.writeFileSync(path.join(dir, `${PROVIDERS.a.trunk}.yaml`), trunkYaml('a', ROUTED_TO));
    trunksApply();
    users.alice = await f.addUser('Alice Caller', '501');
    phones.alice = await f.addPhone(users.alice, 'Alice desk');
    users.carol = await f.addUser('Carol Forwards', '502');
    phones.carol = await f.addPhone(users.carol, 'Carol desk');
    users.xavier = await f.addUser('Xavier Member', '503');
    phones.xavier = await f.addPhone(users.xavier, 'Xavier desk');
    users.rita = await f.addUser('Rita Revoked', '504');
    // Carol's forwards go outside: the grant makes provider A's ownerless number hers (still shared with the
    // account, so others' routed calls present it too).
    await grantDialerAccess('carol', 'a');
  });

  it('given Carol forwards always to an external number, when Alice calls her, then the provider gets the INVITE for it from the account\'s number, the call connects with audio both ways, and the record shows the trunk leg', async () => {
    const to = '+14155550161';
    await forward('carol', 'always', { type: 'external', number: to });
    const since = new Date();
    const providerRtp = new RtpPeer(await freeRtpPort());
    await providerRtp.start();
    try {
      const answering = provider('a', 'provider-answer-media', providerRtp);
      const caller = await dial(phones.alice!, '502', 3000);
      const legs = await until('Alice and the provider are bridged', async () => {
        const [bridges, channels] = await Promise.all([f.stack.ari.listBridges(), f.stack.ari.listChannels()]);
        const alice = channels.find((channel) => channel.name.startsWith(`PJSIP/${phones.alice!.device.sip.username}-`));
        const trunk = channels.find((channel) => channel.name.startsWith(`PJSIP/trunk-${PROVIDERS.a.trunk}-`));
        const bridged = bridges.some((bridge) => alice && trunk && bridge.channels.includes(alice.id) && bridge.channels.includes(trunk.id));
        return bridged && alice && trunk ? { alice: alice.id, trunk: trunk.id } : undefined;
      });
      for (const [peer, leg, pattern, heard] of [[phones.alice!.rtp, legs.alice, 0x31, 0x32], [providerRtp, legs.trunk, 0x32, 0x31]] as const) {
        const { value } = await f.stack.ari.getVariable(leg, 'CHANNEL(rtp,src)');
        const [host, port] = value.split(':');
        peer.expectPattern(heard);
        peer.sendTo(host ?? '127.0.0.1', Number(port), pattern);
      }
      await until('the phone and the provider hear each other', () => phones.alice!.rtp.receivedWithPattern >= 25 && providerRtp.receivedWithPattern >= 25, { timeoutMs: 5000 });
      const [callerResult, providerResult] = await Promise.all([caller.done, answering.done]);
      phones.alice!.rtp.stopSending();
      expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
      expect(providerResult.logged, providerResult.errors).to.include({ called: to, from: PROVIDERS.a.number, pai: PROVIDERS.a.number, hangup: 'yes' });
      // After bridging Asterisk may refresh the session: still the account's number, never Alice's extension.
      if (providerResult.logged.refresh_pai !== undefined) expect(providerResult.logged.refresh_pai).to.equal(PROVIDERS.a.number);
      const record = await recordTo('502', since);
      expect(record).to.include({ direction: 'internal', outcome: 'answered', answered_by_number: to });
      expect(await legsOf(record.id)).to.deep.equal([['external', to, PROVIDERS.a.trunk, 'answered']]);
    } finally {
      providerRtp.close();
      await forward('carol', 'always', null);
    }
  });

  it('given the first trunk answers 503, when Carol\'s forward to an external number goes out, then the second trunk carries it with its own number', async () => {
    const to = '+14155550165';
    await forward('carol', 'always', { type: 'external', number: to });
    const since = new Date();
    try {
      const first = provider('a', 'provider-503');
      const second = provider('b', 'provider-answer-media');
      const caller = await (await dial(phones.alice!, '502')).done;
      const [a, b] = await Promise.all([first.done, second.done]);
      expect(caller.logged.final, caller.errors).to.equal('200');
      expect(a.logged.called, a.errors).to.equal(to);
      expect(b.logged, b.errors).to.include({ called: to, from: PROVIDERS.b.number });
      const record = await recordTo('502', since);
      expect((await legsOf(record.id)).map(([, , trunk, outcome]) => [trunk, outcome])).to.deep.equal([[PROVIDERS.a.trunk, 'failed'], [PROVIDERS.b.trunk, 'answered']]);
    } finally {
      await forward('carol', 'always', null);
    }
  });

  it('given Carol forwards on no answer after 5 s to an external number, when she does not pick up, then she rings 5 s and the provider answers', async () => {
    const to = '+14155550162';
    await forward('carol', 'noAnswer', { type: 'external', number: to }, 5);
    try {
      const carolRings = expectCall(phones.carol!, 'ring');
      const answering = provider('a', 'provider-answer-media');
      const caller = await (await dial(phones.alice!, '502')).done;
      const [carol, providerResult] = await Promise.all([carolRings.done, answering.done]);
      expect(caller.logged.final, caller.errors).to.equal('200');
      expect(providerResult.logged, providerResult.errors).to.include({ called: to, from: PROVIDERS.a.number });
      expect(invitedAt(providerResult) - invitedAt(carol), 'ms Carol rang before the call went out').to.be.within(4500, 7000);
    } finally {
      await forward('carol', 'noAnswer', null);
    }
  });

  it('given a linear ring group of Xavier then an external number, when Xavier does not answer, then the external member rings in its turn and answers', async () => {
    const to = '+14155550163';
    await f.ringGroup({ name: 'Support with mobile', extension: '590', strategy: 'linear', memberRingSeconds: 5, members: [{ userId: users.xavier! }, { number: to }] });
    const xavier = expectCall(phones.xavier!, 'ring');
    const answering = provider('a', 'provider-answer-media');
    const caller = await (await dial(phones.alice!, '590')).done;
    const [xavierResult, providerResult] = await Promise.all([xavier.done, answering.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(providerResult.logged, providerResult.errors).to.include({ called: to, from: PROVIDERS.a.number });
    expect(invitedAt(providerResult) - invitedAt(xavierResult), 'ms between Xavier and the external member ringing').to.be.within(4500, 7000);
  });

  it('given Carol forwards always to a premium-rate number, when Alice calls her, then the call is refused with 403, no provider is called, and the record says premium rate', async () => {
    const since = new Date();
    await forward('carol', 'always', { type: 'external', number: '+19005550100' });
    try {
      const untouched = provider('a', 'provider-answer-media');
      const result = await (await dial(phones.alice!, '502')).done;
      expect(result.logged.final, result.errors).to.equal('403');
      expect(await wasInvited(untouched), 'no provider called').to.equal(false);
      expect(await recordTo('502', since)).to.include({ outcome: 'refused', outcome_reason: 'premium rate' });
      // A country the account does not allow is refused the same way.
      await forward('carol', 'always', { type: 'external', number: '+442071234567' });
      const abroad = await (await dial(phones.alice!, '502')).done;
      expect(abroad.logged.final, abroad.errors).to.equal('403');
    } finally {
      await forward('carol', 'always', null);
    }
  });

  it('given a trunk number routed to an external number, when the provider calls it, then the call goes back out to that number presenting the called number, and connects', async () => {
    const since = new Date();
    const answering = provider('a', 'provider-answer-media');
    const incoming = new SippAgent({
      scenario: path.join(ROOT, 'test/integration/trunks/scenarios/provider-caller.xml'), localIp: PROVIDERS.a.ip, localPort: await freeUdpPort(),
      service: PROVIDERS.a.number, keys: { rtp_port: await freeRtpPort(), caller_user: '+14155550100' }, pauseMs: 1000, timeoutSeconds: 30,
    });
    const [caller, providerResult] = await Promise.all([incoming.done, answering.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(providerResult.logged, providerResult.errors).to.include({ called: ROUTED_TO, from: PROVIDERS.a.number });
    const record = await recordTo(PROVIDERS.a.number, since);
    expect(record).to.include({ direction: 'inbound', did: PROVIDERS.a.number, outcome: 'answered' });
    const steps = typeof record.path === 'string' ? JSON.parse(record.path) : record.path;
    expect(steps).to.deep.equal([{ type: 'number', number: PROVIDERS.a.number }, { type: 'external', number: ROUTED_TO }]);
  });

  it('given Rita forwarding always outside with dialer access, when her access is revoked, then her forward is kept but no longer followed: 403, no provider called, recorded as no dialer access', async () => {
    const to = '+14155550166';
    // Provider A's number is Carol's and shared with the account: Rita may present it, and owns nothing to hand over.
    await grantDialerAccess('rita', 'a');
    await forward('rita', 'always', { type: 'external', number: to });
    try {
      const answering = provider('a', 'provider-answer-media');
      const followed = await (await dial(phones.alice!, '504')).done;
      expect(followed.logged.final, followed.errors).to.equal('200');
      expect((await answering.done).logged).to.include({ called: to, from: PROVIDERS.a.number });

      expectStatus(await f.admin.post(`/v1/accounts/${f.accountId}/users/${users.rita}/dialer-access/revoke`, {}), 200);
      const kept = await f.admin.get(`/v1/accounts/${f.accountId}/users/${users.rita}/call-settings`);
      expect(kept.body.forwarding.always).to.deep.equal({ type: 'external', number: to });
      const since = new Date();
      const untouched = provider('a', 'provider-answer-media');
      const refused = await (await dial(phones.alice!, '504')).done;
      expect(refused.logged.final, refused.errors).to.equal('403');
      expect(await wasInvited(untouched), 'no provider called').to.equal(false);
      expect(await recordTo('504', since)).to.include({ outcome: 'refused', outcome_reason: 'no dialer access' });
    } finally {
      await forward('rita', 'always', null);
    }
  });
});
