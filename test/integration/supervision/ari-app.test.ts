// The ARI app under its supervisor, against the real Asterisk: today the process nobody restarted. Started as
// `npm start` does, in a run directory of the test's own. Touches Asterisk: run it holding the test lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { until } from '../../support/until';
import { alive, appCtl, logLines, nonJsonLines, readState } from './supervised';

interface LogLine {
  message?: string;
  notice?: string;
}

describe('the supervised ARI app', function () {
  this.timeout(120_000);
  let runDir: string;
  let env: Record<string, string>;
  const logFile = (): string => path.join(runDir, 'ari-app.log');
  const parsed = (): LogLine[] => logLines(logFile()).map((line) => JSON.parse(line) as LogLine);
  const connections = (): number => parsed().filter((line) => line.message === 'ARI event stream connected').length;

  before(async () => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervision-ari-'));
    // Debug level: ari-client's notices are logged at debug, and must then show up as JSON lines.
    env = { PBX_RUN_DIR: runDir, LOG_LEVEL: 'debug' };
    const started = await appCtl('start', 'ari-app', env);
    expect(started.status, started.output).to.equal(0);
  });

  after(async () => {
    await appCtl('stop', 'ari-app', env);
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('given it is connected to Asterisk, when it is killed with SIGKILL, then it reconnects within seconds and its log holds both lives, every line JSON with ari-client\'s Swagger notice among them', async () => {
    await until('the first ARI connection', () => connections() === 1, { timeoutMs: 20_000 });
    const oldPid = Number(readState(runDir, 'ari-app').pid);
    const linesBefore = logLines(logFile());

    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    // The supervisor marks it ready from the app's own ready line, which may follow the connection's by a moment.
    await until('the ARI app is connected again and ready', () => connections() === 2 && readState(runDir, 'ari-app').ready === '1', { timeoutMs: 20_000, intervalMs: 100 });
    expect(Date.now() - killedAt, 'back within a few seconds').to.be.below(10_000);

    const state = readState(runDir, 'ari-app');
    expect(state).to.include({ restarts: '1', last_exit: 'signal SIGKILL', ready: '1' });
    expect(alive(Number(state.pid))).to.equal(true);
    const lines = logLines(logFile());
    expect(lines.slice(0, linesBefore.length)).to.deep.equal(linesBefore);
    expect(nonJsonLines(lines)).to.deep.equal([]);
    const notices = parsed().filter((line) => line.message === 'ari-client notice');
    expect(notices.some((line) => line.notice?.includes('deprecated version of Swagger'))).to.equal(true);
    expect(lines.filter((line) => line.includes('deprecated version of Swagger') && !line.includes('"ari-client notice"'))).to.deep.equal([]);
  });
});
