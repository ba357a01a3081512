// What a job's payload points at, as far as the audit log needs it: the account a row of a few tables belongs
// to. Used when a job fails for good, to file its audit row under the account the job worked for.
import type { Queryable } from '../connection';

/** The tables job payloads name rows of (core/job-queue.ts): each has an account_id, or is the account. */
export type JobSubjectTable = 'accounts' | 'invitations' | 'number_orders' | 'number_requests';

/** The account of the row, while the row (and so its account: each of these cascades) still exists. */
export async function accountOfRow(db: Queryable, table: JobSubjectTable, id: number): Promise<number | undefined> {
  const column = table === 'accounts' ? 'id' : 'account_id';
  const row = (await db(table).where({ id }).first(`${column} as accountId`)) as { accountId: number | string } | undefined;
  return row === undefined ? undefined : Number(row.accountId);
}
