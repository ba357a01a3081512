// Knex connections. Each process opens one pool with the least-privileged login it needs.
import knex, { type Knex } from 'knex';
import type { Config, DatabaseLogin } from '../core/config';

export type Database = Knex;
export type Transaction = Knex.Transaction;
/** Either a pool or an open transaction: repositories accept both so callers decide the transaction's scope. */
export type Queryable = Knex | Knex.Transaction;

export function openDatabase(db: Config['db'], login: DatabaseLogin = db.app, options: { withoutSchema?: boolean } = {}): Database {
  return knex({
    client: 'mysql2',
    connection: {
      host: db.host,
      port: db.port,
      user: login.user,
      password: login.password,
      database: options.withoutSchema ? undefined : db.name,
      charset: 'utf8mb4',
      timezone: 'Z',
      supportBigNumbers: true,
    },
    // Enough for an API process under load to keep MariaDB busy rather than queue on the pool.
    pool: { min: 0, max: 24 },
    acquireConnectionTimeout: 10_000,
  });
}

/** Inserts many rows in a few statements (MariaDB caps a statement's size; 500 rows stay well below it). */
export async function insertInChunks(db: Queryable, table: string, rows: Record<string, unknown>[], chunkSize = 500): Promise<void> {
  for (let start = 0; start < rows.length; start += chunkSize) {
    await db(table).insert(rows.slice(start, start + chunkSize));
  }
}
