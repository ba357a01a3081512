// Asterisk's allocator gives memory back after a REGISTER storm, wherever it is started: glibc otherwise keeps
// gigabytes of freed SIP transaction buffers (ASTERISK-NOTES), an OOM kill under a container's memory limit.
// jemalloc is preloaded (bench:registrations: idle RSS after a storm below the steady state), with glibc's
// bounds as the fallback. The settings must reach the asterisk process itself, inside the chroot.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '../../..');
const GLIBC_BOUNDS = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '65536' };
const JEMALLOC = {
  LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  MALLOC_CONF: 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0',
};

function environment(pid: number): Record<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((entry) => entry.includes('='));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

describe('Asterisk memory bounds', () => {
  it('given the stack\'s Asterisk as npm start and npm test bring it up, then its own process allocates with jemalloc and has glibc\'s bounds in its environment', async () => {
    const { stdout } = await promisify(execFile)('bash', ['scripts/asterisk-ctl.sh', 'pid'], { cwd: ROOT, timeout: 30_000 });
    const pid = Number(stdout.trim());
    expect(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).to.equal('asterisk');
    expect(environment(pid)).to.include(GLIBC_BOUNDS);
    // The Debian sid root npm start builds always has jemalloc; an Asterisk on the host's PATH may not.
    if (fs.readlinkSync(`/proc/${pid}/root`) !== '/') {
      expect(environment(pid)).to.include(JEMALLOC);
      expect(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).to.include('libjemalloc.so.2');
    }
  });

  it('given the production containers, then the Asterisk image installs jemalloc and it and its compose service set the same allocator', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'docker/asterisk/Dockerfile'), 'utf8');
    expect(dockerfile).to.match(/apt-get install[^\n]*\n[^\n]* libjemalloc2 /);
    for (const [name, value] of Object.entries({ ...GLIBC_BOUNDS, ...JEMALLOC })) expect(dockerfile).to.include(`${name}=${value}`);
    const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(compose.services.asterisk?.environment).to.include({ ...GLIBC_BOUNDS, ...JEMALLOC });
  });
});
