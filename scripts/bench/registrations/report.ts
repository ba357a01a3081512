// What the registration benchmark prints and keeps: one line per step as it completes, the comparison
// table at the end, and the same figures as JSON for whoever tracks them over time.
import fs from 'node:fs';
import path from 'node:path';
import type { RampOptions, RampResult } from './ramp';
import { isClean } from './ramp';
import type { StepCost } from './cost';
import { memoryLine, type MemoryFigures } from './memory';
import type { StepResult } from './sipp-step';

export const TARGET_PERCENT = 80;

export interface BenchReport {
  finishedAt: string;
  devices: number;
  criteria: { maxP95Ms: number; recvTimeoutMs: number; minStepSeconds: number };
  host: { cpus: number; asterisk: string };
  /** The configuration measured: figures from a work tree with uncommitted asterisk-config changes say so. */
  source: { commit: string; uncommittedAsteriskConfig: string[] };
  realtime: RampResult;
  static: RampResult;
  /** Realtime's highest clean rate as a percentage of static's; null when static had none. */
  ratioPercent: number | null;
  targetPercent: number;
  /** Each Asterisk's RSS before, at the steady state, at the peak and idle after its run. */
  memory: { realtime: MemoryFigures; static: MemoryFigures };
}

export function stepLine(instance: string, step: StepResult, options: Pick<RampOptions, 'maxP95Ms'>): string {
  return [
    `${instance.padEnd(8)} ${String(step.rate).padStart(5)}/s`,
    `${String(step.successful).padStart(6)}/${step.attempted} registered`,
    `${String(step.failed).padStart(5)} failed`,
    `p50 ${String(step.p50Ms).padStart(5)} ms  p95 ${String(step.p95Ms).padStart(5)} ms (auth leg ${step.authP95Ms} ms)  max ${step.maxMs} ms`,
    `${String(step.retransmissions).padStart(5)} retransmissions`,
    `sent at ${step.sentRate}/s`,
    ...(step.cost ? [costText(step.cost)] : []),
    isClean(step, options) ? 'clean' : 'NOT clean',
  ].join(' | ');
}

function costText(cost: StepCost): string {
  const mariadb = cost.mariadbCpuMs === null ? '' : ` + MariaDB ${cost.mariadbCpuMs} ms`;
  return `per registration: Asterisk ${cost.asteriskCpuMs} ms${mariadb} CPU, ${cost.dbReads} DB reads, ${cost.dbWrites} writes`;
}

export function ratioPercent(realtime: RampResult, statik: RampResult): number | null {
  return statik.maxCleanRate > 0 ? Math.round((100 * realtime.maxCleanRate) / statik.maxCleanRate) : null;
}

export function summaryTable(report: BenchReport): string {
  const row = (name: string, ramp: RampResult): string =>
    `| ${name.padEnd(24)} | ${`${ramp.maxCleanRate} REGISTER/s`.padStart(18)} | ${(ramp.p95Ms === null ? '-' : `${ramp.p95Ms} ms`).padStart(8)} |`;
  const ratio = report.ratioPercent === null ? 'n/a' : `${report.ratioPercent} %`;
  const verdict = report.ratioPercent !== null && report.ratioPercent >= report.targetPercent ? 'met' : 'NOT met';
  return [
    `${report.devices} devices; clean = no failed registration and p95 < ${report.criteria.maxP95Ms} ms; steps of at least ${report.criteria.minStepSeconds} s`,
    `| ${'instance'.padEnd(24)} | ${'max clean rate'.padStart(18)} | ${'p95'.padStart(8)} |`,
    `|${'-'.repeat(26)}|${'-'.repeat(20)}|${'-'.repeat(10)}|`,
    row('realtime (MariaDB/ODBC)', report.realtime),
    row('static (pjsip.conf)', report.static),
    `realtime / static: ${ratio} (target >= ${report.targetPercent} %: ${verdict})`,
    memoryLine('realtime', report.memory.realtime),
    memoryLine('static', report.memory.static),
    `measured at ${report.source.commit}${report.source.uncommittedAsteriskConfig.length > 0 ? ` with uncommitted changes to ${report.source.uncommittedAsteriskConfig.join(', ')}` : ''}`,
  ].join('\n');
}

export function writeJson(file: string, report: BenchReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
