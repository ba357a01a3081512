// What `npm run asterisk:verify` prints for people: one line per difference, then one summary line.
import { countByKind, type ComparedCounts, type DriftReport } from './drift';

function plural(count: number, noun: string): string {
  if (count === 1) return `${count} ${noun}`;
  return `${count} ${noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`}`;
}

export function describeCompared(compared: ComparedCounts): string {
  const states = Object.entries(compared.registrationStates).map(([state, count]) => `${count} ${state}`).join(', ');
  return [
    `${plural(compared.endpoints, 'endpoint')} (${plural(compared.auths, 'auth')}, ${plural(compared.aors, 'aor')}, ${plural(compared.identifies, 'identify')})`,
    `${plural(compared.registrations, 'outbound registration')}${states ? ` (${states})` : ''}`,
    plural(compared.contexts, 'account context'),
    plural(compared.devices, 'device'),
    plural(compared.liveContacts, 'live contact'),
  ].join(', ') + `; ${plural(compared.probedEndpoints, 'endpoint name')} asked of Asterisk, ${compared.trackedByAri} tracked by ARI`;
}

export function summaryLine(report: DriftReport, elapsedMs: number): string {
  const seconds = `${(elapsedMs / 1000).toFixed(1)} s`;
  if (report.consistent) return `consistent: the database and Asterisk agree on ${describeCompared(report.compared)} (${seconds})`;
  const kinds = Object.entries(countByKind(report.differences)).map(([kind, count]) => `${count} ${kind}`).join(', ');
  return `drift: ${plural(report.differences.length, 'difference')} (${kinds}) comparing ${describeCompared(report.compared)} (${seconds})`;
}

export function formatReport(report: DriftReport, elapsedMs: number): string {
  return [...report.differences.map((item) => `${item.kind}: ${item.message}`), summaryLine(report, elapsedMs)].join('\n') + '\n';
}
