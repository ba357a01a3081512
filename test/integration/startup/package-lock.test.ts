// The committed lock is complete: a fresh install (what npm start does on a new clone) leaves it as it is, so a
// clone never starts with a modified package-lock.json, and `npm ci` (the image) accepts it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '../../..');

describe('package-lock.json', function () {
  this.timeout(120_000);
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pbx-lock-'));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('given package.json and its lock, when npm installs them afresh, then the lock is unchanged byte for byte', () => {
    for (const name of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, name), path.join(tmp, name));
    // The lock only, without scripts: what npm writes into the lock, without downloading or building packages.
    const install = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: tmp, encoding: 'utf8', timeout: 100_000 });
    expect(install.status, `${install.stdout}\n${install.stderr}`).to.equal(0);
    const committed = fs.readFileSync(path.join(ROOT, 'package-lock.json'));
    const reinstalled = fs.readFileSync(path.join(tmp, 'package-lock.json'));
    if (!reinstalled.equals(committed)) {
      const diff = spawnSync('diff', ['-u', path.join(ROOT, 'package-lock.json'), path.join(tmp, 'package-lock.json')], { encoding: 'utf8' });
      expect.fail(`a fresh install changes package-lock.json (run npm install and commit the lock):\n${diff.stdout.slice(0, 4000)}`);
    }
  });
});
