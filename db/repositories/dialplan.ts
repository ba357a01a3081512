// Dialplan rows Asterisk reads through ODBC. Each account has a context (an ast_config row extensions.conf
// includes, holding a realtime switch) and its routes are rows of `extensions`: priority 1 enters Stasis with
// [flow, accountId, ...ids], priority 2 continues to [pbx-after-stasis] for the app-down fallback.
// Stasis runs under TryExec: when the app is not connected, Stasis itself fails and Asterisk would hang the
// channel up at once (a bare 603); TryExec returns to the dialplan so the caller hears the announcement.
import type { Queryable } from '../connection';

export const ACCOUNTS_DIALPLAN_FILE = 'pbx-accounts.conf';
export const AFTER_STASIS = 'pbx-after-stasis,s,1';

export interface StasisRoute {
  context: string;
  exten: string;
  flow: string;
  args: (string | number)[];
}

export async function addAccountContext(db: Queryable, context: string): Promise<void> {
  await db('ast_config').insert({
    cat_metric: 0,
    var_metric: 0,
    filename: ACCOUNTS_DIALPLAN_FILE,
    category: context,
    var_name: 'switch',
    var_val: 'Realtime/@extensions',
  });
}

/** What every account context answers, through its realtime switch: two or more digits, one digit, E.164
 *  ('+'...) and feature codes ('*'...). pbx_realtime tries an exact row first, then these pattern rows (longest
 *  first, matched with Asterisk's own pattern rules), so no per-extension row is needed: the ARI app's `dial`
 *  flow decides what the dialed string is. Rows are read on each call: adding them needs no dialplan reload. */
export const DIAL_PATTERNS = ['_X.', '_X', '_+X.', '_*X.'] as const;

export function dialRoutes(context: string, accountId: number): StasisRoute[] {
  return DIAL_PATTERNS.map((exten) => ({ context, exten, flow: 'dial', args: [accountId, '${EXTEN}'] }));
}

/** An account's context and its catch-all dial rows, written together when the account is created. */
export async function addAccountDialplan(db: Queryable, context: string, accountId: number): Promise<void> {
  await addAccountContext(db, context);
  await putStasisRoutes(db, dialRoutes(context, accountId));
}

export async function removeAccountContext(db: Queryable, context: string): Promise<void> {
  await db('extensions').where({ context }).delete();
  await db('ast_config').where({ filename: ACCOUNTS_DIALPLAN_FILE, category: context }).delete();
}

export function stasisRows(route: StasisRoute): { context: string; exten: string; priority: number; app: string; appdata: string }[] {
  const args = [route.flow, ...route.args].join(',');
  return [
    { context: route.context, exten: route.exten, priority: 1, app: 'TryExec', appdata: `Stasis(\${PBX_APP},${args})` },
    { context: route.context, exten: route.exten, priority: 2, app: 'Goto', appdata: AFTER_STASIS },
  ];
}

/** Creates or replaces the routes of extensions. */
export async function putStasisRoutes(db: Queryable, routes: StasisRoute[]): Promise<void> {
  const rows = routes.flatMap(stasisRows);
  for (let start = 0; start < rows.length; start += 500) {
    await db('extensions').insert(rows.slice(start, start + 500)).onConflict(['context', 'exten', 'priority']).merge(['app', 'appdata']);
  }
}

export async function removeRoute(db: Queryable, context: string, exten: string): Promise<void> {
  await db('extensions').where({ context, exten }).delete();
}
