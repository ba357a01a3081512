// Call records of real calls: SIPp phones and a SIPp provider call through Asterisk into the ARI app, and the
// records are read back through the API as an admin would. Also an app SIGKILLed mid-call (the record is
// completed when the adopted call ends) and while ringing (the reconciler closes the record).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { TrunkService } from '../../../admin-api/trunks/service';
import { removeTrunk } from '../../support/trunks';
import { AriRest } from '../../../core/ari/rest';
import { AriAppProcess } from '../../support/ari-app-process';
import { answerCalls, placeCall, register, type Phone } from '../../support/phones';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent } from '../../support/sipp';
import { until } from '../../support/until';
import { addUser, expectStatus, useOrganization } from '../identity/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const PROVIDER_IP = '127.0.0.6';
const DID = '+15551239901';
const TRUNK = 'callrec';

interface CallView {
  id: string; direction: string; fromNumber: string; fromUserId: number | null; toNumber: string; did: string | null; trunk: string | null;
  startedAt: string; answeredAt: string | null; endedAt: string | null; outcome: string | null; outcomeReason: string | null;
  answeredByUserId: number | null; answeredByNumber: string | null; path: unknown[]; ringSeconds: number | null; talkSeconds: number | null;
  legs: { kind: string; userId: number | null; endpointId: string | null; answeredAt: string | null; endedAt: string | null; outcome: string | null }[];
}

describe('call records of real calls (SIPp through Asterisk into the ARI app)', function () {
  this.timeout(120_000);
  // Before the fixture's own hook, which closes the database.
  after(async () => {
    for (const each of Object.values(phones)) each.rtp.close();
    await app?.stop();
    const trunks = new TrunkService(f.api.db, f.api.notifier);
    await removeTrunk(trunks, TRUNK);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f = useOrganization({ name: 'Call records org', subaccount: 'Call records desk' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'call-records-'));
  let app: AriAppProcess;
  const phones: Record<string, Phone> = {};
  const users: Record<string, Awaited<ReturnType<typeof addUser>>> = {};
  const phone = (name: string): Phone => phones[name]!;

  async function startApp(): Promise<void> {
    app = new AriAppProcess({ LOG_LEVEL: 'debug', RING_TIMEOUT_SECONDS: '3' });
    const since = 0;
    await app.start();
    await app.waitForLog('dialplan reloaded', since, 15_000);
  }

  before(async () => {
    await startApp();
    for (const [name, extension] of [['alice', '401'], ['bob', '402'], ['carol', '403']] as const) {
      users[name] = await addUser(f.org.api, f.subaccountId, 'agent');
      expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}/users/${users[name]!.id}`, { extension }), 200);
      const created = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: `${name} desk`, kind: 'desk_phone', userId: users[name]!.id });
      expectStatus(created, 201);
      phones[name] = { device: created.body, uasPort: await freeUdpPort(), rtp: new RtpPeer(await freeRtpPort()) };
      await phones[name]!.rtp.start();
      // Carol's phone never registers.
      if (name !== 'carol') expect((await register(phones[name]!)).logged.final).to.equal('200');
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`ari-app log:\n${app.output.slice(-6000)}\n`);
  });

  /** The one call to `to` that started after `since`, once its record is ended. */
  async function recordOf(to: string, since: Date, timeoutMs = 10_000): Promise<CallView> {
    return until(`the record of the call to ${to} is ended`, async () => {
      const response = await f.org.api.get(`/v1/accounts/${f.subaccountId}/calls?from=${since.toISOString()}&number=${encodeURIComponent(to)}`);
      const calls = response.body.calls as CallView[];
      return calls.length === 1 && calls[0]!.endedAt ? calls[0] : undefined;
    }, { timeoutMs, intervalMs: 100 });
  }

  it('given Bob answers, when Alice calls him and hangs up, then the record says who answered, when, how long, and the leg', async () => {
    const since = new Date();
    const callee = answerCalls(phone('bob'), 'callee-answer');
    const [caller] = await Promise.all([(await placeCall(phone('alice'), '402', 1500)).done, callee.done]);
    expect(caller.logged, caller.errors).to.include({ final: '200', hangup: '200' });
    const call = await recordOf('402', since);
    expect(call).to.include({
      direction: 'internal', fromNumber: '401', fromUserId: users.alice!.id, toNumber: '402', outcome: 'answered', outcomeReason: 'caller hung up',
      answeredByUserId: users.bob!.id, answeredByNumber: '402', did: null, trunk: null,
    });
    expect(call.path).to.deep.equal([{ type: 'extension', extension: '402' }, { type: 'user', userId: users.bob!.id }]);
    const [started, answered, ended] = [call.startedAt, call.answeredAt!, call.endedAt!].map(Date.parse) as [number, number, number];
    expect(started).to.be.at.most(answered);
    expect(answered).to.be.below(ended);
    expect(call.talkSeconds).to.be.within(1, 3);
    expect(call.ringSeconds).to.be.within(0, 2);
    expect(call.legs).to.have.length(1);
    expect(call.legs[0]).to.include({ kind: 'device', userId: users.bob!.id, endpointId: phone('bob').device.sip.username, outcome: 'answered' });
    expect(call.legs[0]!.answeredAt).to.not.equal(null);
  });

  it('given Bob is busy, when Alice calls him, then the record says busy and so does the leg', async () => {
    const since = new Date();
    const callee = answerCalls(phone('bob'), 'callee-busy');
    const [caller] = await Promise.all([(await placeCall(phone('alice'), '402')).done, callee.done]);
    expect(caller.logged.final, caller.errors).to.equal('486');
    const call = await recordOf('402', since);
    expect(call).to.include({ outcome: 'busy', answeredAt: null, answeredByUserId: null, talkSeconds: 0 });
    expect(call.legs.map((leg) => leg.outcome)).to.deep.equal(['busy']);
  });

  it('given Bob never picks up, when the ring timeout passes, then the record says no answer after ringing', async () => {
    const since = new Date();
    const callee = answerCalls(phone('bob'), 'callee-ring-forever');
    const [caller] = await Promise.all([(await placeCall(phone('alice'), '402')).done, callee.done]);
    expect(caller.logged.final, caller.errors).to.equal('480');
    const call = await recordOf('402', since);
    expect(call).to.include({ outcome: 'no_answer', answeredAt: null });
    expect(call.ringSeconds).to.be.within(2, 6);
    expect(call.legs.map((leg) => leg.outcome)).to.deep.equal(['no_answer']);
  });

  it('given an extension no device holds, when Alice dials it, then 404 and the record says refused: unknown extension', async () => {
    // The account's catch-all dialplan rows send every extension into Stasis: the flow refuses it.
    const since = new Date();
    const caller = await (await placeCall(phone('alice'), '499')).done;
    expect(caller.logged.final, caller.errors).to.equal('404');
    expect(await recordOf('499', since)).to.include({ outcome: 'refused', outcomeReason: 'unknown extension', fromUserId: users.alice!.id });
  });

  it('given Carol has no registered device, when Alice calls her, then 480 and the record says failed: no device registered', async () => {
    const since = new Date();
    const caller = await (await placeCall(phone('alice'), '403')).done;
    expect(caller.logged.final, caller.errors).to.equal('480');
    const call = await recordOf('403', since);
    expect(call).to.include({ outcome: 'failed', outcomeReason: 'no device registered' });
    expect(call.legs).to.deep.equal([]);
  });

  it('given a provider trunk with a number routed to Bob, when the provider calls it, then the record is inbound with the DID and the trunk', async () => {
    fs.writeFileSync(path.join(dir, `${TRUNK}.yaml`), [
      'provider: Loopback Records', 'allowPrivateAddresses: true', `host: ${PROVIDER_IP}`, 'port: 5099', 'transport: udp', 'register: false',
      'inbound:', `  addresses: [${PROVIDER_IP}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${f.subaccountId}]`,
      'numbers:', `  - number: "${DID}"`, `    account: ${f.subaccountId}`, '    extension: "402"', '',
    ].join('\n'));
    const applied = spawnSync(process.execPath, ['--import', 'tsx', 'admin-api/trunks/apply.ts', '--dir', dir], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(applied.status, applied.stdout + applied.stderr).to.equal(0);
    const since = new Date();
    const callee = answerCalls(phone('bob'), 'callee-answer');
    const provider = new SippAgent({
      scenario: path.join(ROOT, 'test/integration/trunks/scenarios/provider-caller.xml'), localIp: PROVIDER_IP, localPort: await freeUdpPort(),
      service: DID, keys: { rtp_port: await freeRtpPort(), caller_user: '+14155550100' }, pauseMs: 1000, timeoutSeconds: 20,
    });
    const [caller] = await Promise.all([provider.done, callee.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    const call = await recordOf(DID, since);
    expect(call).to.include({
      direction: 'inbound', fromNumber: '+14155550100', fromUserId: null, toNumber: DID, did: DID, trunk: TRUNK, outcome: 'answered', answeredByUserId: users.bob!.id,
    });
    // The number's route is Bob (a destination), which is what the path names.
    expect(call.path).to.deep.equal([{ type: 'number', number: DID }, { type: 'user', userId: users.bob!.id }]);
  });

  it('given a connected call, when the app is SIGKILLed and restarted, then the adopted call completes the record when it ends', async () => {
    const since = new Date();
    const mark = app.mark();
    const callee = answerCalls(phone('bob'), 'callee-answer');
    const caller = await placeCall(phone('alice'), '402', 6000);
    await app.waitForLog('call connected', mark);
    await app.stop('SIGKILL');
    await startApp();
    await app.waitForLog('connected call adopted after reconnect', 0);
    const [callerResult, calleeResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(calleeResult.exitCode, calleeResult.errors).to.equal(0);
    const call = await recordOf('402', since);
    expect(call).to.include({ outcome: 'answered', outcomeReason: 'caller hung up', answeredByUserId: users.bob!.id });
    expect(call.talkSeconds).to.be.within(5, 8);
    expect(call.legs.map((leg) => leg.outcome)).to.deep.equal(['answered']);
  });

  it('given a call still ringing, when the app is SIGKILLed and restarted, then the reconciler closes the record as failed: interrupted', async () => {
    const since = new Date();
    const callee = answerCalls(phone('bob'), 'callee-ring-forever');
    const caller = await placeCall(phone('alice'), '402');
    await until("Bob's phone is ringing", async () => (await f.api.db('call_record_legs as l').join('call_records as r', 'r.id', 'l.call_id')
      .where('r.started_at', '>=', since).first('l.id')) && (await ariRinging(phone('bob'))));
    await app.stop('SIGKILL');
    await startApp();
    const [callerResult] = await Promise.all([caller.done, callee.done]);
    expect(callerResult.logged.final, callerResult.errors).to.equal('503');
    const call = await recordOf('402', since);
    expect(call).to.include({ outcome: 'failed', outcomeReason: 'interrupted', answeredAt: null });
    expect(call.legs.map((leg) => leg.outcome)).to.deep.equal(['cancelled']);
  });

  async function ariRinging(target: Phone): Promise<boolean> {
    const { ari } = f.api.config;
    const channels = await new AriRest({ baseUrl: ari.url, username: ari.username, password: ari.password }).listChannels();
    return channels.some((channel) => channel.name.startsWith(`PJSIP/${target.device.sip.username}-`) && channel.state === 'Ringing');
  }
});
