// A second Asterisk, from the same Debian sid root as the stack's, holding the benchmark devices in a static
// pjsip.conf. Its own asterisk.conf points every directory (etc, lib, spool, run, log) at paths of its own,
// so it shares nothing with the stack's instance: not the control socket, not astdb, not the logs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { templateValues } from '../../../asterisk-config/render';
import type { Config } from '../../../core/config';
import { until } from '../../../test/support/until';
import { renderedTemplate, staticModulesConf, staticPjsipConf } from './conf-files';
import type { PjsipRows } from './devices';

const run = promisify(execFile);

/** Paths as Asterisk sees them inside the root. */
const ETC_DIR = '/etc/asterisk-bench';
const STATE_DIR = '/var/lib/asterisk-bench';
const ASTERISK_CONF = `${ETC_DIR}/asterisk.conf`;

export class StaticAsterisk {
  private child: ChildProcess | undefined;

  constructor(private readonly root: string, readonly sipPort: number) {}

  /** Renders the configuration, starts Asterisk (with `environment` added to ours) and waits until it has
   *  loaded every device. */
  async start(config: Config, rows: PjsipRows, environment: Record<string, string> = {}): Promise<void> {
    await assertUdpPortFree(this.sipPort);
    await this.removeFiles();
    this.writeConfig(config, rows);
    await this.inRoot('chown', '-R', 'root:asterisk', ETC_DIR);
    for (const dir of ['lib', 'spool', 'run', 'log']) await this.inRoot('mkdir', '-p', `${STATE_DIR}/${dir}`);
    await this.inRoot('chown', '-R', 'asterisk:asterisk', STATE_DIR);
    // Foreground (-f) as our child: its lifetime is this benchmark's, whatever happens to the stack's one.
    // The environment is set inside the root (env after chroot): an LD_PRELOAD names the root's library.
    const settings = Object.entries(environment).map(([name, value]) => `${name}=${value}`);
    this.child = spawn('chroot', [this.root, 'env', ...settings, 'asterisk', '-f', '-U', 'asterisk', '-G', 'asterisk', '-C', ASTERISK_CONF], {
      stdio: 'ignore', detached: true,
    });
    const exited = new Promise<never>((_resolve, reject) => this.child?.once('exit', (code) => reject(new Error(`the static Asterisk exited (${code}) at start; see ${this.logFile()}`))));
    const loaded = until('the static Asterisk has loaded the benchmark devices', async () => {
      const out = await this.cli('pjsip show endpoints');
      return out.includes(`Objects found: ${rows.endpoints.length}`);
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await Promise.race([loaded, exited]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await this.cli('core stop now').catch(() => child.kill('SIGKILL'));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await this.removeFiles();
  }

  /** Asterisk's own process id: chroot and env exec it in place. */
  pid(): number {
    if (this.child?.pid === undefined) throw new Error('the static Asterisk is not running');
    return this.child.pid;
  }

  async cli(command: string): Promise<string> {
    const { stdout } = await run('chroot', [this.root, 'asterisk', '-C', ASTERISK_CONF, '-rx', command], { timeout: 15_000 });
    return stdout;
  }

  logFile(): string {
    return path.join(this.root, STATE_DIR, 'log', 'messages.log');
  }

  private writeConfig(config: Config, rows: PjsipRows): void {
    const etc = path.join(this.root, ETC_DIR);
    // The same values the stack's renderer uses, with this instance's own directories and SIP port.
    const values = { ...templateValues(config, { etcDir: ETC_DIR, odbcDir: ETC_DIR, stateDir: STATE_DIR }), SIP_PORT: String(this.sipPort) };
    fs.mkdirSync(etc, { recursive: true, mode: 0o755 });
    const files: Record<string, string> = {
      // The template marks [directories] as a template section, "(!)", which Asterisk does not apply: the stack's
      // instance runs on compiled-in paths that happen to match. This instance needs its own paths applied.
      'asterisk.conf': renderedTemplate('asterisk.conf', values).replace('[directories](!)', '[directories]'),
      'logger.conf': renderedTemplate('logger.conf', values),
      'modules.conf': staticModulesConf(renderedTemplate('modules.conf', values)),
      'pjsip.conf': staticPjsipConf(renderedTemplate('pjsip.conf', values), this.sipPort, rows),
    };
    // Device passwords inside: owner and Asterisk's group only, as the stack's renderer does.
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(etc, name), text, { mode: 0o640 });
  }

  private async removeFiles(): Promise<void> {
    fs.rmSync(path.join(this.root, ETC_DIR), { recursive: true, force: true });
    // Through the chroot: /var/run and friends may be absolute links that would resolve on the host.
    await this.inRoot('rm', '-rf', STATE_DIR);
  }

  private async inRoot(...args: string[]): Promise<void> {
    await run('chroot', [this.root, ...args]);
  }
}

async function assertUdpPortFree(port: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.once('error', reject).bind(port, '127.0.0.1', resolve));
    socket.close();
  } catch (error) {
    throw new Error(`UDP port ${port} is taken; set BENCH_STATIC_SIP_PORT to a free one (${(error as Error).message})`);
  }
}
