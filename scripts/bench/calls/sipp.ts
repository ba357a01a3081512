// bench:calls' SIP parties. One SIPp answers every call as the called device (server mode, registered from
// its port); one SIPp per load step places the calls. Each step's traces stay in its own folder.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SCENARIOS = __dirname;
/** A call not answered or not hung up in time is a failure: a 5 s call never needs this long. */
const RECV_TIMEOUT_MS = 15_000;

/** SIPp children still running, so an interrupted benchmark can stop them. */
export const runningSipp = new Set<ChildProcess>();

export interface Credentials {
  username: string;
  password: string;
}

export interface CallStep {
  target: string;
  /** The request-URI user: an extension (ARI path) or the baseline's Dial() extension. */
  service: string;
  caller: Credentials;
  rate: number;
  count: number;
  workDir: string;
  localPort: number;
  mediaPort: number;
}

export interface CallStepResult {
  rate: number;
  attempted: number;
  answered: number;
  /** Refusals by status (503 is the admission's answer); SIPp-level failures (time-outs, unexpected messages). */
  refused: Record<string, number>;
  sippFailed: number;
  /** Authenticated INVITE to 200 OK, answered calls only. */
  pddP50Ms: number;
  pddP95Ms: number;
  pddMaxMs: number;
  /** Authenticated INVITE to 503, refused calls only: how early the excess is refused. */
  refusalP95Ms: number;
}

/** One second of G.711 A-law (a 400 Hz-ish square wave) as a WAV file, the audio both parties stream. */
export function writeAudioFile(dir: string): void {
  const samples = Buffer.alloc(8000);
  for (let i = 0; i < samples.length; i += 1) samples[i] = Math.floor(i / 10) % 2 === 0 ? 0xd5 : 0xaa;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(6, 20); // A-law
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.length, 40);
  fs.writeFileSync(path.join(dir, 'bench-audio.wav'), Buffer.concat([header, samples]));
}

/** Copies a scenario (SIPp writes its traces beside it) and the audio into a folder. */
function prepare(workDir: string, scenario: string): void {
  fs.mkdirSync(workDir, { recursive: true });
  fs.copyFileSync(path.join(SCENARIOS, `${scenario}.xml`), path.join(workDir, `${scenario}.xml`));
  if (!fs.existsSync(path.join(workDir, 'bench-audio.wav'))) writeAudioFile(workDir);
}

function spawnSipp(args: string[], cwd: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  runningSipp.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      runningSipp.delete(child);
      fs.writeFileSync(path.join(cwd, 'stderr.log'), stderr);
      resolve(code);
    });
  });
  return { child, exited };
}

export async function registerDevice(options: { target: string; device: Credentials; contactPort: number; workDir: string }): Promise<boolean> {
  prepare(options.workDir, 'register');
  const { exited } = spawnSipp([
    options.target, '-sf', 'register.xml', '-i', '127.0.0.1', '-p', String(options.contactPort), '-t', 'u1',
    '-m', '1', '-nostdin', '-timeout', '10s', '-timeout_error', '-s', options.device.username,
    '-au', options.device.username, '-ap', options.device.password,
    '-key', 'contact_port', String(options.contactPort), '-key', 'expires', '3600',
    '-trace_logs', '-log_file', 'log',
  ], options.workDir);
  await exited;
  return fs.readFileSync(path.join(options.workDir, 'log'), 'utf8').includes('final=200');
}

/** The called device: answers every INVITE on `port`, holds `holdMs` with audio, hangs up. */
export function startAnswerer(options: { target: string; port: number; mediaPort: number; holdMs: number; workDir: string }): { stop(): Promise<void> } {
  prepare(options.workDir, 'answerer');
  const { child, exited } = spawnSipp([
    options.target, '-sf', 'answerer.xml', '-i', '127.0.0.1', '-p', String(options.port), '-t', 'u1', '-mp', String(options.mediaPort),
    // -aa: the 200 to Asterisk's connected-line UPDATE after the bridge, as a phone answers it.
    '-d', String(options.holdMs), '-aa', '-nostdin', '-recv_timeout', String(RECV_TIMEOUT_MS), '-max_recv_loops', '10000',
    '-trace_err', '-error_file', 'errors.log',
  ], options.workDir);
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function runCallStep(step: CallStep): Promise<CallStepResult> {
  prepare(step.workDir, 'caller');
  const budgetSeconds = Math.ceil(step.count / step.rate + RECV_TIMEOUT_MS / 500 + 20);
  const exitCode = await spawnSipp([
    step.target, '-sf', 'caller.xml', '-i', '127.0.0.1', '-p', String(step.localPort), '-t', 'u1', '-mp', String(step.mediaPort),
    '-s', step.service, '-au', step.caller.username, '-ap', step.caller.password, '-key', 'caller_user', step.caller.username,
    '-m', String(step.count), '-r', String(step.rate), '-rp', '1000', '-l', String(step.count),
    '-recv_timeout', String(RECV_TIMEOUT_MS), '-timeout', `${budgetSeconds}s`, '-timeout_error', '-nostdin', '-aa',
    '-trace_stat', '-stf', 'stats.csv', '-trace_rtt', '-rtt_freq', '1',
    '-trace_logs', '-log_file', 'outcomes.log', '-trace_err', '-error_file', 'errors.log',
  ], step.workDir).exited;
  const failed = finalCounter(path.join(step.workDir, 'stats.csv'), 'FailedCall(C)');
  if (failed === undefined) throw new Error(`SIPp (exit ${exitCode}) wrote no statistics; see ${step.workDir}`);
  const outcomes = readOutcomes(path.join(step.workDir, 'outcomes.log'));
  const pdd = readResponseTimes(step.workDir, 'pdd');
  const { answered = 0, ...refused } = outcomes;
  return {
    rate: step.rate,
    attempted: step.count,
    answered,
    refused,
    sippFailed: failed,
    pddP50Ms: percentile(pdd, 0.5),
    pddP95Ms: percentile(pdd, 0.95),
    pddMaxMs: percentile(pdd, 1),
    refusalP95Ms: percentile(readResponseTimes(step.workDir, 'refusal'), 0.95),
  };
}

/** A cumulative column of the last row of SIPp's -trace_stat file. */
function finalCounter(file: string, column: string): number | undefined {
  if (!fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  if (lines.length < 2) return undefined;
  const header = lines[0]?.split(';') ?? [];
  return Number(lines.at(-1)?.split(';')[header.indexOf(column)] ?? Number.NaN);
}

function readOutcomes(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  if (!fs.existsSync(file)) return counts;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /outcome=(\w+)/.exec(line);
    if (match?.[1]) counts[match[1]] = (counts[match[1]] ?? 0) + 1;
  }
  return counts;
}

/** SIPp's -trace_rtt file: "date_ms;response_time_ms;rtd_name" per measured response. */
function readResponseTimes(dir: string, name: string): number[] {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('_rtt.csv'));
  if (!file) return [];
  return fs.readFileSync(path.join(dir, file), 'utf8').split('\n').slice(1)
    .map((line) => line.trim().split(';'))
    .filter((fields) => fields[2] === name)
    .map((fields) => Number(fields[1]));
}

/** Nearest-rank percentile (q = 1 is the maximum); 0 for no samples. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** A step is clean when every call was answered and the p95 post-dial delay stays under the bound. */
export function isClean(result: CallStepResult, maxP95Ms: number): boolean {
  return result.answered === result.attempted && result.sippFailed === 0 && result.pddP95Ms <= maxP95Ms;
}
