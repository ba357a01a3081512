// Stops and starts the stack's Asterisk the way ops do (scripts/asterisk-ctl.sh), for resilience tests.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.resolve(__dirname, '../../scripts/asterisk-ctl.sh');

export async function asteriskCtl(action: 'start' | 'stop' | 'restart'): Promise<void> {
  await run('bash', [SCRIPT, action], { timeout: 90_000 });
}

/** Runs an Asterisk CLI command (as ops would) and returns its output. */
export async function asteriskCli(command: string): Promise<string> {
  const { stdout } = await run('bash', [SCRIPT, 'cli', command], { timeout: 30_000 });
  return stdout;
}
