// `npm run asterisk:verify` against the real stack, run as the process ops run. Devices are provisioned
// through the project's services; drift is then made behind Asterisk's back, as it happens when the ARI app
// (which expires caches and reloads the dialplan) is down: rows changed while Asterisk holds cached copies,
// an account created, registration rows written. The database is shared with whatever else ran on this
// machine: assertions are on this suite's own objects, and any other difference is accepted as what it is.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import type { Difference } from '../../../consistency/drift';
import type { VerifyReport } from '../../../consistency/verify';
import { AmiClient } from '../../../core/asterisk/ami';
import { expireCachedObjects } from '../../../core/asterisk/sorcery-cache';
import { AriAppProcess } from '../../support/ari-app-process';
import { freeUdpPort } from '../../support/ports';
import { createTestAccount, openTestStack, removeTestAccount, type DeviceProvisioning, type TestStack } from '../../support/stack';
import { until } from '../../support/until';

const ROOT = path.resolve(__dirname, '../../..');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runVerify(args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'consistency/verify.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ ...run, status }));
  });
}

async function verifyJson(): Promise<{ status: number | null; report: VerifyReport }> {
  const run = await runVerify(['--json']);
  expect(run.stdout, run.stderr).to.match(/^\{/);
  return { status: run.status, report: JSON.parse(run.stdout) as VerifyReport };
}

function summary(difference: Difference): string {
  return `${difference.kind} ${difference.object.type} ${difference.object.id}${difference.field ? ` ${difference.field}` : ''}`;
}

describe('asterisk:verify (database against Asterisk, over ARI and AMI)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let ami: AmiClient;
  const ariApp = new AriAppProcess();
  let ariAppRunning = false;
  let organizationId: number;
  let resellerId: number;
  let secondAccountId: number | undefined;
  let desk: DeviceProvisioning;
  let browser: DeviceProvisioning;
  let softphone: DeviceProvisioning;
  const registrationIds = [`trunk-verify-ok-${process.pid}`, `trunk-verify-bad-${process.pid}`];
  const ours = new Set<string>();
  const endpointIds: string[] = [];

  async function stopAriApp(): Promise<void> {
    if (ariAppRunning) await ariApp.stop();
    ariAppRunning = false;
  }

  /** This suite's objects: its endpoints (and their contacts), contexts, accounts and registration rows. */
  const isOurs = (difference: Difference): boolean =>
    ours.has(difference.object.id) || [...ours].some((id) => difference.object.id.startsWith(`${id};`));

  async function contextOf(accountId: number): Promise<string> {
    return (await stack.db('accounts').where({ id: accountId }).first('dialplan_context')).dialplan_context as string;
  }

  /** Expects exit 0 when nothing but this suite's objects is compared, and no difference about them. */
  async function expectConsistentForOurs(): Promise<void> {
    const { status, report } = await verifyJson();
    const mine = report.differences.filter(isOurs).map((item) => item.message);
    const others = report.differences.filter((item) => !isOurs(item));
    expect(mine).to.deep.equal([]);
    expect(report.consistent).to.equal(others.length === 0);
    expect(status, `other objects' differences: ${others.map((item) => item.message).join('\n')}`).to.equal(others.length === 0 ? 0 : 1);
  }

  before(async () => {
    stack = await openTestStack();
    await ariApp.start();
    ariAppRunning = true;
    organizationId = await createTestAccount(stack, 'Verify org');
    resellerId = Number((await stack.db('accounts').where({ id: organizationId }).first('parent_id')).parent_id);
    desk = await stack.devices.create(organizationId, { extension: '401', label: 'Verify desk', kind: 'desk_phone' });
    browser = await stack.devices.create(organizationId, { extension: '402', label: 'Verify browser', kind: 'webrtc' });
    softphone = await stack.devices.create(organizationId, { extension: '403', label: 'Verify soft', kind: 'softphone' });
    await stack.devices.update(organizationId, softphone.id, { enabled: false });
    endpointIds.push(desk.sipUsername, browser.sipUsername, softphone.sipUsername);
    endpointIds.forEach((id) => ours.add(id));
    ours.add(String(organizationId)).add(String(resellerId)).add(await contextOf(organizationId)).add(await contextOf(resellerId));
    registrationIds.forEach((id) => ours.add(id));
    // The ARI app tracks new endpoints (a res_pjsip reload) a second after their creation.
    await until('ARI tracks the new endpoints', async () => {
      const tracked = new Set((await stack.ari.listEndpoints()).map((endpoint) => endpoint.resource));
      return [desk, browser, softphone].every((device) => tracked.has(device.sipUsername));
    }, { timeoutMs: 15_000, intervalMs: 200 });
    const { ami: settings } = stack.config;
    ami = await AmiClient.connect({ host: settings.host, port: settings.port, username: settings.username, secret: settings.password });
  });

  after(async () => {
    await stopAriApp();
    if (!stack) return;
    await stack.db('ps_registrations').whereIn('id', registrationIds).delete();
    if (secondAccountId !== undefined) await stack.accounts.remove(secondAccountId).catch(() => undefined);
    if (organizationId) await removeTestAccount(stack, organizationId);
    // Nobody listens to the change events now: apply them as the ARI app would, leaving Asterisk as found.
    if (ami) {
      await expireCachedObjects(ami, endpointIds);
      ami.close();
    }
    await stack.ari.reloadModule('pbx_config.so');
    await stack.ari.reloadModule('res_pjsip_outbound_registration.so');
    await stack.close();
  });

  it('given an account and its devices provisioned through the project, then it exits 0 and says consistent', async () => {
    await expectConsistentForOurs();
    const run = await runVerify();
    const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(lastLine).to.match(run.status === 0 ? /^consistent: the database and Asterisk agree on \d+ endpoints/ : /^drift: /);
  });

  /** What happens while the ARI app is down: an account created, rows changed and deleted, registration rows
   *  written, with nothing expiring Asterisk's cached copies or reloading its dialplan. */
  async function driftBehindAsterisksBack(): Promise<string> {
    await stopAriApp();
    // What Asterisk uses now is cached: an INVITE, a REGISTER or this look loads it.
    for (const id of endpointIds) await ami.action('PJSIPShowEndpoint', { Endpoint: id });
    // An account created while nobody reloads the dialplan; the desk phone moved to it in SQL.
    secondAccountId = (await stack.accounts.create({ kind: 'organization', name: 'Verify second org', parentId: resellerId })).account.id;
    const secondContext = await contextOf(secondAccountId);
    ours.add(String(secondAccountId)).add(secondContext);
    await stack.db('devices').where({ endpoint_id: desk.sipUsername }).update({ account_id: secondAccountId });
    await stack.db('ps_endpoints').where({ id: desk.sipUsername }).update({ context: secondContext });
    // A password rotated and an endpoint row deleted without expiring Asterisk's copies.
    await stack.db('ps_auths').where({ id: browser.sipUsername }).update({ password: 'rotated-behind-asterisks-back' });
    await stack.db('ps_endpoints').where({ id: softphone.sipUsername }).delete();
    // Registration rows with no reload: one Asterisk cannot load (no server_uri), one it can.
    const port = await freeUdpPort();
    const clientUri = `sip:verify@127.0.0.1:${port}`;
    await stack.db('ps_registrations').insert([
      { id: registrationIds[0], server_uri: `sip:127.0.0.1:${port}`, client_uri: clientUri, transport: 'transport-udp', expiration: 3600, retry_interval: 60, max_retries: 1 },
      { id: registrationIds[1], client_uri: clientUri, transport: 'transport-udp' },
    ]);
    return secondContext;
  }

  it('given changes behind Asterisk\'s back while the ARI app is down, then it exits 1 naming each difference', async () => {
    const secondContext = await driftBehindAsterisksBack();
    const { status, report } = await verifyJson();
    expect(status).to.equal(1);
    expect(report.consistent).to.equal(false);
    const mine = report.differences.filter(isOurs);
    expect(mine.map(summary)).to.have.members([
      `value-mismatch endpoint ${desk.sipUsername} context`,
      `value-mismatch auth ${browser.sipUsername} password`,
      `unexpected-in-asterisk endpoint ${softphone.sipUsername}`,
      `database-inconsistent device ${softphone.sipUsername} ps_endpoints`,
      `missing-in-asterisk context ${secondContext}`,
      `missing-in-asterisk registration ${registrationIds[1]}`,
      // No trunk owns these rows; the loadable one Asterisk started when listing registrations read it.
      `database-inconsistent registration ${registrationIds[0]}`,
      `database-inconsistent registration ${registrationIds[1]}`,
    ]);
    const moved = mine.find((item) => item.field === 'context');
    expect(moved).to.include({ database: secondContext, asterisk: await contextOf(organizationId) });
    expect(moved?.message).to.include('expire it from the pbx_endpoints cache');
    expect(JSON.stringify(report)).to.not.include('rotated-behind-asterisks-back');
    expect(JSON.stringify(report)).to.not.include(browser.sip.password);
    expect(report.compared.registrationStates).to.have.property('Unregistered');

    const human = await runVerify();
    expect(human.status).to.equal(1);
    for (const item of mine) expect(human.stdout).to.include(`${item.kind}: ${item.message}\n`);
    expect(human.stdout.trim().split('\n').at(-1)).to.match(/^drift: \d+ differences \(/);
  });

  it('given the caches expired, the dialplan reloaded and the stray rows removed, then it exits 0 again', async () => {
    await stack.devices.remove(organizationId, softphone.id);
    await stack.db('ps_registrations').whereIn('id', registrationIds).delete();
    await expireCachedObjects(ami, endpointIds);
    await stack.ari.reloadModule('pbx_config.so');
    await stack.ari.reloadModule('res_pjsip_outbound_registration.so');
    await expectConsistentForOurs();
  });

  it('given Asterisk unreachable, then it exits 2 and says what it could not reach', async () => {
    const run = await runVerify([], { AMI_PORT: '1' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/cannot reach Asterisk: AMI at 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});
