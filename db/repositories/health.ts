// The health check's question to MariaDB: does it answer at all (no table, no schema needed).
import type { Queryable } from '../connection';

export async function pingDatabase(db: Queryable): Promise<void> {
  await db.raw('select 1');
}
