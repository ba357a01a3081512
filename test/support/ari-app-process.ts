// The project's processes as the product runs them (ari-app/main.ts, jobs/main.ts), each a separate Node
// process, so tests see real start-up, real reconnection and a real crash when they stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { until } from './until';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

export class AppProcess {
  private child: ChildProcess | undefined;
  output = '';

  constructor(private readonly entry: string, private readonly env: Record<string, string> = {}) {}

  async start(): Promise<void> {
    this.output = '';
    this.child = spawn(process.execPath, ['--import', 'tsx', this.entry], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await until(`${this.entry} is ready`, () => this.output.includes('"message":"ready"') || (this.child?.exitCode != null ? Promise.reject(new Error(`${this.entry} exited: ${this.output}`)) : false), { timeoutMs: 30_000 });
  }

  /** Log lines (parsed JSON) the app wrote so far. */
  logs(): Record<string, unknown>[] {
    return this.output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** A mark in the log, so a later wait only counts what happened after it. */
  mark(): number {
    return this.logs().length;
  }

  /** Waits for a log line with this message written after the mark. */
  waitForLog(message: string, since: number, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return until(`${this.entry} logs "${message}"`, () => this.logs().slice(since).find((line) => line.message === message), { timeoutMs });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}

export class AriAppProcess extends AppProcess {
  constructor(env: Record<string, string> = {}) {
    super('ari-app/main.ts', env);
  }
}

export class WorkerProcess extends AppProcess {
  constructor(env: Record<string, string> = {}) {
    super('jobs/main.ts', env);
  }
}
