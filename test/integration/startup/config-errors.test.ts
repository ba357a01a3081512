// Each process of the product refuses to start on a wrong or missing setting, naming it, instead of failing
// later with a stack trace.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '../../..');

function start(entry: string, env: Record<string, string | undefined>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('start-up configuration errors', function () {
  this.timeout(60_000);

  for (const entry of ['ari-app/main.ts', 'admin-api/main.ts', 'jobs/main.ts']) {
    it(`given a malformed ARI_PORT, when ${entry} starts, then it exits with 78 naming the variable`, () => {
      const { status, stderr } = start(entry, { ARI_PORT: 'eighty' });
      expect(status, stderr).to.equal(78);
      expect(stderr).to.match(/ARI_PORT must be integer/);
    });
  }

  it('given an unknown log level, when the admin API starts, then the message lists the allowed values', () => {
    const { status, stderr } = start('admin-api/main.ts', { LOG_LEVEL: 'chatty' });
    expect(status).to.equal(78);
    expect(stderr).to.include('LOG_LEVEL must be one of: error, warn, info, debug');
  });
});
