// Test helpers around the stack's supervisor: drive scripts/app-ctl.sh (the same start_app/stop_app as
// `npm start`, `npm run stack:down` and the test run's pause) against a run directory of the test's own, and
// read what the supervisor leaves there.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseState } from '../../../scripts/supervisor/state';

export const ROOT = path.resolve(__dirname, '../../..');

export interface Run {
  status: number | null;
  output: string;
}

/** scripts/app-ctl.sh ACTION NAME with the test's environment (run directory, ports) over the stack's. */
export function appCtl(action: 'start' | 'stop' | 'status', name: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/app-ctl.sh', action, name], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}

/** The supervisor bundle the stack runs (build_supervisor in scripts/lib/apps.sh), built into `dir`. */
export function buildSupervisor(dir: string): string {
  const script = 'source scripts/lib/common.sh; source scripts/lib/apps.sh; build_supervisor';
  const result = spawnSync('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, PBX_RUN_DIR: dir }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build_supervisor failed: ${result.stderr}`);
  return path.join(dir, 'supervisor.cjs');
}

export function readState(dir: string, name: string): Record<string, string> {
  const file = path.join(dir, `${name}.state`);
  return fs.existsSync(file) ? parseState(fs.readFileSync(file, 'utf8')) : {};
}

export function logLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0) : [];
}

/** Lines that are not a JSON object; empty when the whole log is JSON. */
export function nonJsonLines(lines: string[]): string[] {
  return lines.filter((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed === null || typeof parsed !== 'object' || Array.isArray(parsed);
    } catch {
      return true;
    }
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
