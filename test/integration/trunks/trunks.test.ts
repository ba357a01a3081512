// Trunks end to end: a file applied with trunks:apply (dry run first), the outbound registration a provider's
// registrar sees, calls from the provider's address to its numbers, calls from anywhere else, and the API
// (platform operators only, public addresses only) producing the rows a file produces.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent } from '../../support/sipp';
import { until } from '../../support/until';
import { answerCalls, register, type Phone } from '../../support/phones';
import { addUser, expectStatus, useOrganization } from '../identity/helpers';
import { AmiClient } from '../../../core/asterisk/ami';
import { TRUNK_TABLES } from '../../../db/repositories/trunk-rows';
import { TrunkService } from '../../../admin-api/trunks/service';
import { removeTrunk } from '../../support/trunks';
import { systemScope } from '../../../admin-api/system-scope';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';

const ROOT = path.resolve(__dirname, '../../..');
const PROVIDER_IP = '127.0.0.5';
const STRANGER_IP = '127.0.0.9';
/** What the API takes instead of the loopback provider: a public (documentation) address. */
const PUBLIC_IP = '198.51.100.20';
const SECRET = 'provider-secret-0123456789';
const scenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);

function trunkYaml(accountId: number, registrarPort: number): string {
  return [
    'provider: Loopback Telecom',
    // The provider is SIPp on a loopback address: only ops' files may allow that.
    'allowPrivateAddresses: true',
    `host: ${PROVIDER_IP}`,
    `port: ${registrarPort}`,
    'transport: udp',
    'credentials:',
    '  username: acct-4471',
    '  secret: { env: TEST_TRUNK_SECRET }',
    'register: true',
    'inbound:',
    `  addresses: [${PROVIDER_IP}]`,
    'codecs: [alaw, ulaw]',
    'qualifySeconds: 0',
    `accounts: [${accountId}]`,
    'numbers:',
    '  - number: "+15551230001"',
    `    account: ${accountId}`,
    '    extension: "201"',
    '  - number: "+15551230002"',
    '',
  ].join('\n');
}

function trunksApply(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'admin-api/trunks/apply.ts', '--dir', dir, ...args], {
    cwd: ROOT, env: { ...process.env, TEST_TRUNK_SECRET: SECRET }, encoding: 'utf8', timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function trunkRowsOf(db: ReturnType<typeof useOrganization>['api']['db'], name: string): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown> = {};
  for (const table of TRUNK_TABLES) rows[table] = await db(table).where({ id: `trunk-${name}` }).first();
  return rows;
}

function providerCall(number: string, fromIp: string, rtpPort: number, localPort: number): SippAgent {
  return new SippAgent({ scenario: scenario('provider-caller'), localIp: fromIp, localPort, service: number, keys: { rtp_port: rtpPort, caller_user: '+14155550100' }, pauseMs: 1000, timeoutSeconds: 20 });
}

describe('trunks: files, API, registration and inbound calls (SIPp as the provider)', function () {
  this.timeout(90_000);
  // Before the fixture's own hook, which closes the database.
  after(async () => {
    phone?.rtp.close();
    // Through the service: Asterisk must drop the registration too, not only the rows.
    const trunks = new TrunkService(f.api.db, f.api.notifier);
    for (const name of ['loopback', 'loopback-api']) await removeTrunk(trunks, name);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const f = useOrganization({ name: 'Trunk org', subaccount: 'Trunk desk', ariApp: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trunks-'));
  let phone: Phone;
  let registrarPort: number;
  let fileRows: Record<string, unknown>;
  let operator: Awaited<ReturnType<typeof addUser>>;

  before(async () => {
    // Extension 201 is a user's; the desk phone is theirs and rings when 201 is called.
    const sales = await addUser(f.org.api, f.subaccountId, 'agent');
    expectStatus(await f.org.api.patch(`/v1/accounts/${f.subaccountId}/users/${sales.id}`, { extension: '201' }), 200);
    const created = await f.org.api.post(`/v1/accounts/${f.subaccountId}/devices`, { label: 'Sales desk', kind: 'desk_phone', userId: sales.id });
    expectStatus(created, 201);
    phone = { device: created.body, uasPort: await freeUdpPort(), rtp: new RtpPeer(await freeRtpPort()) };
    await phone.rtp.start();
    expect((await register(phone)).logged.final).to.equal('200');
    registrarPort = await freeUdpPort();
    // A platform operator: set from the command line in production, straight in the database here.
    operator = await addUser(f.org.api, f.subaccountId, 'admin');
    expect(await setPlatformOperator(f.api.db, operator.username, true)).to.equal(true);
  });


  it('given an invalid file, then trunks:apply names the file, line and field of each problem and writes nothing', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'broken.yaml'), ['provider: X', 'host: "not a host!"', 'port: 99999', 'inbound:', '  addresses: [nowhere]', 'register: true', 'accounts: [1]', ''].join('\n'));
    const result = trunksApply(bad);
    expect(result.status, result.stderr).to.equal(1);
    const file = path.join(bad, 'broken.yaml');
    expect(result.stdout).to.include(`${file}:2: /host must match pattern`);
    expect(result.stdout).to.include(`${file}:3: /port must be <= 65535`);
    expect(result.stdout).to.include(`${file}:5: /inbound/addresses/0 must match pattern`);
    expect(result.stdout).to.include(`${file}:1: /credentials is required`);
    expect(result.stdout).to.include('nothing was applied');
  });

  it('given a trunk file, when applied with --dry-run, then it shows the rows it would write and writes none', () => {
    fs.writeFileSync(path.join(dir, 'loopback.yaml'), trunkYaml(f.subaccountId, registrarPort));
    const result = trunksApply(dir, '--dry-run');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include('would create trunk loopback');
    expect(result.stdout).to.include('ps_registrations: add row');
    expect(result.stdout).to.include('ps_auths.password: (none) -> (secret)');
    expect(result.stdout).to.not.include(SECRET);
    return f.api.db('trunks').where({ name: 'loopback' }).first().then((row: unknown) => expect(row).to.equal(undefined));
  });

  it('given the file applied, then Asterisk registers to the provider with the secret from the environment', async () => {
    const registrar = new SippAgent({ scenario: scenario('provider-registrar'), localIp: PROVIDER_IP, localPort: registrarPort, keys: { reg_user: 'acct-4471', reg_password: SECRET }, timeoutSeconds: 20 });
    const result = trunksApply(dir);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include('create trunk loopback');
    const seen = await registrar.done;
    expect(seen.logged, seen.errors).to.include({ auth: 'valid', user: 'acct-4471' });
    fileRows = await trunkRowsOf(f.api.db, 'loopback');
    expect(fileRows.ps_endpoint_id_ips).to.include({ match: PROVIDER_IP, endpoint: 'trunk-loopback' });
    const ami = await AmiClient.connect({ host: f.api.config.ami.host, port: f.api.config.ami.port, username: f.api.config.ami.username, secret: f.api.config.ami.password });
    try {
      await until('the registration is Registered', async () => {
        const { events } = await ami.action('PJSIPShowRegistrationsOutbound');
        return events.some((event) => event.ObjectName === 'trunk-loopback' && event.Status === 'Registered');
      }, { timeoutMs: 5000, intervalMs: 200 });
    } finally {
      ami.close();
    }
    expect(trunksApply(dir, '--dry-run').stdout).to.include('unchanged trunk loopback');
  });

  it('given a call from the provider to an assigned number, then the extension rings and the call connects', async () => {
    const callee = answerCalls(phone, 'callee-answer');
    const call = providerCall('+15551230001', PROVIDER_IP, await freeRtpPort(), await freeUdpPort());
    const [caller, answered] = await Promise.all([call.done, callee.done]);
    expect(caller.logged.final, caller.errors).to.equal('200');
    expect(caller.logged.hangup).to.equal('200');
    expect(answered.logged.from).to.equal('+14155550100');
  });

  it('given a call to a pool number with no account, then 404; from an unknown address, then refused and nothing rings', async () => {
    const pool = await providerCall('+15551230002', PROVIDER_IP, await freeRtpPort(), await freeUdpPort()).done;
    expect(pool.logged.final, pool.errors).to.equal('404');
    const callee = answerCalls(phone, 'callee-answer');
    const stranger = await providerCall('+15551230001', STRANGER_IP, await freeRtpPort(), await freeUdpPort()).done;
    callee.stop();
    expect(['401', '403'], stranger.errors).to.include(stranger.logged.final);
    expect((await callee.done).logged.from, 'the phone was rung').to.equal(undefined);
  });

  it('given an Organization Owner, then every trunk route answers 403 PLATFORM_OPERATOR_REQUIRED and nothing is written', async () => {
    const routes = f.api.routes.filter((route) => route.access.kind === 'operator' && route.path.startsWith('/v1/trunks'));
    expect(routes.map((route) => `${route.method} ${route.path}`)).to.have.members(['get /v1/trunks', 'get /v1/trunks/:name', 'put /v1/trunks/:name', 'delete /v1/trunks/:name']);
    for (const route of routes) {
      const response = await f.org.api.request(route.method.toUpperCase(), route.path.replace(':name', 'loopback'), route.method === 'put' ? { provider: 'P', host: PUBLIC_IP, inbound: { addresses: ['0.0.0.0/0'] }, accounts: [f.subaccountId] } : undefined);
      expectStatus(response, 403, 'PLATFORM_OPERATOR_REQUIRED');
    }
    expect(await f.api.db('trunks').where({ name: 'loopback' }).first()).to.include({ source: 'file' });
  });

  it('given the same trunk through the API by a platform operator, then loopback addresses are refused 400 and a public one gives the file\'s rows', async () => {
    fs.rmSync(path.join(dir, 'loopback.yaml'));
    const removed = trunksApply(dir);
    expect(removed.stdout).to.include('delete trunk loopback');
    expect(await f.api.db('trunks').where({ name: 'loopback' }).first()).to.equal(undefined);
    const definition = {
      provider: 'Loopback Telecom', host: PROVIDER_IP, port: registrarPort, transport: 'udp',
      credentials: { username: 'acct-4471', password: SECRET }, register: true,
      inbound: { addresses: [PROVIDER_IP] }, codecs: ['alaw', 'ulaw'], qualifySeconds: 0,
      accounts: [f.subaccountId], numbers: [{ number: '+15551230001', account: f.subaccountId, extension: '201' }, { number: '+15551230002' }],
    };
    const loopback = await operator.api.put('/v1/trunks/loopback', definition);
    expectStatus(loopback, 400, 'TRUNK_ADDRESS_NOT_ALLOWED');
    expect(loopback.body.error.details.fields.map((field: { path: string }) => field.path)).to.deep.equal(['/host', '/inbound/addresses/0']);
    expect(loopback.body.error.message).to.include('loopback');
    expectStatus(await operator.api.put('/v1/trunks/loopback', { ...definition, allowPrivateAddresses: true }), 400, 'VALIDATION_FAILED');
    const publicDefinition = { ...definition, host: PUBLIC_IP, inbound: { addresses: [PUBLIC_IP] } };
    const created = await operator.api.put('/v1/trunks/loopback', publicDefinition);
    expectStatus(created, 201);
    expect(created.body.trunk.credentials).to.deep.equal({ username: 'acct-4471' });
    expect(await trunkRowsOf(f.api.db, 'loopback')).to.deep.equal(JSON.parse(JSON.stringify(fileRows).split(PROVIDER_IP).join(PUBLIC_IP)));
    expect((await operator.api.get('/v1/trunks')).body.trunks.map((trunk: { name: string }) => trunk.name)).to.include('loopback');
    const again = await operator.api.put('/v1/trunks/loopback', { ...publicDefinition, credentials: { username: 'acct-4471' } });
    expectStatus(again, 200);
    expect(again.body.action).to.equal('unchanged');
    expectStatus(await operator.api.delete('/v1/trunks/loopback'), 204);
  });

  it('given bad trunk requests, then clear 4xx errors and nothing written', async () => {
    const base = { provider: 'P', host: 'sip.example.test', inbound: { addresses: ['192.0.2.1'] }, accounts: [f.subaccountId] };
    const bad = await operator.api.put('/v1/trunks/loopback-api', { ...base, port: 'x', register: true });
    expectStatus(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details.fields.map((field: { path: string }) => field.path)).to.include.members(['/port', '/credentials']);
    const inconsistent = await operator.api.put('/v1/trunks/loopback-api', { ...base, numbers: [{ number: '+15551239999', account: f.org.accountId }, { number: '+15551239999' }] });
    expectStatus(inconsistent, 422, 'TRUNK_INVALID');
    expect(inconsistent.body.error.details.fields.map((field: { path: string }) => field.path)).to.deep.equal(['/numbers/0/account', '/numbers/1/number']);
    expectStatus(await operator.api.put('/v1/trunks/loopback-api', { ...base, accounts: [999999999] }), 422, 'TRUNK_INVALID');
    expectStatus(await operator.api.put('/v1/trunks/Bad_Name', base), 400, 'VALIDATION_FAILED');
    for (const [field, value] of [['host', '10.0.0.5'], ['host', 'localhost'], ['host', '169.254.169.254'], ['host', '100.64.1.1'], ['host', '0.0.0.0'], ['inbound', { addresses: ['0.0.0.0/0'] }], ['inbound', { addresses: ['203.0.0.0/8'] }], ['inbound', { addresses: ['192.168.1.0/24'] }]] as const) {
      expectStatus(await operator.api.put('/v1/trunks/loopback-api', { ...base, [field]: value }), 400, 'TRUNK_ADDRESS_NOT_ALLOWED');
    }
    expect(await f.api.db('trunks').where({ name: 'loopback-api' }).first()).to.equal(undefined);
    fs.writeFileSync(path.join(dir, 'loopback-api.yaml'), trunkYaml(f.subaccountId, registrarPort).replace(/\+1555123000/g, '+1555777000'));
    expect(trunksApply(dir).status).to.equal(0);
    expectStatus(await operator.api.put('/v1/trunks/loopback-api', base), 409, 'TRUNK_KEPT_IN_FILE');
    fs.rmSync(path.join(dir, 'loopback-api.yaml'));
    expect(trunksApply(dir).stdout).to.include('delete trunk loopback-api');
  });

  it('given a trunk made through the API, then trunks:apply and TrunkService refuse a file of its name, an edit without a password keeps the secret, and the list is one query', async () => {
    const definition = { provider: 'P', host: PUBLIC_IP, inbound: { addresses: [PUBLIC_IP] }, accounts: [f.subaccountId], credentials: { username: 'acct-1', password: SECRET } };
    expectStatus(await operator.api.put('/v1/trunks/loopback-api', definition), 201);
    const trunks = new TrunkService(f.api.db, f.api.notifier);
    const scope = systemScope('test-fixture', f.api.logger);
    // The same rule for both paths, in the service: a file may not take over the API's trunk.
    const { credentials, ...rest } = definition;
    const fileWrite = { name: 'loopback-api', source: 'file' as const, password: SECRET, definition: { ...rest, credentials: { username: credentials.username }, port: 5060, transport: 'udp' as const, register: false, codecs: ['ulaw' as const], qualifySeconds: 60, numbers: [] } };
    let refused: unknown;
    await trunks.put(scope, fileWrite).catch((error: unknown) => { refused = error; });
    expect(refused).to.include({ code: 'TRUNK_MADE_THROUGH_API', status: 409 });
    expect((await trunks.problems(scope, fileWrite)).map((problem) => problem.path)).to.deep.equal(['']);
    fs.writeFileSync(path.join(dir, 'loopback-api.yaml'), trunkYaml(f.subaccountId, registrarPort).replace(/\+1555123000/g, '+1555777000'));
    const applied = trunksApply(dir);
    fs.rmSync(path.join(dir, 'loopback-api.yaml'));
    expect(applied.status).to.equal(1);
    expect(applied.stdout).to.include(`${path.join(dir, 'loopback-api.yaml')}:1: (file name) Trunk loopback-api was made through the API`);
    // An edit without a password keeps the current secret (the service's rule, whoever calls it).
    expectStatus(await operator.api.put('/v1/trunks/loopback-api', { ...definition, credentials: { username: 'acct-1' }, qualifySeconds: 30 }), 200);
    expect(await f.api.db('ps_auths').where({ id: 'trunk-loopback-api' }).first('password')).to.deep.equal({ password: SECRET });
    let queries = 0;
    const count = (): void => { queries += 1; };
    f.api.db.on('query', count);
    try {
      expect((await trunks.list(scope)).map((trunk) => trunk.name)).to.include('loopback-api');
    } finally {
      f.api.db.removeListener('query', count);
    }
    expect(queries).to.equal(1);
    expectStatus(await operator.api.delete('/v1/trunks/loopback-api'), 204);
  });
});
