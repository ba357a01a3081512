// What one registration costs the machine, measured around each step: CPU time of the Asterisk under test
// and of MariaDB (from /proc), and the statements MariaDB executed (its global counters). This is what
// explains a difference in rates on a two-core machine, where the three share the CPUs with SIPp.
import fs from 'node:fs';
import type { Database } from '../../../db/connection';
import type { StepResult } from './sipp-step';

/** Linux's USER_HZ: /proc reports CPU time in these ticks; 100 on every architecture Debian ships. */
const TICKS_PER_SECOND = 100;
const WRITES = ['Com_insert', 'Com_update', 'Com_delete'] as const;
const STATEMENTS = ['Com_select', ...WRITES] as const;

export interface StepCost {
  asteriskCpuMs: number;
  mariadbCpuMs: number | null;
  dbReads: number;
  dbWrites: number;
}

interface Snapshot {
  asteriskTicks: number;
  mariadbTicks: number | null;
  statements: Record<(typeof STATEMENTS)[number], number>;
}

function cpuTicks(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export class CostProbe {
  private constructor(private readonly db: Database, private readonly asteriskPid: number, private readonly mariadbPid: number | null) {}

  static async open(db: Database, asteriskPid: number): Promise<CostProbe> {
    return new CostProbe(db, asteriskPid, await mariadbPid(db));
  }

  /** Runs a step and adds its cost per successful registration. */
  async measure(step: () => Promise<StepResult>): Promise<StepResult> {
    const before = await this.snapshot();
    const result = await step();
    const after = await this.snapshot();
    const per = (delta: number): number => (result.successful > 0 ? Math.round((100 * delta) / result.successful) / 100 : 0);
    const cpuMs = (ticks: number): number => per((ticks * 1000) / TICKS_PER_SECOND);
    const delta = (name: (typeof STATEMENTS)[number]): number => after.statements[name] - before.statements[name];
    const cost: StepCost = {
      asteriskCpuMs: cpuMs(after.asteriskTicks - before.asteriskTicks),
      mariadbCpuMs: after.mariadbTicks === null || before.mariadbTicks === null ? null : cpuMs(after.mariadbTicks - before.mariadbTicks),
      dbReads: per(delta('Com_select')),
      dbWrites: per(WRITES.reduce((sum, name) => sum + delta(name), 0)),
    };
    return { ...result, cost };
  }

  private async snapshot(): Promise<Snapshot> {
    const [rows] = (await this.db.raw(`SHOW GLOBAL STATUS WHERE Variable_name IN (${STATEMENTS.map(() => '?').join(',')})`, [...STATEMENTS])) as [{ Variable_name: string; Value: string }[]];
    const statements = Object.fromEntries(STATEMENTS.map((name) => [name, Number(rows.find((row) => row.Variable_name === name)?.Value ?? 0)])) as Snapshot['statements'];
    return { asteriskTicks: cpuTicks(this.asteriskPid), mariadbTicks: this.mariadbPid === null ? null : cpuTicks(this.mariadbPid), statements };
  }
}

/** MariaDB's process, when it runs on this machine (its pid file readable here); otherwise its CPU is unknown. */
async function mariadbPid(db: Database): Promise<number | null> {
  try {
    const [rows] = (await db.raw('SELECT @@pid_file AS file')) as [{ file: string }[]];
    const pid = Number(fs.readFileSync(rows[0]?.file ?? '', 'utf8').trim());
    return Number.isInteger(pid) && fs.existsSync(`/proc/${pid}`) ? pid : null;
  } catch {
    return null;
  }
}
