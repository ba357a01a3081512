// What bench:calls puts in place and takes away again: an account with a calling and an answering device
// (provisioned by the project's own services, as the tests do), the baseline's plain Dial() route, app_dial,
// and the benchmark's own ARI app process (the admission cap raised), with its pid for CPU figures.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AriRest } from '../../../core/ari/rest';
import type { Database } from '../../../db/connection';
import { provisionPhone } from '../../../test/support/phones';
import type { TestStack } from '../../../test/support/stack';
import type { Credentials } from './sipp';

const ROOT = path.resolve(__dirname, '../../..');
const run = promisify(execFile);
export const BENCH_ACCOUNT_NAME = 'bench:calls (temporary)';
/** The baseline's extension in the account's context: Dial() straight to the answering device. */
export const BASELINE_PREFIX = '8';

export interface BenchAccount {
  accountId: number;
  context: string;
  caller: Credentials;
  callee: Credentials & { extension: string };
  remove(): Promise<void>;
}

export async function asteriskCli(command: string): Promise<string> {
  const { stdout } = await run('bash', [path.join(ROOT, 'scripts/asterisk-ctl.sh'), 'cli', command], { timeout: 30_000 });
  return stdout;
}

export async function asteriskPid(): Promise<number> {
  const { stdout } = await run('bash', [path.join(ROOT, 'scripts/asterisk-ctl.sh'), 'pid']);
  return Number(stdout.trim());
}

/** The account, and a calling and an answering user's device, provisioned as the tests provision their phones
 *  (test/support/phones.ts: the project's services, so Asterisk reads exactly the rows production writes). */
export async function provisionAccount(stack: TestStack): Promise<BenchAccount> {
  for (const id of (await stack.db('accounts').where({ name: BENCH_ACCOUNT_NAME }).pluck('id')).map(Number)) await stack.accounts.remove(id);
  const { account, changeId } = await stack.accounts.create({ kind: 'organization', name: BENCH_ACCOUNT_NAME });
  // The account's context must be in Asterisk's dialplan (the ARI app reloads it) before the first call.
  await stack.applied(changeId);
  const caller = await provisionPhone(stack, account.id, '7001', 'Bench caller');
  const callee = await provisionPhone(stack, account.id, '7002', 'Bench answerer');
  // The benchmark's SIPp parties stream their own audio.
  caller.rtp.close();
  callee.rtp.close();
  return {
    accountId: account.id,
    context: account.dialplan_context,
    caller: { username: caller.device.sip.username, password: caller.device.sip.password },
    callee: { username: callee.device.sip.username, password: callee.device.sip.password, extension: '7002' },
    remove: async () => void (await stack.accounts.remove(account.id)),
  };
}

/** The baseline route: a realtime `extensions` row in the account's own context, so both paths reach their
 *  application through the same realtime switch lookup and differ only in Stasis() against Dial(). */
export async function addBaselineRoute(db: Database, bench: BenchAccount): Promise<string> {
  const exten = `${BASELINE_PREFIX}${bench.callee.extension}`;
  await db('extensions').insert({ context: bench.context, exten, priority: 1, app: 'Dial', appdata: `PJSIP/${bench.callee.username},30` })
    .onConflict(['context', 'exten', 'priority']).merge(['app', 'appdata']);
  return exten;
}

export async function removeBaselineRoute(db: Database, bench: BenchAccount): Promise<void> {
  await db('extensions').where({ context: bench.context, exten: `${BASELINE_PREFIX}${bench.callee.extension}` }).delete();
}

/** Loads app_dial for the baseline; returns how to put things back (unload only what we loaded). */
export async function loadAppDial(): Promise<() => Promise<void>> {
  const loaded = /app_dial\.so/.test(await asteriskCli('module show like app_dial'));
  if (loaded) return async () => undefined;
  await asteriskCli('module load app_dial.so');
  if (!/app_dial\.so/.test(await asteriskCli('module show like app_dial'))) throw new Error('app_dial.so could not be loaded');
  return async () => void (await asteriskCli('module unload app_dial.so'));
}

/** Channels and bridges Asterisk still has: after a step drains, both must be zero. */
export async function leftovers(ari: AriRest): Promise<{ channels: number; bridges: number }> {
  const [channels, bridges] = await Promise.all([ari.listChannels(), ari.listBridges()]);
  return { channels: channels.length, bridges: bridges.length };
}

/** The benchmark's own ARI app, as ari-app/main.ts runs in production, with the environment given. */
export class BenchAriApp {
  private child: ChildProcess | undefined;
  output = '';

  /** `logFile`: everything the app writes (every call's events at info) goes there, not into memory. */
  constructor(private readonly env: Record<string, string>, private readonly logFile: string, private readonly profileDir?: string) {}

  get pid(): number {
    if (!this.child?.pid) throw new Error('the ARI app is not running');
    return this.child.pid;
  }

  async start(): Promise<void> {
    const profile = this.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${this.profileDir}`] : [];
    this.output = '';
    this.child = spawn(process.execPath, [...profile, '--import', 'tsx', 'ari-app/main.ts'], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    const keep = (chunk: Buffer): void => {
      log.write(chunk);
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.once('exit', () => log.end());
    const deadline = Date.now() + 30_000;
    while (!this.output.includes('"message":"ready"')) {
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`the ARI app did not start: ${this.output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
