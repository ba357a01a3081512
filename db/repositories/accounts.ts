// The account tree (reseller > organization > subaccount) and each account's settings.
import { parseJson, type Queryable } from '../connection';

export type AccountKind = 'reseller' | 'organization' | 'subaccount';

export interface AccountRow {
  id: number;
  parent_id: number | null;
  kind: AccountKind;
  name: string;
  dialplan_context: string;
}

export function dialplanContextFor(accountId: number): string {
  return `acct-${accountId}`;
}

export async function insertAccount(db: Queryable, account: { kind: AccountKind; name: string; parentId: number | null }): Promise<AccountRow> {
  // The context is derived from the id, which exists only after the insert: a unique placeholder first.
  const [id] = await db('accounts').insert({
    kind: account.kind,
    name: account.name,
    parent_id: account.parentId,
    dialplan_context: `pending-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
  });
  const accountId = Number(id);
  await db('accounts').where({ id: accountId }).update({ dialplan_context: dialplanContextFor(accountId) });
  return { id: accountId, parent_id: account.parentId, kind: account.kind, name: account.name, dialplan_context: dialplanContextFor(accountId) };
}

export async function findAccount(db: Queryable, id: number): Promise<AccountRow | undefined> {
  const row = await db<AccountRow>('accounts').where({ id }).first();
  return row ? { ...row, id: Number(row.id), parent_id: row.parent_id === null ? null : Number(row.parent_id) } : undefined;
}

export interface CallingHours {
  start: string;
  end: string;
  timezone: string;
}

export interface ExportTarget {
  kind: 's3' | 'bigquery';
  destination: string;
}

/** An account and its settings. Export targets are an organization's alone: other kinds carry none. */
export interface AccountRecord {
  id: number;
  parentId: number | null;
  kind: AccountKind;
  name: string;
  defaultAreaCode: string | null;
  callingHours: CallingHours | null;
  callbackNumber: string | null;
  exportTargets?: ExportTarget[];
  /** Outbound dialing (issue 9): see db/migrations/20261130000022_outbound_settings.ts. */
  outsideLinePrefix: string | null;
  internationalAllowedCountries: string[];
  emergencyNumbers: string[];
  maxConcurrentOutbound: number;
}

/** The settings an edit may change; undefined leaves a setting as it is, null clears it. */
export interface AccountSettings {
  name?: string;
  defaultAreaCode?: string | null;
  callingHours?: CallingHours | null;
  callbackNumber?: string | null;
  exportTargets?: ExportTarget[] | null;
  outsideLinePrefix?: string | null;
  internationalAllowedCountries?: string[];
  emergencyNumbers?: string[];
  maxConcurrentOutbound?: number;
}

interface AccountSettingsRow {
  id: number | string;
  parent_id: number | string | null;
  kind: AccountKind;
  name: string;
  default_area_code: string | null;
  calling_hours_start: string | null;
  calling_hours_end: string | null;
  timezone: string | null;
  callback_number: string | null;
  export_targets: string | ExportTarget[] | null;
  outside_line_prefix?: string | null;
  international_allowed_countries?: string | string[] | null;
  emergency_numbers?: string | string[] | null;
  max_concurrent_outbound?: number | string | null;
}

/** A JSON list column (MariaDB's JSON arrives as text), or `fallback` before the column exists or when empty. */
function jsonList(value: string | string[] | null | undefined, fallback: string[]): string[] {
  if (value === null || value === undefined) return fallback;
  return parseJson<string[]>(value);
}

function accountRecord(row: AccountSettingsRow): AccountRecord {
  const exportTargets = parseJson<ExportTarget[] | null>(row.export_targets);
  return {
    id: Number(row.id),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    kind: row.kind,
    name: row.name,
    defaultAreaCode: row.default_area_code ?? null,
    // The three columns are written together (settingsColumns): a start means an end and a time zone.
    callingHours: row.calling_hours_start ? { start: row.calling_hours_start, end: row.calling_hours_end as string, timezone: row.timezone as string } : null,
    callbackNumber: row.callback_number ?? null,
    ...(row.kind === 'organization' ? { exportTargets: exportTargets ?? [] } : {}),
    outsideLinePrefix: row.outside_line_prefix ?? null,
    internationalAllowedCountries: jsonList(row.international_allowed_countries, []),
    emergencyNumbers: jsonList(row.emergency_numbers, ['911', '112', '999']),
    maxConcurrentOutbound: Number(row.max_concurrent_outbound ?? 10),
  };
}

function settingsColumns(settings: AccountSettings): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (settings.name !== undefined) row.name = settings.name;
  if (settings.defaultAreaCode !== undefined) row.default_area_code = settings.defaultAreaCode;
  if (settings.callbackNumber !== undefined) row.callback_number = settings.callbackNumber;
  if (settings.callingHours !== undefined) {
    row.calling_hours_start = settings.callingHours?.start ?? null;
    row.calling_hours_end = settings.callingHours?.end ?? null;
    row.timezone = settings.callingHours?.timezone ?? null;
  }
  if (settings.exportTargets !== undefined) row.export_targets = settings.exportTargets === null ? null : JSON.stringify(settings.exportTargets);
  if (settings.outsideLinePrefix !== undefined) row.outside_line_prefix = settings.outsideLinePrefix;
  if (settings.internationalAllowedCountries !== undefined) row.international_allowed_countries = JSON.stringify(settings.internationalAllowedCountries);
  if (settings.emergencyNumbers !== undefined) row.emergency_numbers = JSON.stringify(settings.emergencyNumbers);
  if (settings.maxConcurrentOutbound !== undefined) row.max_concurrent_outbound = settings.maxConcurrentOutbound;
  return row;
}

export async function findAccountRecord(db: Queryable, id: number): Promise<AccountRecord | undefined> {
  const row = (await db('accounts').where({ id }).first()) as AccountSettingsRow | undefined;
  return row ? accountRecord(row) : undefined;
}

/** The accounts of `ids` that exist, by id. */
export async function listAccountRecords(db: Queryable, ids: number[]): Promise<AccountRecord[]> {
  if (ids.length === 0) return [];
  const rows = (await db('accounts').whereIn('id', ids).orderBy('id')) as AccountSettingsRow[];
  return rows.map(accountRecord);
}

export async function updateAccountSettings(db: Queryable, id: number, settings: AccountSettings): Promise<void> {
  const columns = settingsColumns(settings);
  if (Object.keys(columns).length > 0) await db('accounts').where({ id }).update({ ...columns, updated_at: db.fn.now() });
}

export async function hasChildAccounts(db: Queryable, id: number): Promise<boolean> {
  return (await db('accounts').where({ parent_id: id }).first('id')) !== undefined;
}

/** The users holding a membership in the account itself (not those who reach it from above). */
export async function accountMemberUserIds(db: Queryable, id: number): Promise<number[]> {
  return (await db('memberships').where({ account_id: id }).pluck('user_id')).map(Number);
}

/** The PJSIP endpoints of the account's devices. */
export async function accountDeviceEndpoints(db: Queryable, id: number): Promise<string[]> {
  return (await db('devices').where({ account_id: id }).pluck('endpoint_id')) as string[];
}

/** Deletes the account row; what hangs off it by foreign key goes with it. */
export async function deleteAccount(db: Queryable, id: number): Promise<void> {
  await db('accounts').where({ id }).delete();
}
