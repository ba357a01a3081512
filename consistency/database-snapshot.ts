// The database side: the realtime rows as Asterisk would read them (every value as text, secrets as digests)
// and the domain rows they derive from.
import type { Database } from '../db/connection';
import { readExpectationRows, type ExpectationRows, type PjsipKind } from '../db/repositories/asterisk-expectations';
import { SECRET_COLUMNS, secretDigest, type DatabaseSnapshot, type RealtimeRow } from './snapshots';

const SECRETS: ReadonlySet<string> = new Set(SECRET_COLUMNS);

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** A row as ODBC hands it to Asterisk: text values; secrets replaced by their digests (an empty secret stays
 *  empty, as Asterisk shows an unset one). */
export function realtimeRow(raw: Record<string, unknown>): RealtimeRow {
  const row: Record<string, string | null> = {};
  for (const [column, value] of Object.entries(raw)) {
    const text = asText(value);
    row[column] = text && SECRETS.has(column) ? secretDigest(text) : text;
  }
  return row;
}

function byId(rows: Record<string, unknown>[]): Map<string, RealtimeRow> {
  return new Map(rows.map((raw) => { const row = realtimeRow(raw); return [row.id ?? '', row]; }));
}

function switchesByContext(rows: ExpectationRows['contextRows']): Map<string, string[]> {
  const contexts = new Map<string, string[]>();
  for (const row of rows) {
    const switches = contexts.get(row.category) ?? [];
    if (row.var_name === 'switch') switches.push(row.var_val);
    contexts.set(row.category, switches);
  }
  return contexts;
}

export function databaseSnapshot(rows: ExpectationRows): DatabaseSnapshot {
  const pjsip = (kind: PjsipKind): Map<string, RealtimeRow> => byId(rows.pjsip[kind]);
  return {
    endpoints: pjsip('endpoints'),
    auths: pjsip('auths'),
    aors: pjsip('aors'),
    identifies: pjsip('identifies'),
    registrations: pjsip('registrations'),
    devices: rows.devices.map((device) => ({ endpointId: device.endpoint_id, accountId: Number(device.account_id), enabled: Boolean(device.enabled) })),
    accountContexts: new Map(rows.accounts.map((account) => [Number(account.id), account.dialplan_context])),
    trunkNames: new Set(rows.trunkNames),
    contexts: switchesByContext(rows.contextRows),
    routeContexts: new Set(rows.routeContexts),
  };
}

export async function readDatabaseSnapshot(db: Database): Promise<DatabaseSnapshot> {
  return databaseSnapshot(await readExpectationRows(db));
}
