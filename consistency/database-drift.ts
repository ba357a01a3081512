// The database against itself: the rows Asterisk reads must follow from the domain rows (every device has
// its endpoint, auth and aor in its account's context and is refused by ACL when disabled; every account has
// its context; every PJSIP row belongs to a device or a trunk). Asterisk can only be as right as these rows.
import { ACCOUNTS_DIALPLAN_FILE } from '../db/repositories/dialplan';
import { difference, quoted, type Difference, type ObjectType } from './difference';
import type { DatabaseSnapshot, DeviceRecord } from './snapshots';

const TRUNK_PREFIX = 'trunk-';

function deviceDifferences(database: DatabaseSnapshot, device: DeviceRecord): Difference[] {
  const id = device.endpointId;
  const differences: Difference[] = [];
  for (const [table, rows] of [['ps_endpoints', database.endpoints], ['ps_auths', database.auths], ['ps_aors', database.aors]] as const) {
    if (!rows.has(id)) differences.push(difference('database-inconsistent', 'device', id, `it has no ${table} row, so it cannot register`, { field: table }));
  }
  const endpoint = database.endpoints.get(id);
  if (!endpoint) return differences;
  const context = database.accountContexts.get(device.accountId);
  if (context !== undefined && endpoint.context !== context) {
    differences.push(difference('database-inconsistent', 'device', id, `its endpoint's context is ${quoted(endpoint.context ?? '')} but its account ${device.accountId} has ${quoted(context)}`,
      { field: 'context', database: endpoint.context }));
  }
  const refused = Boolean(endpoint.deny);
  if (refused === device.enabled) {
    const message = device.enabled ? `it is enabled but its endpoint denies ${quoted(endpoint.deny ?? '')}` : 'it is disabled but its endpoint denies no address, so it can still register and call';
    differences.push(difference('database-inconsistent', 'device', id, message, { field: 'deny', database: endpoint.deny }));
  }
  return differences;
}

function accountContextDifferences(database: DatabaseSnapshot): Difference[] {
  const accountContexts = new Set(database.accountContexts.values());
  const withoutRow = [...database.accountContexts].filter(([, context]) => !database.contexts.has(context)).map(([accountId, context]) =>
    difference('database-inconsistent', 'account', String(accountId), `its context ${context} has no row in ${ACCOUNTS_DIALPLAN_FILE}, so its devices cannot call`, { field: 'dialplan_context', database: context }));
  const withoutAccount = [...database.contexts.keys()].filter((context) => !accountContexts.has(context)).map((context) =>
    difference('database-inconsistent', 'context', context, `it is in ${ACCOUNTS_DIALPLAN_FILE} but no account has it`));
  const orphanRoutes = [...database.routeContexts].filter((context) => !database.contexts.has(context)).map((context) =>
    difference('database-inconsistent', 'route', context, 'the extensions table routes calls in this context, which is no account context'));
  return [...withoutRow, ...withoutAccount, ...orphanRoutes];
}

/** Every PJSIP row belongs to a device (named by its endpoint id) or a trunk ("trunk-<name>"). */
function ownerlessRows(database: DatabaseSnapshot): Difference[] {
  const devices = new Set(database.devices.map((device) => device.endpointId));
  const owned = (id: string): boolean => devices.has(id) || (id.startsWith(TRUNK_PREFIX) && database.trunkNames.has(id.slice(TRUNK_PREFIX.length)));
  const tables: [ObjectType, string, ReadonlyMap<string, unknown>][] = [
    ['endpoint', 'ps_endpoints', database.endpoints], ['auth', 'ps_auths', database.auths], ['aor', 'ps_aors', database.aors],
    ['identify', 'ps_endpoint_id_ips', database.identifies], ['registration', 'ps_registrations', database.registrations],
  ];
  return tables.flatMap(([type, table, rows]) => [...rows.keys()].filter((id) => !owned(id)).map((id) =>
    difference('database-inconsistent', type, id, `its ${table} row belongs to no device and no trunk`)));
}

export function databaseDifferences(database: DatabaseSnapshot): Difference[] {
  return [...database.devices.flatMap((device) => deviceDifferences(database, device)), ...accountContextDifferences(database), ...ownerlessRows(database)];
}
