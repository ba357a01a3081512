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

// What mysql2 and knex report when the server cannot be reached or goes away: the database is down (or
// restarting), not the request wrong. Callers turn these into "try again later" rather than a bug.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED',
  'ER_CON_COUNT_ERROR', 'ER_TOO_MANY_USER_CONNECTIONS',
]);

/** True for errors that mean "the database is unreachable", as opposed to a query the database refused. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { name, code, fatal, sqlMessage } = error as { name?: string; code?: string; fatal?: boolean; sqlMessage?: string };
  // The pool could not hand out a connection in time: every connection attempt failed or hung.
  if (name === 'KnexTimeoutError') return true;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  // mysql2 marks errors that killed the connection itself as fatal (e.g. a command on a closed connection).
  return fatal === true && sqlMessage === undefined;
}

/** A JSON column's value: MariaDB's JSON is a LONGTEXT, so it arrives as text (or already parsed, by driver). */
export function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
