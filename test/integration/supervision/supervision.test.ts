// The processes `npm start` runs are supervised: killed, they are back within seconds; their logs survive
// the restart, rotate by size and hold only JSON lines; stopping one (stack:down, the test run's pause) is
// never undone by its supervisor. The admin API is supervised here exactly as npm start does it, but on a port
// and in a run directory of the test's own, so the stack's processes and the rest of the suite are untouched.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { until } from '../../support/until';
import { alive, appCtl, buildSupervisor, freeTcpPort, logLines, nonJsonLines, readState } from './supervised';

describe('supervised processes', function () {
  this.timeout(90_000);

  describe('the admin API started as npm start does', () => {
    let runDir: string;
    let env: Record<string, string>;

    before(async () => {
      runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervision-'));
      env = { PBX_RUN_DIR: runDir, ADMIN_API_PORT: String(await freeTcpPort()) };
      const started = await appCtl('start', 'admin-api', env);
      expect(started.status, started.output).to.equal(0);
    });

    after(async () => {
      await appCtl('stop', 'admin-api', env);
      fs.rmSync(runDir, { recursive: true, force: true });
    });

    const health = async (): Promise<boolean> => (await fetch(`http://127.0.0.1:${env.ADMIN_API_PORT}/health`, { signal: AbortSignal.timeout(2000) })).status < 500;

    it('given it serves, when it is killed with SIGKILL, then it serves again within seconds, the restart is counted and the log keeps its old lines, all JSON', async () => {
      const logFile = path.join(runDir, 'admin-api.log');
      const before = readState(runDir, 'admin-api');
      const oldPid = Number(before.pid);
      expect(alive(oldPid), 'the app runs').to.equal(true);
      expect(await health()).to.equal(true);
      const linesBefore = logLines(logFile);

      const killedAt = Date.now();
      process.kill(oldPid, 'SIGKILL');
      const after = await until('the admin API is back and ready', () => {
        const state = readState(runDir, 'admin-api');
        return state.ready === '1' && Number(state.pid) !== oldPid ? state : undefined;
      }, { timeoutMs: 15_000, intervalMs: 100 });
      await until('the admin API answers again', health, { timeoutMs: 5000 });
      const backInMs = Date.now() - killedAt;

      expect(backInMs, 'back within a few seconds').to.be.below(10_000);
      expect(after.restarts).to.equal('1');
      expect(after.last_exit).to.equal('signal SIGKILL');
      const status = await appCtl('status', 'admin-api', env);
      expect(status.status, status.output).to.equal(0);
      expect(status.output).to.match(/admin-api up: pid \d+, supervisor \d+, running, restarts 1 \(last exit: signal SIGKILL at /);

      const lines = logLines(logFile);
      expect(lines.slice(0, linesBefore.length), 'the lines before the crash are still there').to.deep.equal(linesBefore);
      expect(nonJsonLines(lines)).to.deep.equal([]);
      const messages = lines.map((line) => (JSON.parse(line) as { message?: string }).message);
      expect(messages.filter((message) => message === 'ready')).to.have.length(2);
      expect(messages).to.include('process exited; restarting');
    });

    it('given it is supervised, when it is stopped as stack:down and the test run pause do, then nothing starts it again', async () => {
      const { pid, supervisor_pid: supervisorPid } = readState(runDir, 'admin-api');
      const stopped = await appCtl('stop', 'admin-api', env);
      expect(stopped.status, stopped.output).to.equal(0);
      // The supervisor is gone with its app: no process is left that could restart it.
      expect(alive(Number(supervisorPid)), 'supervisor').to.equal(false);
      expect(alive(Number(pid)), 'app').to.equal(false);
      expect(readState(runDir, 'admin-api').status).to.equal('stopped');
      const status = await appCtl('status', 'admin-api', env);
      expect(status.status).to.not.equal(0);
      expect(status.output).to.include('admin-api DOWN: not supervised');
    });
  });

  it('given a process that cannot read its configuration (exit 78), when it is started, then start-up fails at once and the supervisor does not retry it', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervision-'));
    try {
      const started = await appCtl('start', 'admin-api', { PBX_RUN_DIR: runDir, ADMIN_API_PORT: 'eighty' });
      expect(started.status).to.not.equal(0);
      expect(started.output).to.include('admin-api exited during start-up');
      const state = readState(runDir, 'admin-api');
      expect(state.status).to.equal('gave-up');
      expect(state.restarts).to.equal('0');
      expect(nonJsonLines(logLines(path.join(runDir, 'admin-api.log')))).to.deep.equal([]);
    } finally {
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('given a process that prints plain text and keeps crashing, when its log passes the size limit, then every line is JSON and a few generations of the limit\'s size are kept', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervision-'));
    const maxBytes = 4000;
    // Plain text on both streams, a JSON line, then a crash: what a Node process prints when it fails.
    const app = 'for (let i = 0; i < 20; i++) console.log(`plain line ${i} "quoted" \\\\ back`); '
      + 'console.log(JSON.stringify({ level: "info", message: "ready" })); console.error("Error: boom\\n    at main (app.js:1:1)"); process.exit(1);';
    const supervisor = spawn(process.execPath, [buildSupervisor(runDir), '--name', 'tiny', '--dir', runDir, '--', process.execPath, '-e', app], {
      env: { ...process.env, PBX_LOG_MAX_BYTES: String(maxBytes), PBX_LOG_KEEP: '2', PBX_RESTART_MIN_MS: '20', PBX_RESTART_MAX_MS: '50' },
      stdio: 'ignore',
    });
    try {
      await until('the tiny app has been restarted 8 times', () => Number(readState(runDir, 'tiny').restarts) >= 8, { timeoutMs: 30_000, intervalMs: 100 });
      const files = fs.readdirSync(runDir).filter((name) => name.startsWith('tiny.log')).sort();
      expect(files).to.deep.equal(['tiny.log', 'tiny.log.1', 'tiny.log.2']);
      for (const file of files) {
        const lines = logLines(path.join(runDir, file));
        expect(nonJsonLines(lines), file).to.deep.equal([]);
        expect(fs.statSync(path.join(runDir, file)).size, file).to.be.at.most(maxBytes);
      }
      const wrapped = logLines(path.join(runDir, 'tiny.log.1')).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(wrapped.find((line) => line.message === 'plain line 3 "quoted" \\ back')).to.include({ level: 'info', service: 'tiny', stream: 'stdout', raw: true });
      expect(wrapped.find((line) => line.message === 'Error: boom')).to.include({ level: 'error', stream: 'stderr' });
    } finally {
      supervisor.kill('SIGTERM');
      await until('the tiny supervisor has stopped', () => supervisor.exitCode !== null || supervisor.signalCode !== null, { timeoutMs: 15_000 });
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  });
});
