// One load step: a single SIPp process registers `count` devices at `rate` registrations per second, each
// with its own credentials from the injection file, and reports what it saw. One process per step (never
// one per device): SIPp shares the machine's two cores with Asterisk and MariaDB.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { StepCost } from './cost';

const SCENARIO = path.resolve(__dirname, '../sipp/register.xml');
/** A registration not answered within this is a failure (a phone would have retransmitted for 32 s, but a
 *  server that needs more than 5 s per answer is not keeping up with the offered rate). */
export const RECV_TIMEOUT_MS = 5_000;

export interface StepRequest {
  /** host:port of the Asterisk under test. */
  target: string;
  rate: number;
  count: number;
  injectionFile: string;
  workDir: string;
  /** SIPp's port. Kept across steps, as a phone keeps its own: each step then refreshes the contacts the
   *  previous one stored instead of replacing them with new ones (rewrite_contact puts the port in the URI). */
  localPort: number;
}

export interface StepResult {
  rate: number;
  attempted: number;
  successful: number;
  failed: number;
  retransmissions: number;
  /** Registrations started per second, as measured (SIPp itself may fall short of the target rate). */
  sentRate: number;
  /** First REGISTER sent to 200 OK received: what a phone waits. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The authenticated REGISTER alone: AOR lookup and contact write. */
  authP95Ms: number;
  /** Per registration, when the caller measured it. */
  cost?: StepCost;
}

/** SIPp children still running, so an interrupted benchmark can stop them. */
export const runningSipp = new Set<ChildProcess>();

export async function runStep(request: StepRequest): Promise<StepResult> {
  fs.mkdirSync(request.workDir, { recursive: true });
  // SIPp names its trace files after the scenario file, beside it: a copy keeps them in this step's folder.
  fs.copyFileSync(SCENARIO, path.join(request.workDir, 'register.xml'));
  const budgetSeconds = Math.ceil(request.count / request.rate + (2 * RECV_TIMEOUT_MS) / 1000 + 15);
  const args = [
    request.target,
    '-sf', 'register.xml', '-inf', request.injectionFile,
    '-i', '127.0.0.1', '-p', String(request.localPort), '-t', 'u1',
    '-m', String(request.count), '-r', String(request.rate), '-rp', '1000', '-l', String(request.count),
    '-recv_timeout', String(RECV_TIMEOUT_MS),
    '-timeout', `${budgetSeconds}s`, '-timeout_error', '-nostdin',
    '-trace_stat', '-stf', 'stats.csv',
    '-trace_rtt', '-rtt_freq', '1',
    '-trace_err', '-error_file', 'errors.log',
  ];
  const exitCode = await runSipp(args, request.workDir);
  const stats = readFinalStats(path.join(request.workDir, 'stats.csv'));
  if (!stats) throw new Error(`SIPp (exit ${exitCode}) wrote no statistics; see ${request.workDir}/errors.log`);
  const times = readResponseTimes(request.workDir);
  const registered = times.get('register') ?? [];
  const durations = registered.map((entry) => entry.ms);
  return {
    rate: request.rate,
    attempted: request.count,
    successful: stats.successful,
    failed: request.count - stats.successful,
    retransmissions: stats.retransmissions,
    sentRate: sentRate(registered),
    p50Ms: percentile(durations, 0.5),
    p95Ms: percentile(durations, 0.95),
    maxMs: percentile(durations, 1),
    authP95Ms: percentile((times.get('auth') ?? []).map((entry) => entry.ms), 0.95),
  };
}

function runSipp(args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    runningSipp.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      runningSipp.delete(child);
      fs.writeFileSync(path.join(cwd, 'stderr.log'), stderr);
      resolve(code);
    });
  });
}

/** The cumulative columns of the last row of SIPp's -trace_stat file. */
function readFinalStats(file: string): { successful: number; retransmissions: number } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]?.split(';') ?? [];
  const last = lines.at(-1)?.split(';') ?? [];
  if (lines.length < 2) return undefined;
  const column = (name: string): number => Number(last[header.indexOf(name)] ?? Number.NaN);
  return { successful: column('SuccessfulCall(C)'), retransmissions: column('Retransmissions(C)') };
}

interface Timing {
  /** When the response arrived, in ms since SIPp started. */
  atMs: number;
  ms: number;
}

/** SIPp's -trace_rtt file: "Date_ms;response_time_ms;rtd_no" per measured response, grouped by rtd name. */
function readResponseTimes(dir: string): Map<string, Timing[]> {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('_rtt.csv'));
  const byName = new Map<string, Timing[]>();
  if (!file) return byName;
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n').slice(1)) {
    const [at, ms, name] = line.trim().split(';');
    if (!name) continue;
    const list = byName.get(name) ?? [];
    list.push({ atMs: Number(at), ms: Number(ms) });
    byName.set(name, list);
  }
  return byName;
}

/** Registrations started per second: start times are answer times minus response times. */
function sentRate(timings: Timing[]): number {
  if (timings.length < 2) return 0;
  const starts = timings.map((timing) => timing.atMs - timing.ms);
  // A loop, not Math.max(...starts): a step can hold tens of thousands of samples.
  const spanMs = starts.reduce((a, b) => Math.max(a, b)) - starts.reduce((a, b) => Math.min(a, b));
  return spanMs > 0 ? Math.round(((timings.length - 1) * 1000) / spanMs) : 0;
}

/** Nearest-rank percentile (q = 1 is the maximum); 0 for no samples. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}
