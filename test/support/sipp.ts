// Runs SIPp as a real SIP user agent against Asterisk and reports what it saw: exit code, the lines its
// scenario logged (key=value), and its error log for diagnosis.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SippOptions {
  scenario: string;
  localPort: number;
  /** The request-URI user ([service]). */
  service?: string;
  authUser?: string;
  authPassword?: string;
  keys?: Record<string, string | number>;
  /** What a bare <pause/> in the scenario waits (SIPp's -d). */
  pauseMs?: number;
  timeoutSeconds?: number;
  target?: string;
  transport?: 'u1' | 't1';
  /** The loopback address SIPp sends from (127.0.0.0/8 is all local): a provider's or an attacker's. */
  localIp?: string;
}

export interface SippResult {
  exitCode: number | null;
  logged: Record<string, string>;
  errors: string;
  messages: string;
}

export class SippAgent {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipp-'));
  private readonly child: ChildProcess;
  readonly done: Promise<SippResult>;

  constructor(private readonly options: SippOptions) {
    const keys = Object.entries(options.keys ?? {}).flatMap(([key, value]) => ['-key', key, String(value)]);
    const args = [
      options.target ?? '127.0.0.1:5060',
      '-sf', options.scenario,
      '-i', options.localIp ?? '127.0.0.1', '-p', String(options.localPort), '-t', options.transport ?? 'u1',
      '-m', '1', '-l', '1', '-nostdin',
      '-timeout', `${options.timeoutSeconds ?? 30}s`, '-timeout_error',
      '-s', options.service ?? 'service',
      '-aa',
      '-trace_logs', '-log_file', path.join(this.dir, 'log'),
      '-trace_err', '-error_file', path.join(this.dir, 'errors'),
      '-trace_msg', '-message_file', path.join(this.dir, 'messages'),
      ...(options.authUser ? ['-au', options.authUser] : []),
      ...(options.authPassword ? ['-ap', options.authPassword] : []),
      ...(options.pauseMs !== undefined ? ['-d', String(options.pauseMs)] : []),
      ...keys,
    ];
    this.child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.dir });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.done = new Promise((resolve) => {
      this.child.on('exit', (exitCode) => resolve({
        exitCode,
        logged: this.parseLog(),
        errors: `${stderr}${this.read('errors')}`,
        messages: this.read('messages'),
      }));
    });
  }

  private read(name: string): string {
    const file = path.join(this.dir, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  private parseLog(): Record<string, string> {
    const logged: Record<string, string> = {};
    for (const line of this.read('log').split('\n')) {
      const match = /^([a-z_]+)=(.*)$/.exec(line.trim());
      if (match?.[1]) logged[match[1]] = match[2] ?? '';
    }
    return logged;
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export function runSipp(options: SippOptions): Promise<SippResult> {
  return new SippAgent(options).done;
}
