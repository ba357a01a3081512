// What the supervisor tells `npm run stack:status` and the stack scripts: one key=value per line (read by
// bash with sed, by tests with parseState), replaced atomically so a reader never sees half a file.
import fs from 'node:fs';

export interface SupervisorState {
  supervisorPid: number;
  /** The app's current process; null between an exit and its restart. */
  pid: number | null;
  restarts: number;
  /** "code 1", "signal SIGKILL", or "none" before the first exit. */
  lastExit: string;
  lastExitAt: string | null;
  startedAt: string | null;
  /** The current process has logged its "ready" line. */
  ready: boolean;
  /** gave-up: the process exited 78 (a configuration error), which no restart can fix. */
  status: 'running' | 'restarting' | 'stopping' | 'stopped' | 'gave-up';
}

const KEYS: [keyof SupervisorState, string][] = [
  ['supervisorPid', 'supervisor_pid'],
  ['pid', 'pid'],
  ['restarts', 'restarts'],
  ['lastExit', 'last_exit'],
  ['lastExitAt', 'last_exit_at'],
  ['startedAt', 'started_at'],
  ['ready', 'ready'],
  ['status', 'status'],
];

export function formatState(state: SupervisorState): string {
  const text = (value: SupervisorState[keyof SupervisorState]): string => {
    if (value === null) return '';
    if (typeof value === 'boolean') return value ? '1' : '0';
    return String(value);
  };
  return KEYS.map(([field, key]) => `${key}=${text(state[field])}\n`).join('');
}

/** The file's keys as written (values are strings; an empty value was null). */
export function parseState(text: string): Record<string, string> {
  const entries = text.split('\n').map((line) => /^([a-z_]+)=(.*)$/.exec(line)).filter((match) => match !== null);
  return Object.fromEntries(entries.map((match) => [match[1], match[2]]));
}

export function writeState(file: string, state: SupervisorState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, formatState(state));
  fs.renameSync(temporary, file);
}
