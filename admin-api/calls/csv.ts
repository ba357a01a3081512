// Call records as CSV: one header line, one line per call. Caller names come from SIP and may hold anything, so
// every cell is quoted when it must be, and a cell a spreadsheet would run as a formula is neutralised.
import type { CallView } from './service';

const COLUMNS: [string, (call: CallView) => string | number | null][] = [
  ['id', (call) => call.id],
  ['started_at', (call) => call.startedAt],
  ['answered_at', (call) => call.answeredAt],
  ['ended_at', (call) => call.endedAt],
  ['direction', (call) => call.direction],
  ['from_number', (call) => call.fromNumber],
  ['from_name', (call) => call.fromName],
  ['from_user_id', (call) => call.fromUserId],
  ['to_number', (call) => call.toNumber],
  ['did', (call) => call.did],
  ['trunk', (call) => call.trunk],
  ['outcome', (call) => call.outcome],
  ['outcome_reason', (call) => call.outcomeReason],
  ['answered_by_user_id', (call) => call.answeredByUserId],
  ['answered_by_number', (call) => call.answeredByNumber],
  ['ring_seconds', (call) => call.ringSeconds],
  ['talk_seconds', (call) => call.talkSeconds],
  ['path', (call) => call.path.map((step) => Object.values(step).join(' ')).join(' > ')],
];

/** A cell as CSV: formula starters made inert (an E.164 number such as +15551230001 stays as it is). */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-][0-9]+$/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function callsCsv(calls: CallView[]): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const call of calls) lines.push(COLUMNS.map(([, cell]) => csvCell(cell(call))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
