// Password guessing over real SIP: SIPp plays the guesser from other loopback addresses (127.0.0.0/8 is all
// local), Asterisk reports each failure over AMI to the real ARI app process, which blocks the address; Asterisk
// then refuses it 403 while the same device registers from anywhere else. A trunk's inbound address is no
// exemption: guesses from it against a device are counted and blocked like any other. Ops list and lift blocks with the npm
// scripts; a short block is lifted by the ARI app's sweep.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { RedisFailureWindow } from '../../../ari-app/security/failure-window';
import { blockAclId } from '../../../db/repositories/sip-address-blocks';
import { AriAppProcess } from '../../support/ari-app-process';
import { freeUdpPort } from '../../support/ports';
import { runSipp } from '../../support/sipp';
import { until } from '../../support/until';
import { createTestAccount, removeTestAccount } from '../../support/stack';
import { useCallFixture } from '../../support/call-fixture';
import { TrunkService } from '../../../admin-api/trunks/service';
import { putTrunk, removeTrunk } from '../../support/trunks';
import { ChangeNotifier } from '../../../admin-api/notifier';
import { createLogger } from '../../../core/logger';

const PROJECT_ROOT = path.resolve(__dirname, '../../..');
const GUESSER = '127.0.0.7';
const TRUNK = '127.0.0.8';
const LOOPBACK = '127.0.0.1';
const TRUNK_NAME = 'guard-test';
const MAX_FAILURES = 10;

/** REGISTERs from `localIp`; resolves with the final status Asterisk gave (200, 401 or 403). */
async function registerFrom(localIp: string, username: string, password: string): Promise<string> {
  const result = await runSipp({
    scenario: path.join(__dirname, 'scenarios', 'register-or-refused.xml'),
    localIp,
    localPort: await freeUdpPort(),
    service: username,
    authUser: username,
    authPassword: password,
    keys: { expires: 60 },
    timeoutSeconds: 5,
  });
  return result.logged.final ?? `no final status (${result.errors.slice(0, 300)})`;
}

/** `attempts` REGISTERs with a wrong password, one after another, each refused as a guess should be. */
async function guess(localIp: string, username: string, attempts: number): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) expect(await registerFrom(localIp, username, 'guess-123456')).to.equal('401');
}

async function npmRun(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', ...args], { cwd: PROJECT_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('SIP guessing guard (SIPp, Asterisk, AMI, the ARI app, MariaDB, Redis)', function () {
  this.timeout(30_000);
  // Registered ahead of the fixture's hooks: mocha runs "after" hooks in the order they were registered, and
  // this one needs the database the fixture's closes.
  after(async () => {
    if (f.stack) await forget();
  });
  const f = useCallFixture({ account: 'Guard org', phones: { desk: '201' } });
  const addresses = [GUESSER, TRUNK, LOOPBACK];
  const sip = () => f.phone('desk').device.sip;

  async function forget(): Promise<void> {
    await f.stack.db('sip_address_blocks').whereIn('address', addresses).del();
    await f.stack.db('ps_acls').whereIn('id', addresses.map(blockAclId)).del();
    const window = new RedisFailureWindow(f.stack.redis, 60_000);
    for (const address of addresses) await window.reset(address);
  }
  before(forget);

  it('given ten wrong passwords from an address, then within a second even the right one is refused 403 there, and the device registers from elsewhere', async () => {
    const since = f.app.mark();
    await guess(GUESSER, sip().username, MAX_FAILURES);
    const lastFailure = Date.now();
    await until('the guesser is refused 403', async () => (await registerFrom(GUESSER, sip().username, sip().password)) === '403', { timeoutMs: 2000, intervalMs: 20 });
    expect(Date.now() - lastFailure).to.be.below(1000);
    expect(await registerFrom(LOOPBACK, sip().username, sip().password)).to.equal('200');

    const logged = await f.app.waitForLog('SIP address blocked', since);
    expect(logged).to.include({ address: GUESSER, failures: MAX_FAILURES, lastEvent: 'ChallengeResponseFailed', accountId: sip().username });
    expect(f.app.logs().slice(since).filter((line) => line.message === 'SIP address blocked')).to.have.length(1);
    expect(await f.stack.db('ps_acls').where({ id: blockAclId(GUESSER) }).first()).to.include({ deny: `${GUESSER}/32` });
  });

  it('given the block, then ops see it with sip:blocks, lift it with sip:unblock, and the address registers again at once', async () => {
    const listed = await npmRun('sip:blocks');
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.match(new RegExp(`^${GUESSER.replace(/\./g, '\\.')}\\s+until .*${MAX_FAILURES} failures, last ChallengeResponseFailed`, 'm'));

    const lifted = await npmRun('sip:unblock', '--', GUESSER);
    expect(lifted.code, lifted.stderr).to.equal(0);
    expect(JSON.parse(lifted.stdout.trim())).to.include({ message: 'SIP address block lifted', address: GUESSER, reason: 'manual' });
    expect(await registerFrom(GUESSER, sip().username, sip().password)).to.equal('200');

    const again = await npmRun('sip:unblock', '--', GUESSER);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include(`${GUESSER} is not blocked`);
  });

  it('given as many failures from 127.0.0.1 (the WebRTC proxy), then it is not blocked', async () => {
    await guess(LOOPBACK, sip().username, MAX_FAILURES);
    expect(await registerFrom(LOOPBACK, sip().username, sip().password)).to.equal('200');
    expect(await f.stack.db('sip_address_blocks').where({ address: LOOPBACK })).to.have.length(0);
  });

  it('given a trunk serving another account, when 40 wrong passwords for our device come from its inbound address, then they are refused 403 after the threshold and the block names the trunk', async () => {
    const otherAccount = await createTestAccount(f.stack, 'Guard carrier customer');
    const trunks = new TrunkService(f.stack.db, new ChangeNotifier(f.stack.redis, createLogger('test', 'error')));
    try {
      // Kept by ops in a file (the only place a loopback provider is allowed); another tenant's trunk.
      await putTrunk(trunks, { name: TRUNK_NAME, source: 'file', password: undefined, definition: {
        provider: 'Guard test carrier', host: '192.0.2.80', port: 5060, transport: 'udp', register: false, inbound: { addresses: [TRUNK] },
        codecs: ['ulaw'], qualifySeconds: 0, accounts: [otherAccount], numbers: [], allowPrivateAddresses: true,
      } });
      const since = f.app.mark();
      const finals: string[] = [];
      for (let attempt = 0; attempt < 40; attempt++) finals.push(await registerFrom(TRUNK, sip().username, 'guess-123456'));
      const evaluated = finals.indexOf('403');
      expect(evaluated, finals.join(',')).to.be.within(MAX_FAILURES, MAX_FAILURES + 1);
      expect(finals.slice(evaluated).every((final) => final === '403'), finals.join(',')).to.equal(true);
      expect(await registerFrom(TRUNK, sip().username, sip().password)).to.equal('403');
      expect(await f.app.waitForLog('SIP address blocked', since)).to.deep.include({ address: TRUNK, trunks: [`trunk-${TRUNK_NAME}`], level: 'error' });
      expect(await registerFrom(LOOPBACK, sip().username, sip().password)).to.equal('200');
    } finally {
      await removeTrunk(trunks, TRUNK_NAME);
      await removeTestAccount(f.stack, otherAccount);
    }
  });

  it('given a short block, then the ARI app\'s sweep lifts it when it ends', async () => {
    // The suite's app blocks for the default 15 minutes; this one for 2 seconds.
    await f.app.stop();
    const app = new AriAppProcess({ SIP_GUARD_BLOCK_SECONDS: '2' });
    await app.start();
    try {
      // Unknown user names, as a scan sends them: each attempt is two requests, each an InvalidAccountID.
      for (let n = 0; n < MAX_FAILURES / 2; n++) expect(await registerFrom(GUESSER, `scan${n}x${Date.now()}`, 'guess-123456')).to.equal('401');
      const blocked = await app.waitForLog('SIP address blocked', 0, 2000);
      expect(blocked).to.include({ address: GUESSER, lastEvent: 'InvalidAccountID' });
      expect(await registerFrom(GUESSER, sip().username, sip().password)).to.equal('403');

      const lifted = await app.waitForLog('SIP address block lifted', 0, 5000);
      expect(lifted).to.include({ address: GUESSER, reason: 'expired' });
      expect(Date.now()).to.be.below(Date.parse(String(blocked.blockedUntil)) + 1500);
      expect(await registerFrom(GUESSER, sip().username, sip().password)).to.equal('200');
    } catch (error) {
      process.stderr.write(`ari-app log:\n${app.output.slice(-6000)}\n`);
      throw error;
    } finally {
      await app.stop();
    }
  });
});
