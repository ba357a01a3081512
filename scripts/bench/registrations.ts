// npm run bench:registrations: how fast Asterisk takes REGISTERs when devices live in MariaDB (realtime over
// ODBC, the product's way) compared with the same devices in a static pjsip.conf.
//
// Provisions BENCH_DEVICES (2,000) devices with the product's services, has one SIPp process register them
// (digest auth, each with its own credentials) at a rising rate against the stack's Asterisk, then against a
// second Asterisk started from the same root with those devices in pjsip.conf. Prints the highest clean rate
// and its p95 for both, their ratio, and each Asterisk's RSS (before, steady, peak, and idle once Timer J has
// passed after the run: a storm must not leave it holding memory), and writes
// test/.artifacts/bench-registrations.json. Everything it creates is removed at the end, also on failure or Ctrl-C.
//
// Run it alone on the machine: `flock /tmp/pbx-control-plane-tests.lock npm run bench:registrations`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { AccountService } from '../../admin-api/accounts/service';
import { ChangeNotifier } from '../../admin-api/notifier';
import { loadConfig, type Config } from '../../core/config';
import { createLogger } from '../../core/logger';
import { openDatabase, type Database } from '../../db/connection';
import { asteriskCli } from '../../test/support/asterisk-control';
import { freeUdpPort } from '../../test/support/ports';
import { until } from '../../test/support/until';
import { CostProbe } from './registrations/cost';
import { RssWatch, TIMER_J_MS, allocatorEnvironment, memoryLine, type MemoryFigures } from './registrations/memory';
import { provisionDevices, readPjsipRows, removeLeftoverAccounts, sippInjectionFile, type BenchDevices } from './registrations/devices';
import { runRamp, type RampOptions, type RampResult } from './registrations/ramp';
import { TARGET_PERCENT, ratioPercent, stepLine, summaryTable, writeJson, type BenchReport } from './registrations/report';
import { RECV_TIMEOUT_MS, runStep, runningSipp } from './registrations/sipp-step';
import { StaticAsterisk } from './registrations/static-asterisk';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACT = path.join(ROOT, 'test/.artifacts/bench-registrations.json');

type Cli = (command: string) => Promise<string>;

/** One Asterisk under test: where SIPp sends, how to ask it things, and what measures its cost. */
interface Instance {
  name: 'realtime' | 'static';
  address: string;
  cli: Cli;
  probe: CostProbe;
  pid: number;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

interface Options extends RampOptions {
  staticSipPort: number;
  /** Idle time after each run before the last RSS reading: Timer J and a margin, by default. */
  idleSeconds: number;
}

function readOptions(): Options {
  return {
    devices: positiveInteger('BENCH_DEVICES', 2000),
    startRate: positiveInteger('BENCH_START_RATE', 100),
    maxRate: positiveInteger('BENCH_MAX_RATE', 6400),
    refineSteps: positiveInteger('BENCH_REFINE_STEPS', 3),
    minStepSeconds: positiveInteger('BENCH_MIN_STEP_SECONDS', 4),
    maxP95Ms: positiveInteger('BENCH_MAX_P95_MS', 500),
    staticSipPort: positiveInteger('BENCH_STATIC_SIP_PORT', 5160),
    idleSeconds: positiveInteger('BENCH_IDLE_SECONDS', Math.ceil(TIMER_J_MS / 1000) + 8),
  };
}

/** The Debian sid root scripts/bench.sh found; the second instance needs that root's asterisk binary. */
function asteriskRoot(): string {
  if (process.env.ASTERISK_MODE !== 'chroot' || !process.env.ASTERISK_ROOT) {
    throw new Error('this benchmark starts its second Asterisk from the stack\'s chroot: run it through `npm run bench:registrations` (ASTERISK_MODE=chroot)');
  }
  return process.env.ASTERISK_ROOT;
}

/** Things to undo, last first; run once whether the benchmark ends, fails or is interrupted. */
class Cleanup {
  private readonly tasks: { what: string; undo: () => Promise<void> }[] = [];
  private done: Promise<void> | undefined;

  add(what: string, undo: () => Promise<void>): void {
    this.tasks.push({ what, undo });
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      for (const task of [...this.tasks].reverse()) {
        await task.undo().catch((error: unknown) => process.stderr.write(`clean-up failed (${task.what}): ${(error as Error).message}\n`));
      }
    })();
    return this.done;
  }
}

const cleanup = new Cleanup();
let interrupted = false;

function onInterrupt(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`${signal}: stopping SIPp, the static Asterisk, and removing the benchmark devices\n`);
  for (const child of runningSipp) child.kill('SIGTERM');
  void cleanup.run().finally(() => process.exit(130));
}

/** Waits until Asterisk has worked off its SIP and sorcery queues: a step never inherits the last one's load. */
async function drained(cli: Cli): Promise<void> {
  await until('Asterisk has drained its SIP queues', async () => {
    const busy = (await cli('core show taskprocessors')).split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cells) => /pjsip|sorcery/.test(cells[0] ?? '') && Number(cells[2]) > 0);
    return busy.length === 0;
  }, { timeoutMs: 60_000, intervalMs: 250 });
}

/** What every step of a run shares: the devices' credentials, where traces go, the phones' port. */
interface Load {
  injectionFile: string;
  workDir: string;
  localPort: number;
}

async function ramp(instance: Instance, load: Load, options: Options): Promise<{ ramp: RampResult; memory: MemoryFigures }> {
  const rss = new RssWatch(instance.pid);
  const result = await runRamp(async (rate, count) => {
    if (interrupted) throw new Error('interrupted');
    await drained(instance.cli);
    const step = await instance.probe.measure(() => runStep({
      ...load, target: instance.address, rate, count, workDir: path.join(load.workDir, `${instance.name}-${rate}`),
    }));
    process.stdout.write(`${stepLine(instance.name, step, options)} | RSS ${rss.afterStep()} MB\n`);
    return step;
  }, options);
  await drained(instance.cli);
  process.stdout.write(`${instance.name}: idle for ${options.idleSeconds} s (Timer J ends the run's transactions), then Asterisk's RSS\n`);
  const memory = await rss.idle(options.idleSeconds * 1000);
  process.stdout.write(`${memoryLine(instance.name, memory)}\n`);
  return { ramp: result, memory };
}

/** The commit measured, and the asterisk-config files that differ from it (the stack renders the work tree). */
async function sourceState(): Promise<BenchReport['source']> {
  const git = async (...args: string[]): Promise<string> => (await promisify(execFile)('git', args, { cwd: ROOT })).stdout;
  // Porcelain lines are "XY path": two status letters (the first often a space) and a space.
  const changed = (await git('status', '--porcelain', '--', 'asterisk-config')).split('\n').filter((line) => line.length > 3).map((line) => line.slice(3));
  return { commit: (await git('rev-parse', '--short', 'HEAD')).trim(), uncommittedAsteriskConfig: changed };
}

/** The stack's Asterisk's process id, from its pid file inside the root (/var/run there is a link to /run). */
async function stackAsteriskPid(root: string): Promise<number> {
  const { stdout } = await promisify(execFile)('chroot', [root, 'cat', '/var/run/asterisk/asterisk.pid']);
  return Number(stdout.trim());
}

/** `environment`: the stack's Asterisk's allocator variables, so both instances differ only in where devices live. */
async function startStaticInstance(root: string, port: number, bench: BenchDevices, setup: { config: Config; db: Database; environment: Record<string, string> }): Promise<StaticAsterisk> {
  const rows = await readPjsipRows(setup.db, bench.devices.map((device) => device.endpointId));
  const instance = new StaticAsterisk(root, port);
  cleanup.add('stop the static Asterisk', () => instance.stop());
  await instance.start(setup.config, rows, setup.environment);
  return instance;
}

/** The benchmark's devices in MariaDB (removed by the clean-up) and SIPp's injection file of their credentials. */
async function provision(db: Database, redis: Redis, devices: number): Promise<{ bench: BenchDevices; load: Load }> {
  const accounts = new AccountService(db, new ChangeNotifier(redis, createLogger('bench', 'error')));
  const swept = await removeLeftoverAccounts(db, accounts);
  if (swept > 0) process.stderr.write(`removed ${swept} benchmark account(s) left by an interrupted run\n`);
  const bench = await provisionDevices(db, accounts, devices);
  cleanup.add('remove the benchmark devices', async () => void (await accounts.remove(bench.accountId)));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-registrations-'));
  const injectionFile = path.join(workDir, 'devices.csv');
  fs.writeFileSync(injectionFile, sippInjectionFile(bench.devices), { mode: 0o600 });
  process.stdout.write(`${devices} devices provisioned in account ${bench.accountId}; SIPp traces in ${workDir}\n`);
  return { bench, load: { injectionFile, workDir, localPort: await freeUdpPort() } };
}

async function main(): Promise<void> {
  const options = readOptions();
  const root = asteriskRoot();
  const config = loadConfig();
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  cleanup.add('close the database and Redis', async () => {
    redis.disconnect();
    await db.destroy();
  });
  const { bench, load } = await provision(db, redis, options.devices);

  const stackPid = await stackAsteriskPid(root);
  const realtime = await ramp({
    name: 'realtime', address: `127.0.0.1:${config.sip.port}`, cli: asteriskCli, probe: await CostProbe.open(db, stackPid), pid: stackPid,
  }, load, options);
  const second = await startStaticInstance(root, options.staticSipPort, bench, { config, db, environment: allocatorEnvironment(stackPid) });
  const statik = await ramp({
    name: 'static', address: `127.0.0.1:${options.staticSipPort}`, cli: (command) => second.cli(command), probe: await CostProbe.open(db, second.pid()), pid: second.pid(),
  }, load, options);

  const report: BenchReport = {
    finishedAt: new Date().toISOString(),
    devices: options.devices,
    criteria: { maxP95Ms: options.maxP95Ms, recvTimeoutMs: RECV_TIMEOUT_MS, minStepSeconds: options.minStepSeconds },
    host: { cpus: os.cpus().length, asterisk: (await asteriskCli('core show version')).trim() },
    source: await sourceState(),
    realtime: realtime.ramp,
    static: statik.ramp,
    ratioPercent: ratioPercent(realtime.ramp, statik.ramp),
    targetPercent: TARGET_PERCENT,
    memory: { realtime: realtime.memory, static: statik.memory },
  };
  writeJson(ARTIFACT, report);
  process.stdout.write(`\n${summaryTable(report)}\nfigures written to ${path.relative(ROOT, ARTIFACT)}\n`);
  // Traces matter only when something went wrong; a finished run leaves nothing behind.
  fs.rmSync(load.workDir, { recursive: true, force: true });
}

process.once('SIGINT', onInterrupt);
process.once('SIGTERM', onInterrupt);
main()
  .catch((error: unknown) => {
    if (!interrupted) process.stderr.write(`bench:registrations failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanup.run());
