// Asterisk runs with glibc's allocator bounded, wherever it is started: after a REGISTER storm its per-thread
// arenas otherwise keep gigabytes of freed SIP transaction buffers (ASTERISK-NOTES), an OOM kill under a
// container's memory limit. The variables must reach the asterisk process itself (inside the chroot).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '../../..');
const BOUNDS = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' };

function environment(pid: number): Record<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((entry) => entry.includes('='));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

describe('Asterisk memory bounds', () => {
  it('given the stack\'s Asterisk as npm start and npm test bring it up, then its own process has the allocator bounds in its environment', async () => {
    const { stdout } = await promisify(execFile)('bash', ['scripts/asterisk-ctl.sh', 'pid'], { cwd: ROOT, timeout: 30_000 });
    const pid = Number(stdout.trim());
    expect(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).to.equal('asterisk');
    expect(environment(pid)).to.include(BOUNDS);
  });

  it('given the production containers, then the Asterisk image and its compose service set the same bounds', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'docker/asterisk/Dockerfile'), 'utf8');
    expect(dockerfile).to.match(/^ENV MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072$/m);
    const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(compose.services.asterisk?.environment).to.include(BOUNDS);
  });
});
