// Numbers, dialer access and the outbound caller ID at their boundaries (issue 10 review): another tenant's ids
// in paths and bodies, a subaccount's Admin against its organization, lower tiers, a removed user, a default
// caller ID that moved away (what the ARI app's next call would present, read as it reads it), odd input never
// answered 500, and two admins at once. Then, with SIPp: a user without dialer access (never granted, or
// revoked) does not dial out by forwarding their own extension to an outside number and calling it. The SIP
// part places real calls: run this file under the test lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ChangeNotifier } from '../../../admin-api/notifier';
import { systemScope } from '../../../admin-api/system-scope';
import { loadTrunkFile } from '../../../admin-api/trunks/files';
import { TrunkService } from '../../../admin-api/trunks/service';
import { allowedCallerIds } from '../../../core/caller-id-policy';
import { createLogger } from '../../../core/logger';
import { writeCallSettings } from '../../../db/repositories/call-settings';
import { findDialer } from '../../../db/repositories/dialer-access';
import { findOutboundTrunks } from '../../../db/repositories/trunks';
import { uniqueName } from '../../support/admin-api';
import type { Phone } from '../../support/phones';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { SippAgent } from '../../support/sipp';
import { until } from '../../support/until';
import { addUser, expectStatus } from '../identity/helpers';
import { dial, useRoutingFixture } from '../routing/routing-fixture';
import { idOf, patchNumber, uniqueNumber, useNumbersFixture, type NumberView } from './numbers-fixture';

const HUGE = Number.MAX_SAFE_INTEGER;

describe('numbers, dialer access and caller ID at their boundaries: other tenants, tiers, removed users, odd input', function () {
  this.timeout(60_000);
  const f = useNumbersFixture('Boundary Corp', 6);
  const path = (index: number): string => `/v1/accounts/${f.accountId}/numbers/${idOf(f, index)}`;
  const accessPath = (userId: number, accountId = f.accountId): string => `/v1/accounts/${accountId}/users/${userId}/dialer-access`;
  const revokePath = (userId: number): string => `${accessPath(userId)}/revoke`;
  const callerIdPath = (): string => `/v1/me/accounts/${f.accountId}/caller-id`;
  const grant = async (userId: number, index: number, client = f.admin.api): Promise<void> => {
    expectStatus(await client.put(accessPath(userId), { numberId: idOf(f, index) }), 200);
  };
  const number = async (index: number): Promise<NumberView> => (await f.admin.api.get(path(index))).body as NumberView;

  /** What the ARI app works out for the user's next outbound call through our trunk: the caller IDs it may
   *  present, their default first (the same reads, fresh, and the same policy). Empty: the call is refused. */
  async function nextCallCallerIds(userId: number): Promise<string[]> {
    const trunk = (await findOutboundTrunks(f.api.db, f.accountId)).find((candidate) => candidate.name === f.trunk);
    if (!trunk) throw new Error('our trunk does not serve the account');
    return allowedCallerIds((await findDialer(f.api.db, f.accountId, userId)) ?? null, f.accountId, trunk.numbers);
  }

  it('given odd bodies and ids on every write (arrays, null, huge ids, empty and repeated lists), then a 4xx with a code, never a 500, and nothing changes', async () => {
    const before = await number(0);
    const requests = `/v1/accounts/${f.accountId}/number-requests`;
    const cases: [string, string, string, unknown, number][] = [
      ['PATCH', path(0), 'admin', [], 400], ['PATCH', path(0), 'admin', null, 400], ['PATCH', path(0), 'admin', 7, 400],
      ['PATCH', path(0), 'admin', { ownerUserId: HUGE }, 409], ['PATCH', path(0), 'admin', { sharing: 'users', sharedWithUserIds: [HUGE] }, 409],
      ['PATCH', path(0), 'admin', { destination: [] }, 400], ['PATCH', path(0), 'admin', { destination: { type: 'ring_group', ringGroupId: HUGE } }, 422],
      ['PATCH', path(0), 'admin', { sharedWithUserIds: null }, 400], ['PATCH', path(0), 'admin', { ownerUserId: 1.5 }, 400],
      ['PATCH', `/v1/accounts/${f.accountId}/numbers/${HUGE}`, 'admin', { label: 'x' }, 404],
      ['PATCH', `/v1/accounts/${f.accountId}/numbers/${HUGE}0`, 'admin', { label: 'x' }, 400],
      ['PUT', callerIdPath(), 'alice', [], 400], ['PUT', callerIdPath(), 'alice', {}, 400], ['PUT', callerIdPath(), 'alice', { numberId: [1] }, 400],
      ['PUT', accessPath(f.alice.id), 'admin', [], 400], ['PUT', accessPath(f.alice.id), 'admin', { purchase: null }, 400],
      ['PUT', accessPath(f.alice.id), 'admin', { numberId: HUGE }, 404], ['PUT', accessPath(HUGE), 'admin', { numberId: idOf(f, 0) }, 404],
      ['POST', revokePath(HUGE), 'admin', {}, 404], ['POST', revokePath(f.bob.id), 'admin', [], 400], ['POST', revokePath(f.bob.id), 'admin', { handOver: [null] }, 400],
      ['POST', revokePath(f.bob.id), 'admin', { handOver: {} }, 400], ['POST', revokePath(f.bob.id), 'admin', { handOverTo: 0 }, 400],
      ['POST', requests, 'alice', [], 400], ['POST', requests, 'alice', { country: 'US', capabilities: [] }, 400],
      ['POST', `${requests}/${HUGE}/resolve`, 'admin', [], 400], ['POST', `${requests}/${HUGE}/resolve`, 'admin', { resolution: ['reject'] }, 400],
      ['POST', `${requests}/${HUGE}/resolve`, 'admin', { resolution: 'reject', reason: 'no' }, 404],
    ];
    const clients = { admin: f.admin.api, alice: f.alice.api };
    for (const [method, url, who, body, expected] of cases) {
      const response = await clients[who as keyof typeof clients].request(method, url, JSON.stringify(body));
      const line = `${method} ${url} ${JSON.stringify(body)}: ${response.status} ${response.body?.error?.code ?? ''}`;
      expect(response.status, line).to.equal(expected);
      if (response.status >= 400) expect(response.body?.error?.code, line).to.be.a('string');
    }
    expect(await number(0)).to.deep.equal(before);
  });

  it("given a sibling phone system's admin, then our numbers and users are not theirs to grant, and their numbers, users and ring groups are not ours to use", async () => {
    const siblingAdmin = await addUser(f.org.api, f.siblingId, 'admin');
    const group = await f.org.api.post(`/v1/accounts/${f.siblingId}/ring-groups`, { name: 'Sibling sales', extension: '781', members: [{ userId: f.sibling.id }] });
    expectStatus(group, 201);
    const siblingNumber = (await siblingAdmin.api.get(`/v1/accounts/${f.siblingId}/numbers/${f.siblingNumberId}`)).body as NumberView;
    // Through their own account's path: our user is no member there, our number no number there.
    expectStatus(await siblingAdmin.api.put(accessPath(f.alice.id, f.siblingId), { numberId: f.siblingNumberId }), 404, 'USER_NOT_FOUND');
    expectStatus(await siblingAdmin.api.put(accessPath(f.sibling.id, f.siblingId), { numberId: idOf(f, 0) }), 404, 'NUMBER_NOT_FOUND');
    expectStatus(await siblingAdmin.api.put(accessPath(f.alice.id), { numberId: idOf(f, 0) }), 404, 'ACCOUNT_NOT_FOUND');
    // Ours pointing at theirs: routes to their user or ring group, their number in a hand-over, their users as recipients.
    expectStatus(await f.admin.api.patch(path(0), { destination: { type: 'user', userId: f.sibling.id } }), 422, 'DESTINATION_NOT_FOUND');
    expectStatus(await f.admin.api.patch(path(0), { destination: { type: 'ring_group', ringGroupId: group.body.id } }), 422, 'DESTINATION_NOT_FOUND');
    await grant(f.carol.id, 5);
    expect(await number(5)).to.include({ ownerUserId: f.carol.id });
    const foreign = await f.admin.api.post(revokePath(f.carol.id), { handOver: [{ numberId: idOf(f, 5), toUserId: f.bob.id }, { numberId: f.siblingNumberId, toUserId: f.bob.id }] });
    expectStatus(foreign, 400, 'HAND_OVER_INVALID');
    expect(foreign.body.error.details.numberIds).to.deep.equal([f.siblingNumberId]);
    expectStatus(await f.admin.api.post(revokePath(f.carol.id), { handOverTo: f.otherAdmin.id }), 409, 'NUMBER_USER_NOT_MEMBER');
    expectStatus(await f.admin.api.post(revokePath(f.carol.id), { handOver: [{ numberId: idOf(f, 5), toUserId: siblingAdmin.id }] }), 409, 'NUMBER_USER_NOT_MEMBER');
    expect(await number(5)).to.include({ ownerUserId: f.carol.id });
    expectStatus(await f.admin.api.post(revokePath(f.carol.id), { handOverTo: f.admin.id }), 200);
    await patchNumber(f, f.admin.api, 5, { ownerUserId: null });
    expect((await siblingAdmin.api.get(`/v1/accounts/${f.siblingId}/numbers/${f.siblingNumberId}`)).body).to.deep.equal(siblingNumber);
  });

  it("given a subaccount's Admin, then the organization's numbers, dialer access and requests are out of reach (404), as are the organization's users on the subaccount's path", async () => {
    for (const url of [`/v1/accounts/${f.org.accountId}/numbers`, `/v1/accounts/${f.org.accountId}/dialer-access`, `/v1/accounts/${f.org.accountId}/number-requests`]) {
      expectStatus(await f.admin.api.get(url), 404, 'ACCOUNT_NOT_FOUND');
    }
    expectStatus(await f.admin.api.put(accessPath(f.admin.id, f.org.accountId), { numberId: idOf(f, 0) }), 404, 'ACCOUNT_NOT_FOUND');
    // The Organization Owner reaches the subaccount (by the organization's role) and ranks above its Admin.
    expectStatus(await f.admin.api.put(accessPath(f.org.userId), { numberId: idOf(f, 0) }), 403, 'TARGET_NOT_BELOW_YOU');
    // A unit Admin reads who may dial out but grants no one, not even themselves.
    expectStatus(await f.unitAdmin.api.get(`/v1/accounts/${f.accountId}/dialer-access`), 200);
    expectStatus(await f.unitAdmin.api.put(accessPath(f.unitAdmin.id), { numberId: idOf(f, 0) }), 403, 'PERMISSION_DENIED');
    expectStatus(await f.alice.api.get(`/v1/accounts/${f.accountId}/dialer-access`), 403, 'PERMISSION_DENIED');
  });

  it('given a default caller ID that moves away (handed to another, unshared, released, or another account\'s), then the next call no longer presents it and the user cannot pick it again', async () => {
    // Number 2 nobody's: the grant makes it Bob's, and his default.
    await grant(f.bob.id, 2);
    expect((await nextCallCallerIds(f.bob.id))[0]).to.equal(f.numbers[2]);
    await patchNumber(f, f.admin.api, 2, { ownerUserId: f.carol.id, sharing: 'private' });
    expect(await nextCallCallerIds(f.bob.id)).to.not.include(f.numbers[2]);
    expect((await f.bob.api.get(callerIdPath())).body).to.deep.equal({ dialerAccess: true, numberId: null, number: null });
    expectStatus(await f.bob.api.put(callerIdPath(), { numberId: idOf(f, 2) }), 409, 'NUMBER_NOT_USABLE');

    // Number 3 Carol's, shared with Bob: his pick until she unshares it.
    await patchNumber(f, f.admin.api, 3, { ownerUserId: f.carol.id, sharing: 'users', sharedWithUserIds: [f.bob.id] });
    expectStatus(await f.bob.api.put(callerIdPath(), { numberId: idOf(f, 3) }), 200);
    expect((await nextCallCallerIds(f.bob.id))[0]).to.equal(f.numbers[3]);
    await patchNumber(f, f.carol.api, 3, { sharing: 'private' });
    expect(await nextCallCallerIds(f.bob.id)).to.not.include(f.numbers[3]);
    expectStatus(await f.bob.api.put(callerIdPath(), { numberId: idOf(f, 3) }), 409, 'NUMBER_NOT_USABLE');

    // Number 4 shared with the account: his pick until it is released.
    expectStatus(await f.bob.api.put(callerIdPath(), { numberId: idOf(f, 4) }), 200);
    expect((await nextCallCallerIds(f.bob.id))[0]).to.equal(f.numbers[4]);
    await f.api.db('phone_numbers').where({ id: idOf(f, 4) }).update({ state: 'released', released_at: f.api.db.fn.now() });
    try {
      expect(await nextCallCallerIds(f.bob.id)).to.not.include(f.numbers[4]);
      expect((await f.bob.api.get(callerIdPath())).body).to.include({ numberId: null });
      expectStatus(await f.bob.api.put(callerIdPath(), { numberId: idOf(f, 4) }), 409, 'NUMBER_NOT_USABLE');
    } finally {
      await f.api.db('phone_numbers').where({ id: idOf(f, 4) }).update({ state: 'active', released_at: null });
    }

    // Another account's number is never his, whatever his row says.
    expectStatus(await f.bob.api.put(callerIdPath(), { numberId: f.siblingNumberId }), 409, 'NUMBER_NOT_USABLE');
    await f.api.db('dialer_access').where({ account_id: f.accountId, user_id: f.bob.id }).update({ default_number_id: f.siblingNumberId });
    const siblingNumber = (await f.org.api.get(`/v1/accounts/${f.siblingId}/numbers/${f.siblingNumberId}`)).body.number as string;
    expect(await nextCallCallerIds(f.bob.id)).to.not.include(siblingNumber).and.not.be.empty;
    expect((await f.bob.api.get(callerIdPath())).body).to.include({ numberId: null });
    await patchNumber(f, f.admin.api, 2, { ownerUserId: null, sharing: 'account' });
    await patchNumber(f, f.admin.api, 3, { ownerUserId: null, sharing: 'account' });
  });

  it('given a user removed from the account while holding dialer access and a number, then their next call finds no dialer access, and they reach nothing of the account', async () => {
    const leaving = await addUser(f.org.api, f.accountId, 'agent');
    await grant(leaving.id, 1);
    expect(await nextCallCallerIds(leaving.id)).to.include(f.numbers[1]);
    expectStatus(await f.org.api.post(`/v1/accounts/${f.accountId}/users/${leaving.id}/remove`, {}), 204);
    expect(await findDialer(f.api.db, f.accountId, leaving.id)).to.equal(undefined);
    expect(await nextCallCallerIds(leaving.id)).to.deep.equal([]);
    for (const url of [callerIdPath(), `/v1/accounts/${f.accountId}/numbers`]) expect([401, 404]).to.include((await leaving.api.get(url)).status);
    expect([401, 404]).to.include((await leaving.api.put(callerIdPath(), { numberId: idOf(f, 1) })).status);
    // The removal took their access and their number's ownership with it (removed-users.test.ts).
    expectStatus(await f.admin.api.post(revokePath(leaving.id), { handOverTo: f.alice.id }), 404, 'DIALER_ACCESS_NOT_FOUND');
    expect(await number(1)).to.include({ ownerUserId: null });
  });

  it('given two admins granting the same unowned number to two users at once, then one owns it, it is shared with the other, and each next call presents it', async () => {
    for (let round = 0; round < 3; round += 1) {
      // Private and nobody's: the first grant makes it its user's, the second shares it with the other.
      await patchNumber(f, f.admin.api, 5, { ownerUserId: null, sharing: 'private' });
      const [first, second] = await Promise.all([
        f.admin.api.put(accessPath(f.alice.id), { numberId: idOf(f, 5) }),
        f.org.api.put(accessPath(f.carol.id), { numberId: idOf(f, 5) }),
      ]);
      expect([first.status, second.status], JSON.stringify([first.body, second.body])).to.deep.equal([200, 200]);
      const shared = await number(5);
      expect([f.alice.id, f.carol.id]).to.include(shared.ownerUserId);
      const other = shared.ownerUserId === f.alice.id ? f.carol.id : f.alice.id;
      expect(shared).to.include({ sharing: 'users' });
      expect(shared.sharedWithUserIds).to.deep.equal([other]);
      for (const userId of [f.alice.id, f.carol.id]) expect((await nextCallCallerIds(userId))[0], `round ${round}`).to.equal(f.numbers[5]);
      for (const userId of [f.alice.id, f.carol.id]) expectStatus(await f.org.api.post(revokePath(userId), { handOverTo: f.admin.id }), 200);
    }
    await patchNumber(f, f.admin.api, 5, { ownerUserId: null, sharing: 'account' });
  });
});

describe('forwarding to an external number is no way around dialer access (SIPp provider, under the test lock)', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-trunks-'));
  const trunkName = uniqueName('bfwd').slice(0, 30);
  const providerIp = '127.0.0.45';
  const trunkNumber = uniqueNumber();
  const scope = systemScope('test-fixture', createLogger('test-fixture', process.env.TEST_LOG_LEVEL ?? 'error'));
  let providerPort = 0;
  let providerRtpPort = 0;
  let trunks: TrunkService;
  let numberId = 0;
  const users: Record<string, number> = {};
  const phones: Record<string, Phone> = {};

  // Registered before the fixture's own hook, which removes the account the trunk serves.
  after(async () => {
    const trunk = trunks && (await trunks.find(scope, trunkName));
    if (trunk) await trunks.remove(scope, trunkName, trunk.source);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f = useRoutingFixture({ account: 'Boundary forwarding org', appEnv: { TRUNK_PROGRESS_TIMEOUT_SECONDS: '2' } });
  const accessPath = (userId: number): string => `/v1/accounts/${f.accountId}/users/${userId}/dialer-access`;

  function provider(): SippAgent {
    return new SippAgent({
      scenario: path.join(__dirname, '../outbound/scenarios/provider-answer.xml'), localIp: providerIp, localPort: providerPort,
      keys: { rtp_port: providerRtpPort }, pauseMs: 200, timeoutSeconds: 25,
    });
  }

  /** Stops a provider that should never have been called and tells whether an INVITE reached it. */
  async function wasCalled(agent: SippAgent): Promise<boolean> {
    agent.stop();
    return (await agent.done).logged.called !== undefined;
  }

  async function forwardAlways(userId: number, to: string | null): Promise<void> {
    await f.callSettings(userId, { dnd: false, forwarding: { always: to === null ? null : { type: 'external', number: to } } });
  }

  before(async () => {
    providerPort = await freeUdpPort();
    providerRtpPort = await freeRtpPort();
    trunks = new TrunkService(f.stack.db, new ChangeNotifier(f.stack.redis, createLogger('test', 'error')), f.stack.config.sip.endpointMedia);
    const file = `${trunkName}.yaml`;
    fs.writeFileSync(path.join(dir, file), [
      'provider: Loopback boundary', 'allowPrivateAddresses: true', `host: ${providerIp}`, `port: ${providerPort}`, 'transport: udp',
      'register: false', 'inbound:', `  addresses: [${providerIp}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${f.accountId}]`,
      'numbers:', `  - number: "${trunkNumber}"`, `    account: ${f.accountId}`, '',
    ].join('\n'));
    const loaded = loadTrunkFile(dir, file);
    if (!loaded.trunk) throw new Error(`trunk file refused: ${JSON.stringify(loaded.problems)}`);
    await trunks.put(scope, loaded.trunk.write);
    const listed = await f.admin.get(`/v1/accounts/${f.accountId}/numbers`);
    numberId = (listed.body.numbers as { id: number; number: string }[]).find((entry) => entry.number === trunkNumber)?.id as number;
    // The trunk file's number is shared with the whole account: anyone's caller ID, were they let out.
    expect((listed.body.numbers as { number: string; sharing: string }[]).find((entry) => entry.number === trunkNumber)).to.include({ sharing: 'account' });
    users.dora = await f.addUser('Dora Dialer', '521');
    phones.dora = await f.addPhone(users.dora, 'Dora desk');
    users.ed = await f.addUser('Ed Never Granted', '522');
    phones.ed = await f.addPhone(users.ed, 'Ed desk');
  });

  it('given Dora with dialer access forwarding always to an external number, when she dials her own extension, then the call goes out presenting a number she may use', async () => {
    expectStatus(await f.admin.put(accessPath(users.dora as number), { numberId }), 200);
    await forwardAlways(users.dora as number, '+14155550171');
    const answering = provider();
    const caller = await (await dial(phones.dora as Phone, '521')).done;
    const received = await answering.done;
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(received.logged, received.errors).to.include({ called: '+14155550171', from: trunkNumber });
  });

  it('given her dialer access revoked, when she dials her own extension with the same forwarding, then 403 and no provider is called', async () => {
    // The grant made the ownerless number hers (still shared with the account): it goes to Ed with the revocation.
    expectStatus(await f.admin.post(`${accessPath(users.dora as number)}/revoke`, { handOverTo: users.ed }), 200);
    const untouched = provider();
    const refused = await (await dial(phones.dora as Phone, '521')).done;
    expect(refused.logged.final, refused.errors).to.equal('403');
    expect(await wasCalled(untouched), 'the provider was called').to.equal(false);
    await forwardAlways(users.dora as number, null);
  });

  it('given Ed never granted dialer access, then his forward outside is refused by the API (409), and one stored before that rule is refused when he calls his own extension: 403 and no provider is called', async () => {
    const forwarding = { always: { type: 'external', number: '+14155550172' } as const, busy: null, noAnswer: null, unreachable: null };
    const refusedPut = await f.admin.put(`/v1/accounts/${f.accountId}/users/${users.ed}/call-settings`, { dnd: false, noAnswerSeconds: 20, forwarding });
    expectStatus(refusedPut, 409, 'FORWARD_NEEDS_DIALER_ACCESS');
    // As a database from before the rule holds it.
    await writeCallSettings(f.stack.db, f.accountId, users.ed as number, { dnd: false, noAnswerSeconds: 20, forwarding });
    await f.routingChanged();
    const since = new Date();
    const untouched = provider();
    const refused = await (await dial(phones.ed as Phone, '522')).done;
    expect(refused.logged.final, refused.errors).to.equal('403');
    expect(await wasCalled(untouched), 'the provider was called').to.equal(false);
    const record = await until('the call record of Ed\'s call', async () => f.stack.db('call_records')
      .where({ account_id: f.accountId, to_number: '522' }).andWhere('started_at', '>=', since).whereNotNull('ended_at').first(), { timeoutMs: 10_000 });
    expect(record).to.include({ outcome: 'refused', outcome_reason: 'no dialer access' });
    await forwardAlways(users.ed as number, null);
  });
});
