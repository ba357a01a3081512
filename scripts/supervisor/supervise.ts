// Keeps one of the stack's processes running (started by scripts/lib/apps.sh for `npm start`): restarts it
// when it dies, with a backoff so a process that cannot start does not spin, counts the restarts for
// `npm run stack:status`, and writes everything it prints to its log (appended, rotated, JSON on every line).
// Stopping the supervisor (SIGTERM) stops the process and nothing restarts it: that is how stack:down and the
// test run's pause work.
//
// Usage: supervise --name NAME --dir RUN_DIR -- COMMAND ARGS...
// Files: RUN_DIR/NAME.log (+ .1 ... .N), RUN_DIR/NAME.state, RUN_DIR/NAME.pid (the process's pid).
// Bundled by esbuild into RUN_DIR/supervisor.cjs and run by plain node: no TypeScript loader in the one process
// that must never fail.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LineSplitter, LogFile, jsonLine, type Stream } from './log-file';
import { writeState, type SupervisorState } from './state';

/** sysexits' EX_CONFIG: the processes exit with it on a wrong setting, which no restart can fix. */
const EX_CONFIG = 78;

interface Options {
  name: string;
  dir: string;
  command: string[];
  logMaxBytes: number;
  logKeep: number;
  restartMinMs: number;
  restartMaxMs: number;
  /** A process that ran this long before dying starts the backoff over from restartMinMs. */
  stableMs: number;
  stopTimeoutMs: number;
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function readOptions(argv: string[]): Options {
  const separator = argv.indexOf('--');
  const flags = separator < 0 ? argv : argv.slice(0, separator);
  const flag = (name: string): string => {
    const value = flags[flags.indexOf(`--${name}`) + 1];
    if (!flags.includes(`--${name}`) || !value) throw new Error(`usage: supervise --name NAME --dir RUN_DIR -- COMMAND...; --${name} missing`);
    return value;
  };
  const command = separator < 0 ? [] : argv.slice(separator + 1);
  if (command.length === 0) throw new Error('usage: supervise --name NAME --dir RUN_DIR -- COMMAND...; no command');
  return {
    name: flag('name'),
    dir: flag('dir'),
    command,
    logMaxBytes: envNumber('PBX_LOG_MAX_BYTES', 10 * 1024 * 1024),
    logKeep: envNumber('PBX_LOG_KEEP', 5),
    restartMinMs: envNumber('PBX_RESTART_MIN_MS', 500),
    restartMaxMs: envNumber('PBX_RESTART_MAX_MS', 30_000),
    stableMs: envNumber('PBX_RESTART_STABLE_MS', 30_000),
    stopTimeoutMs: envNumber('PBX_STOP_TIMEOUT_MS', 10_000),
  };
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

class Supervisor {
  private readonly log: LogFile;
  private readonly stateFile: string;
  private readonly pidFile: string;
  private child: ChildProcess | undefined;
  private childStartedAt = 0;
  private quickExits = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly state: SupervisorState;

  constructor(private readonly options: Options) {
    fs.mkdirSync(options.dir, { recursive: true });
    this.log = new LogFile({ path: path.join(options.dir, `${options.name}.log`), maxBytes: options.logMaxBytes, keep: options.logKeep });
    this.stateFile = path.join(options.dir, `${options.name}.state`);
    this.pidFile = path.join(options.dir, `${options.name}.pid`);
    this.state = { supervisorPid: process.pid, pid: null, restarts: 0, lastExit: 'none', lastExitAt: null, startedAt: null, ready: false, status: 'running' };
  }

  start(): void {
    this.event('info', 'supervisor started', { command: this.options.command.join(' ') });
    this.spawnChild();
  }

  stop(signal: NodeJS.Signals): void {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.update({ status: 'stopping' });
    this.event('info', 'supervisor stopping', { signal, pid: this.child?.pid });
    if (!this.child) return this.finish(0, 'stopped');
    this.child.kill('SIGTERM');
    setTimeout(() => this.child?.kill('SIGKILL'), this.options.stopTimeoutMs).unref();
  }

  /** Logs the supervisor's own failure where the operator looks, and takes the process down with it. */
  crash(error: unknown): void {
    this.event('error', 'supervisor failed', { error: error instanceof Error ? error.stack : String(error) });
    this.child?.kill('SIGKILL');
    process.exit(1);
  }

  private spawnChild(): void {
    const [command = '', ...args] = this.options.command;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.childStartedAt = Date.now();
    this.update({ pid: child.pid ?? null, startedAt: new Date().toISOString(), ready: false, status: 'running' });
    if (child.pid !== undefined) fs.writeFileSync(this.pidFile, `${child.pid}\n`);
    const drained = [this.pipe(child, 'stdout'), this.pipe(child, 'stderr')];
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const done = (): void => {
      if (this.child !== child) return;
      this.child = undefined;
      this.onExit(exit?.code ?? null, exit?.signal ?? null);
    };
    child.once('error', (error) => {
      this.event('error', 'cannot start the process', { error: error.message });
      exit = { code: 127, signal: null };
      done();
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // Normally the pipes close with the process; a grandchild holding them must not stall a restart.
      void Promise.race([Promise.all(drained), new Promise((resolve) => setTimeout(resolve, 2000))]).then(done);
    });
  }

  /** Copies one of the process's streams into the log, line by line; resolves when the stream ends. */
  private pipe(child: ChildProcess, stream: Stream): Promise<void> {
    const source = child[stream];
    if (!source) return Promise.resolve();
    const splitter = new LineSplitter();
    source.setEncoding('utf8');
    source.on('data', (chunk: string) => this.write(splitter.push(chunk), stream));
    return new Promise((resolve) => source.once('close', () => {
      this.write(splitter.flush(), stream);
      resolve();
    }));
  }

  private write(lines: string[], stream: Stream): void {
    if (lines.length === 0) return;
    this.log.writeLines(lines.map((line) => jsonLine(line, this.options.name, stream)));
    if (!this.state.ready && lines.some((line) => line.includes('"message":"ready"'))) this.update({ ready: true });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const lastExit = exitText(code, signal);
    fs.rmSync(this.pidFile, { force: true });
    this.update({ pid: null, ready: false, lastExit, lastExitAt: new Date().toISOString() });
    if (this.stopping) {
      this.event('info', 'process stopped', { exit: lastExit });
      return this.finish(0, 'stopped');
    }
    if (code === EX_CONFIG) {
      this.event('error', 'process refused its configuration; not restarting', { exit: lastExit });
      return this.finish(EX_CONFIG, 'gave-up');
    }
    if (Date.now() - this.childStartedAt >= this.options.stableMs) this.quickExits = 0;
    const delayMs = Math.min(this.options.restartMaxMs, this.options.restartMinMs * 2 ** this.quickExits);
    this.quickExits += 1;
    this.update({ status: 'restarting' });
    this.event('warn', 'process exited; restarting', { exit: lastExit, delayMs, restarts: this.state.restarts + 1 });
    this.restartTimer = setTimeout(() => {
      this.update({ restarts: this.state.restarts + 1 });
      this.spawnChild();
    }, delayMs);
  }

  private finish(exitCode: number, status: SupervisorState['status']): void {
    this.update({ status });
    this.log.close();
    process.exit(exitCode);
  }

  private update(changes: Partial<SupervisorState>): void {
    Object.assign(this.state, changes);
    writeState(this.stateFile, this.state);
  }

  private event(level: 'info' | 'warn' | 'error', message: string, meta: Record<string, unknown>): void {
    const line = { level, message, service: 'supervisor', app: this.options.name, ...meta, timestamp: new Date().toISOString() };
    this.log.writeLines([JSON.stringify(line)]);
  }
}

function main(): void {
  const supervisor = new Supervisor(readOptions(process.argv.slice(2)));
  process.on('uncaughtException', (error) => supervisor.crash(error));
  process.once('SIGTERM', () => supervisor.stop('SIGTERM'));
  process.once('SIGINT', () => supervisor.stop('SIGINT'));
  supervisor.start();
}

main();
