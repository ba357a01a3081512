// PJSIP objects: each endpoint, auth, aor and identify row against the object Asterisk uses. Columns are
// Asterisk's option names, so most compare generically (column "max_contacts" against AMI's "MaxContacts");
// the few that Asterisk shows in another shape have a rule of their own.
import { HIDDEN, difference, quoted, type Difference } from './difference';
import { SECRET_COLUMNS, amiFieldName, type AmiFields, type AsteriskSnapshot, type DatabaseSnapshot, type RealtimeRow } from './snapshots';

type CachedType = 'endpoint' | 'auth' | 'aor';

/** The sorcery memory cache each type sits in (asterisk-config/asterisk/sorcery.conf). */
const CACHE_OF: Record<CachedType, string> = { endpoint: 'pbx_endpoints', auth: 'pbx_auths', aor: 'pbx_aors' };

/** Columns with a rule of their own below, or folded by Asterisk into another option. */
const SPECIAL_COLUMNS: Record<CachedType, ReadonlySet<string>> = {
  endpoint: new Set(['id', 'allow', 'disallow', 'deny', 'permit', 'acl', 'contact_deny', 'contact_permit', 'contact_acl']),
  auth: new Set(['id']),
  aor: new Set(['id', 'contact']),
};

/** Options whose NULL column Asterisk shows as empty: a reference or name removed from the row must be gone
 *  from Asterisk's copy too. Other NULL columns mean "Asterisk's default", which the row does not state. */
const EMPTY_WHEN_NULL: Record<CachedType, ReadonlySet<string>> = {
  endpoint: new Set(['auth', 'outbound_auth', 'aors', 'transport', 'from_user', 'from_domain']),
  auth: new Set(['username', 'realm', ...SECRET_COLUMNS]),
  aor: new Set(['outbound_proxy', 'mailboxes']),
};

const SECRETS: ReadonlySet<string> = new Set(SECRET_COLUMNS);

function truth(value: string): boolean | undefined {
  const word = value.toLowerCase();
  if (word === 'yes' || word === 'true' || word === 'on') return true;
  if (word === 'no' || word === 'false' || word === 'off') return false;
  return undefined;
}

/** Equal as Asterisk means them: "yes" is "true" (or "Yes"), "3" is "3.000000". */
export function sameOptionValue(database: string, asterisk: string): boolean {
  const a = database.trim();
  const b = asterisk.trim();
  if (a === b) return true;
  if (a !== '' && b !== '' && Number.isFinite(Number(a)) && Number.isFinite(Number(b))) return Number(a) === Number(b);
  const truthA = truth(a);
  return truthA !== undefined && truthA === truth(b);
}

/** A caller ID as Asterisk shows it (ast_callerid_merge): `"Name" <number>` in full, but only the name, or only
 *  the number, when the other part is empty (a device whose user has no extension presents `"Name" <>`). */
export function shownCallerId(value: string): string {
  const parts = /^(?:"(.*)")?\s*<(.*)>$/.exec(value.trim());
  if (!parts) return value;
  const [, name = '', number = ''] = parts;
  return name && number ? value.trim() : name || number;
}

/** "opus,ulaw" (a row) and "(opus|ulaw)" (AMI) both as ["opus", "ulaw"]: order is the preference. */
export function codecList(value: string): string[] {
  return value.replace(/[()]/g, '').split(/[,|]/).map((codec) => codec.trim().toLowerCase()).filter(Boolean);
}

function mismatch(type: CachedType, id: string, field: string, database: string, asterisk: string): Difference {
  const stale = `Asterisk uses a stale copy: expire it from the ${CACHE_OF[type]} cache`;
  if (SECRETS.has(field)) {
    return difference('value-mismatch', type, id, `${field} differs between the database and Asterisk (${stale})`, { field, database: HIDDEN, asterisk: HIDDEN });
  }
  return difference('value-mismatch', type, id, `${field} is ${quoted(database)} in the database but ${quoted(asterisk)} in Asterisk (${stale})`, { field, database, asterisk });
}

function optionDifferences(type: CachedType, id: string, row: RealtimeRow, fields: AmiFields): Difference[] {
  const differences: Difference[] = [];
  for (const [column, value] of Object.entries(row)) {
    const name = amiFieldName(column);
    if (SPECIAL_COLUMNS[type].has(column) || fields[name] === undefined) continue;
    const stated = value ?? (EMPTY_WHEN_NULL[type].has(column) ? '' : undefined);
    const expected = column === 'callerid' && stated ? shownCallerId(stated) : stated;
    if (expected !== undefined && !sameOptionValue(expected, fields[name])) differences.push(mismatch(type, id, column, expected, fields[name]));
  }
  return differences;
}

/** The codecs an endpoint offers; comparable when the row starts from none (disallow=all) and only adds. */
function codecDifference(id: string, row: RealtimeRow, fields: AmiFields): Difference[] {
  const allow = row.allow ?? '';
  if (row.disallow !== 'all' || fields.Allow === undefined || /!|\ball\b/.test(allow)) return [];
  const expected = codecList(allow).join(',');
  const actual = codecList(fields.Allow).join(',');
  return expected === actual ? [] : [mismatch('endpoint', id, 'allow', expected, actual)];
}

function aclSummary(row: RealtimeRow, columns: readonly string[]): string {
  return columns.filter((column) => row[column]).map((column) => `${column}=${row[column]}`).join(' ');
}

/** AMI shows an endpoint's ACL only as a summary ("deny/permit", or empty for none): compare whether one
 *  applies at all. That is what disabling a device turns on (deny=0.0.0.0/0.0.0.0). */
function aclDifferences(id: string, row: RealtimeRow, fields: AmiFields): Difference[] {
  const rules = [
    { field: 'Acl', columns: ['deny', 'permit', 'acl'] },
    { field: 'ContactAcl', columns: ['contact_deny', 'contact_permit', 'contact_acl'] },
  ];
  return rules.flatMap(({ field, columns }) => {
    const shown = fields[field];
    const expected = aclSummary(row, columns);
    if (shown === undefined || (expected !== '') === (shown !== '')) return [];
    const name = columns.join('/');
    const message = expected
      ? `${name} is ${quoted(expected)} in the database but Asterisk applies no ACL, so it accepts requests the database refuses (expire it from the ${CACHE_OF.endpoint} cache)`
      : `the database sets no ${name} but Asterisk applies ACL ${quoted(shown)} (expire it from the ${CACHE_OF.endpoint} cache)`;
    return [difference('value-mismatch', 'endpoint', id, message, { field: name, database: expected || '(none)', asterisk: shown || '(none)' })];
  });
}

/** An aor's static contacts (trunks' provider address) are among the contacts Asterisk lists for it. */
function staticContactDifferences(id: string, row: RealtimeRow, fields: AmiFields): Difference[] {
  if (!row.contact || fields.Contacts === undefined) return [];
  const listed = new Set(fields.Contacts.split(',').map((entry) => entry.slice(entry.indexOf('/') + 1).trim()).filter(Boolean));
  const expected = row.contact.split(',').map((uri) => uri.trim()).filter(Boolean);
  if (expected.every((uri) => listed.has(uri))) return [];
  return [mismatch('aor', id, 'contact', expected.join(','), [...listed].join(','))];
}

function missingObject(type: CachedType | 'identify', id: string, what: string): Difference {
  return difference('missing-in-asterisk', type, id, `${what} (Asterisk's log names the option it rejected)`);
}

function endpointDifferences(database: DatabaseSnapshot, asterisk: AsteriskSnapshot): Difference[] {
  return [...database.endpoints].flatMap(([id, row]) => {
    const fields = asterisk.endpoints.get(id);
    const untracked = asterisk.tracked.has(id) ? [] : [difference('missing-in-asterisk', 'endpoint', id,
      'ARI does not list it, so its state reads offline until res_pjsip is reloaded', { field: 'ari', database: 'row present', asterisk: 'not tracked' })];
    if (!fields) return [missingObject('endpoint', id, 'the row exists but Asterisk cannot load it'), ...untracked];
    return [...optionDifferences('endpoint', id, row, fields), ...codecDifference(id, row, fields), ...aclDifferences(id, row, fields), ...untracked];
  });
}

/** Auths and aors are compared as the endpoints referencing them showed them; an unreferenced row is only
 *  checked for being loadable. */
function referencedDifferences(type: 'auth' | 'aor', rows: ReadonlyMap<string, RealtimeRow>, seen: ReadonlyMap<string, AmiFields>, loadable: ReadonlySet<string>): Difference[] {
  return [...rows].flatMap(([id, row]) => {
    const fields = seen.get(id);
    if (!fields) return loadable.has(id) ? [] : [missingObject(type, id, 'the row exists but Asterisk cannot load it')];
    return [...optionDifferences(type, id, row, fields), ...(type === 'aor' ? staticContactDifferences(id, row, fields) : [])];
  });
}

/** Identifies are not cached: one is missing only when Asterisk refused its row (e.g. a bad address). */
function identifyDifferences(database: DatabaseSnapshot, asterisk: AsteriskSnapshot): Difference[] {
  return [...database.identifies].flatMap(([id, row]) => {
    const endpoint = row.endpoint ?? '';
    if (!asterisk.endpoints.has(endpoint) || asterisk.identifies.has(id)) return [];
    return [missingObject('identify', id, `Asterisk shows no identify ${id} for endpoint ${endpoint}, so calls from its addresses are not matched to it`)];
  });
}

/** Names ARI still tracks after their rows went: harmless unless Asterisk still has the endpoint cached. */
function leftoverEndpoints(database: DatabaseSnapshot, asterisk: AsteriskSnapshot): Difference[] {
  return [...asterisk.endpoints.keys()].filter((id) => !database.endpoints.has(id)).map((id) =>
    difference('unexpected-in-asterisk', 'endpoint', id,
      `it has no row but Asterisk still has it (cached) and accepts its registrations and calls: expire it from the ${CACHE_OF.endpoint} cache`,
      { database: null, asterisk: asterisk.endpoints.get(id)?.Context ? `context ${asterisk.endpoints.get(id)?.Context}` : 'present' }));
}

export function pjsipDifferences(database: DatabaseSnapshot, asterisk: AsteriskSnapshot): Difference[] {
  return [
    ...endpointDifferences(database, asterisk),
    ...referencedDifferences('auth', database.auths, asterisk.auths, asterisk.loadable.auths),
    ...referencedDifferences('aor', database.aors, asterisk.aors, asterisk.loadable.aors),
    ...identifyDifferences(database, asterisk),
    ...leftoverEndpoints(database, asterisk),
  ];
}
