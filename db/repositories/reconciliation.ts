// The inventory side of reconciliation (core/number-reconciliation.ts) and where its reports are kept: each run
// writes its report as an audit row (action numbers.reconcile, no account), and the last one is read back
// from there, so the report an operator sees is the one the audit log holds.
import type { InventoryNumber } from '../../core/number-reconciliation';
import { parseJson, type Queryable } from '../connection';

export const RECONCILIATION_AUDIT_ACTION = 'numbers.reconcile';

/** The trunk's active numbers of that provider api. */
export async function activeNumbersOfSite(db: Queryable, trunkId: number, api: string): Promise<InventoryNumber[]> {
  const rows = (await db('phone_numbers').where({ trunk_id: trunkId, provider: api, state: 'active' }).orderBy('id')
    .select('id', 'number', 'account_id')) as { id: number | string; number: string; account_id: number | string | null }[];
  return rows.map((row) => ({ id: Number(row.id), number: row.number, accountId: row.account_id === null ? null : Number(row.account_id) }));
}

/** The last reconciliation's report, as its run wrote it. */
export async function latestReconciliationReport<T>(db: Queryable): Promise<T | undefined> {
  const row = (await db('audit_log').where({ action: RECONCILIATION_AUDIT_ACTION }).whereNull('account_id').orderBy('id', 'desc').first('after')) as { after: unknown } | undefined;
  return row ? parseJson<T>(row.after) : undefined;
}
