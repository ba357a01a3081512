// The two sides the verifier compares, as plain data: what the database says Asterisk should have, and what
// Asterisk reports it has. Both are read once, then compared by pure functions (drift.ts), so the comparison
// is testable without a database or an Asterisk.
import { createHash } from 'node:crypto';

/** A realtime row as Asterisk reads it: every value as text, NULL kept apart from the empty string. */
export type RealtimeRow = Readonly<Record<string, string | null>>;

/** An object as an AMI event shows it: option names in PascalCase ("MaxContacts"), values as text. */
export type AmiFields = Readonly<Record<string, string>>;

/** Columns (and, in PascalCase, AMI fields) holding secrets: both snapshots keep only their digests, so no
 *  secret can reach the verifier's output, and equal secrets still compare equal. */
export const SECRET_COLUMNS = ['password', 'md5_cred', 'oauth_secret', 'refresh_token', 'password_digest'] as const;

export function secretDigest(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/** Asterisk's option name as its AMI events spell it: "max_contacts" is "MaxContacts", "100rel" stays. */
export function amiFieldName(column: string): string {
  return column.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

export interface DeviceRecord {
  endpointId: string;
  accountId: number;
  enabled: boolean;
}

export interface DatabaseSnapshot {
  /** ps_endpoints, ps_auths, ps_aors, ps_endpoint_id_ips and ps_registrations rows by id. */
  endpoints: ReadonlyMap<string, RealtimeRow>;
  auths: ReadonlyMap<string, RealtimeRow>;
  aors: ReadonlyMap<string, RealtimeRow>;
  identifies: ReadonlyMap<string, RealtimeRow>;
  registrations: ReadonlyMap<string, RealtimeRow>;
  devices: readonly DeviceRecord[];
  /** accounts.id to accounts.dialplan_context. */
  accountContexts: ReadonlyMap<number, string>;
  trunkNames: ReadonlySet<string>;
  /** The account contexts of the dialplan "file" extensions.conf includes (ast_config), with their switches. */
  contexts: ReadonlyMap<string, readonly string[]>;
  /** Contexts that have rows in the `extensions` table (routes). */
  routeContexts: ReadonlySet<string>;
}

export interface OutboundRegistration {
  fields: AmiFields;
  /** Absent when the module holds no running state for the row. */
  status: string | undefined;
}

export interface Contact {
  id: string;
  endpoint: string;
  expiresAt: number;
}

export interface LoadedContext {
  registrar: string;
  switches: readonly string[];
}

export interface AsteriskSnapshot {
  /** What Asterisk can load from its realtime backend: the list actions read the rows through ODBC (the
   *  memory caches answer lists only in full-backend mode, which ours are not). */
  loadable: { endpoints: ReadonlySet<string>; auths: ReadonlySet<string>; aors: ReadonlySet<string> };
  /** What Asterisk uses: each endpoint and its auths, aors and identifies as PJSIPShowEndpoint returns them,
   *  that is from the memory cache when cached (possibly stale), otherwise freshly read. */
  endpoints: ReadonlyMap<string, AmiFields>;
  auths: ReadonlyMap<string, AmiFields>;
  aors: ReadonlyMap<string, AmiFields>;
  identifies: ReadonlyMap<string, AmiFields>;
  /** How many endpoint names were asked for one by one (database rows and names ARI tracks). */
  probedEndpoints: number;
  /** Endpoint names ARI reports, with their state. */
  tracked: ReadonlyMap<string, string>;
  registrations: ReadonlyMap<string, OutboundRegistration>;
  contacts: readonly Contact[];
  contexts: ReadonlyMap<string, LoadedContext>;
}
