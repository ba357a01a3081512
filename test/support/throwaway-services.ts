// Dependencies a test may stop and start at will: its own MariaDB (a temporary data directory) and Redis, each
// on its own port, and a TCP proxy that cuts one process's connections to a shared service. The machine's
// shared MariaDB (3306) and Redis (6379) are never stopped: other suites and Asterisk use them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { until } from './until';

export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A daemon run in the foreground as a child of the test, so stopping it is killing our own child. */
abstract class ChildService {
  private child: ChildProcess | undefined;
  output = '';

  protected constructor(readonly port: number, readonly dir: string) {}

  protected abstract command(): [string, string[]];
  protected abstract ready(): Promise<boolean>;

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const [binary, args] = this.command();
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    await until(`${binary} answers on port ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`${binary} exited ${child.exitCode}: ${this.output.slice(-2000)}`);
      return this.ready();
    }, { timeoutMs: 60_000, intervalMs: 100 });
  }

  /** SIGTERM is a clean shutdown; SIGKILL is a crash. Either way the port refuses connections afterwards. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Stops it and removes its files. */
  async remove(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A MariaDB of the test's own: initialised by mariadb-install-db, root without a password over TCP. */
export class ThrowawayMariaDb extends ChildService {
  private constructor(port: number, dir: string) {
    super(port, dir);
  }

  static async create(): Promise<ThrowawayMariaDb> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'throwaway-mariadb-'));
    const db = new ThrowawayMariaDb(await freeTcpPort(), dir);
    await run('mariadb-install-db', [
      '--no-defaults', `--datadir=${path.join(dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]);
    return db;
  }

  protected command(): [string, string[]] {
    return ['mariadbd', [
      '--no-defaults', `--datadir=${path.join(this.dir, 'data')}`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--socket=${path.join(this.dir, 'mariadb.sock')}`, `--pid-file=${path.join(this.dir, 'mariadb.pid')}`, '--user=root',
      '--skip-log-bin', '--innodb-buffer-pool-size=32M', '--max-connections=200',
    ]];
  }

  protected ready(): Promise<boolean> {
    return canConnect(this.port);
  }
}

/** A Redis of the test's own, without persistence: a restart starts empty, as after losing the machine. */
export class ThrowawayRedis extends ChildService {
  private constructor(port: number, dir: string) {
    super(port, dir);
  }

  static async create(): Promise<ThrowawayRedis> {
    return new ThrowawayRedis(await freeTcpPort(), fs.mkdtempSync(path.join(os.tmpdir(), 'throwaway-redis-')));
  }

  protected command(): [string, string[]] {
    return ['redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--daemonize', 'no']];
  }

  protected ready(): Promise<boolean> {
    return canConnect(this.port);
  }
}

/** Forwards a local port to a shared service. cut() drops every connection and refuses new ones until
 *  restore(): to the process behind it, the service is down, while everyone else still reaches it. */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private holding = false;

  private constructor(readonly port: number, private readonly targetPort: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freeTcpPort(), targetPort);
    await proxy.restore();
    return proxy;
  }

  /** Back in service: listens again on the same port. */
  async restore(): Promise<void> {
    this.holding = false;
    if (this.server) return;
    const server = net.createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => server.listen(this.port, '127.0.0.1', resolve).once('error', reject));
    this.server = server;
  }

  /** Connections already open keep working; new ones are closed at once (a service that refuses clients). */
  hold(): void {
    this.holding = true;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(client: net.Socket): void {
    if (this.holding) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        to.destroy();
        this.sockets.delete(from);
      });
    }
  }
}

function run(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited ${code}: ${output.slice(-2000)}`))));
  });
}
