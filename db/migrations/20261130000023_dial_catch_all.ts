// Account contexts route by catch-all rows (issue 9): `_X.`, `_X`, `_+X.` and `_*X.` enter the ARI app's `dial`
// flow, which decides whether the dialed string is an extension, an emergency or an external number. The
// per-extension rows devices wrote (flow `internal`) go: an exact row would win over the patterns and bypass
// that decision. Rows are read by Asterisk on each call (pbx_realtime), so no reload is needed.
import type { Knex } from 'knex';

const PATTERNS = ['_X.', '_X', '_+X.', '_*X.'];
const AFTER_STASIS = 'pbx-after-stasis,s,1';

function dialRows(context: string, accountId: number): Record<string, string | number>[] {
  return PATTERNS.flatMap((exten) => [
    { context, exten, priority: 1, app: 'TryExec', appdata: `Stasis(\${PBX_APP},dial,${accountId},\${EXTEN})` },
    { context, exten, priority: 2, app: 'Goto', appdata: AFTER_STASIS },
  ]);
}

export async function up(knex: Knex): Promise<void> {
  const accounts = (await knex('accounts').select('id', 'dialplan_context')) as { id: number | string; dialplan_context: string }[];
  for (const account of accounts) {
    const context = account.dialplan_context;
    const internal = (await knex('extensions').where({ context, priority: 1 }).andWhere('appdata', 'like', 'Stasis(${PBX_APP},internal,%').pluck('exten')) as string[];
    if (internal.length > 0) await knex('extensions').where({ context }).whereIn('exten', internal).delete();
    await knex('extensions').insert(dialRows(context, Number(account.id))).onConflict(['context', 'exten', 'priority']).merge(['app', 'appdata']);
  }
}

/** Back to one row pair per device extension. */
export async function down(knex: Knex): Promise<void> {
  await knex('extensions').whereIn('exten', PATTERNS).andWhere('context', 'like', 'acct-%').delete();
  if (!(await knex.schema.hasColumn('devices', 'extension'))) return;
  const routes = (await knex('devices').join('accounts', 'accounts.id', 'devices.account_id').distinct('accounts.id as id', 'accounts.dialplan_context as context', 'devices.extension as extension')) as { id: number; context: string; extension: string }[];
  for (const route of routes) {
    await knex('extensions').insert([
      { context: route.context, exten: route.extension, priority: 1, app: 'TryExec', appdata: `Stasis(\${PBX_APP},internal,${route.id},${route.extension})` },
      { context: route.context, exten: route.extension, priority: 2, app: 'Goto', appdata: AFTER_STASIS },
    ]).onConflict(['context', 'exten', 'priority']).ignore();
  }
}
