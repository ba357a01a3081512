// npm run bench:calls: how many calls per second the ARI path carries against a plain dialplan Dial() on the
// same Asterisk, with what post-dial delay and CPU per call. SIPp callers call a device (a SIPp answerer that
// answers 100 ms after ringing, holds 5 s with audio both ways and hangs up). The rate ramps until a call
// fails or the p95 post-dial delay (authenticated INVITE to 200) passes 200 ms.
//   flock -o /tmp/pbx-control-plane-tests.lock npm run bench:calls [-- --start 20 --step 20 --max 300]
//   ... npm run bench:calls -- --overload [--rate N]   twice the carried rate for 30 s (admission as configured)
//   ... npm run bench:calls -- --profile               also profiles the ARI app (node --cpu-prof)
// It uses the stack's Asterisk, MariaDB and Redis and runs its own ARI app: hold the tests' lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AriRest } from '../../core/ari/rest';
import { loadConfig, type Config } from '../../core/config';
import type { Database } from '../../db/connection';
import { freeRtpPort, freeUdpPort } from '../../test/support/ports';
import { openTestStack } from '../../test/support/stack';
import { stepLine, summary, topSelfTime, type MeasuredStep, type RampResult } from './calls/report';
import { addBaselineRoute, asteriskPid, BenchAriApp, cpuSeconds, leftovers, loadAppDial, provisionAccount, removeBaselineRoute, type BenchAccount } from './calls/setup';
import { isClean, registerDevice, runCallStep, runningSipp, startAnswerer } from './calls/sipp';

const HOLD_MS = 5000;
const MAX_P95_MS = 200;

interface Options {
  start: number;
  step: number;
  max: number;
  stepSeconds: number;
  overload: boolean;
  rate?: number;
  profile: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      start: { type: 'string', default: '20' }, step: { type: 'string', default: '20' }, max: { type: 'string', default: '400' },
      'step-seconds': { type: 'string', default: '10' }, overload: { type: 'boolean', default: false }, rate: { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
  });
  return {
    start: Number(values.start), step: Number(values.step), max: Number(values.max), stepSeconds: Number(values['step-seconds']),
    overload: Boolean(values.overload), rate: values.rate ? Number(values.rate) : undefined, profile: Boolean(values.profile),
  };
}

interface Run {
  config: Config;
  db: Database;
  ari: AriRest;
  bench: BenchAccount;
  app: BenchAriApp;
  asterisk: number;
  workDir: string;
}

const undo: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const task of undo.splice(0).reverse()) await task().catch((error: unknown) => process.stderr.write(`clean-up failed: ${(error as Error).message}\n`));
}

/** Waits until Asterisk has no channel left (a step never inherits the last one's calls); returns what stayed. */
async function drain(ari: AriRest, timeoutMs = 30_000): Promise<{ channels: number; bridges: number }> {
  const deadline = Date.now() + timeoutMs;
  let left = await leftovers(ari);
  while ((left.channels > 0 || left.bridges > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await leftovers(ari);
  }
  return left;
}

async function measure(run: Run, name: string, service: string, rate: number, seconds: number): Promise<MeasuredStep> {
  const before = { asterisk: cpuSeconds(run.asterisk), app: cpuSeconds(run.app.pid) };
  const result = await runCallStep({
    target: `127.0.0.1:${run.config.sip.port}`, service, caller: run.bench.caller, rate, count: Math.max(1, Math.round(rate * seconds)),
    workDir: path.join(run.workDir, `${name}-${rate}-${Date.now()}`), localPort: await freeUdpPort(), mediaPort: await freeRtpPort(),
  });
  const after = { asterisk: cpuSeconds(run.asterisk), app: cpuSeconds(run.app.pid) };
  const left = await drain(run.ari);
  const per = (delta: number): number => (result.answered > 0 ? delta / result.answered : 0);
  return { ...result, asteriskCpuPerCall: per(after.asterisk - before.asterisk), ariAppCpuPerCall: per(after.app - before.app), leftChannels: left.channels, leftBridges: left.bridges };
}

async function ramp(run: Run, name: string, service: string, options: Options): Promise<RampResult> {
  const steps: MeasuredStep[] = [];
  let best: MeasuredStep | undefined;
  for (let rate = options.start; rate <= options.max; rate += options.step) {
    const step = await measure(run, name, service, rate, options.stepSeconds);
    steps.push(step);
    process.stdout.write(`${stepLine(name, step)}\n`);
    if (!isClean(step, MAX_P95_MS)) break;
    best = step;
  }
  return { path: name, steps, best };
}

async function setUp(options: Options, maxActiveCalls: string): Promise<Run> {
  const stack = await openTestStack();
  undo.push(() => stack.close());
  const { config, db, ari } = stack;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-calls-'));
  const app = new BenchAriApp({ MAX_ACTIVE_CALLS: maxActiveCalls }, path.join(workDir, 'ari-app.log'), options.profile ? path.join(workDir, 'profile') : undefined);
  await app.start();
  undo.push(() => app.stop());
  const bench = await provisionAccount(stack);
  undo.push(() => bench.remove());
  const answererPort = await freeUdpPort();
  const target = `127.0.0.1:${config.sip.port}`;
  if (!(await registerDevice({ target, device: bench.callee, contactPort: answererPort, workDir: path.join(workDir, 'register') }))) {
    throw new Error(`the answering device could not register; see ${workDir}/register`);
  }
  const answerer = startAnswerer({ target, port: answererPort, mediaPort: await freeRtpPort(), holdMs: HOLD_MS, workDir: path.join(workDir, 'answerer') });
  undo.push(() => answerer.stop());
  process.stdout.write(`account ${bench.accountId}, caller ${bench.caller.username} -> answerer ${bench.callee.username} (ext ${bench.callee.extension}); SIPp traces in ${workDir}\n`);
  return { config, db, ari, bench, app, asterisk: await asteriskPid(), workDir };
}

async function benchmark(options: Options): Promise<void> {
  const run = await setUp(options, '100000');
  const ari = await ramp(run, 'ARI', run.bench.callee.extension, options);
  undo.push(await loadAppDial());
  const baseline = await addBaselineRoute(run.db, run.bench);
  undo.push(() => removeBaselineRoute(run.db, run.bench));
  const dialplan = await ramp(run, 'dialplan', baseline, options);
  process.stdout.write(`\n${summary(ari, dialplan).join('\n')}\n`);
  fs.writeFileSync(path.join(run.workDir, 'report.json'), JSON.stringify({ finishedAt: new Date().toISOString(), ari, dialplan }, null, 2));
  if (options.profile) {
    await run.app.stop();
    process.stdout.write(`\nARI app CPU profile, self time (top):\n${topSelfTime(path.join(run.workDir, 'profile')).join('\n')}\n`);
  }
}

/** Twice the rate the app carries (its admission cap over the call's length, unless --rate), for 30 s, with the
 *  admission as configured; then: nothing left in Asterisk, and the next call goes through at once. */
async function overload(options: Options): Promise<void> {
  const config = loadConfig();
  const carried = Math.floor(config.calls.maxActiveCalls / ((HOLD_MS + 100) / 1000));
  const rate = options.rate ?? 2 * carried;
  const run = await setUp(options, String(config.calls.maxActiveCalls));
  process.stdout.write(`overload: ${rate} calls/s for 30 s (MAX_ACTIVE_CALLS=${config.calls.maxActiveCalls}, about ${carried} calls/s carried)\n`);
  const step = await measure(run, 'overload', run.bench.callee.extension, rate, 30);
  process.stdout.write(`${stepLine('overload', step)}\n`);
  process.stdout.write(`refused with 503: ${step.refused['503'] ?? 0}, refusal p95 ${step.refusalP95Ms} ms after the INVITE; other failures: ${step.sippFailed + Object.entries(step.refused).filter(([status]) => status !== '503').reduce((sum, [, n]) => sum + n, 0)}\n`);
  process.stdout.write(`after the load: ${step.leftChannels} channels, ${step.leftBridges} bridges left in Asterisk\n`);
  const next = await measure(run, 'next', run.bench.callee.extension, 1, 1);
  process.stdout.write(`next call: ${next.answered === 1 ? `answered, INVITE to 200 in ${next.pddP50Ms} ms` : `NOT answered (${JSON.stringify(next.refused)}, ${next.sippFailed} SIPp failures)`}\n`);
}

function onInterrupt(signal: NodeJS.Signals): void {
  process.stderr.write(`${signal}: stopping SIPp and the ARI app, removing the benchmark account\n`);
  for (const child of runningSipp) child.kill('SIGTERM');
  void cleanUp().finally(() => process.exit(130));
}
process.once('SIGINT', onInterrupt);
process.once('SIGTERM', onInterrupt);

const options = readOptions();
(options.overload ? overload(options) : benchmark(options))
  .catch((error: unknown) => {
    process.stderr.write(`bench:calls failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
