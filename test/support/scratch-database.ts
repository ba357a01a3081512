// A database of its own on the shared MariaDB server, brought to the current schema by db/migrate.ts (DB_NAME
// overridden), for a suite or a benchmark whose jobs act on every row (the rental run, reconciliation, the
// purchase benchmark's ledger sums): they see only what they made, and leave the shared database alone. Or
// left empty, for a suite that runs the migrations itself on data shaped as it was before them.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../core/config';
import { openDatabase } from '../../db/connection';
import { ASTERISK_READ_TABLES, ASTERISK_WRITE_TABLES, migrate } from '../../db/migrate';

export interface ScratchDatabase {
  /** The shared configuration with this database's name. */
  config: Config;
  /** For child processes: the environment that points them at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(prefix: string, base: Config = loadConfig()): Promise<ScratchDatabase> {
  const scratch = await createEmptyScratchDatabase(prefix, base);
  await migrate(scratch.config);
  return scratch;
}

/** A database with no tables yet (created as db/migrate.ts creates one), for the caller to migrate. */
export async function createEmptyScratchDatabase(prefix: string, base: Config = loadConfig()): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const config: Config = { ...base, db: { ...base.db, name } };
  const server = openDatabase(config.db, config.db.admin, { withoutSchema: true });
  await server.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]).finally(() => server.destroy());
  return { config, env: { DB_NAME: name }, drop: () => dropScratchDatabase(config) };
}

async function dropScratchDatabase(config: Config): Promise<void> {
  const server = openDatabase(config.db, config.db.admin, { withoutSchema: true });
  try {
    await server.raw('DROP DATABASE IF EXISTS ??', [config.db.name]);
    // migrate() granted the app's and Asterisk's logins rights on it: take them back, the database is gone.
    for (const host of ['localhost', '127.0.0.1']) {
      await server.raw('REVOKE ALL PRIVILEGES ON ??.* FROM ?@?', [config.db.name, config.db.app.user, host]).catch(() => undefined);
      for (const table of [...ASTERISK_READ_TABLES, ...ASTERISK_WRITE_TABLES]) {
        await server.raw('REVOKE ALL PRIVILEGES ON ??.?? FROM ?@?', [config.db.name, table, config.db.asterisk.user, host]).catch(() => undefined);
      }
    }
  } finally {
    await server.destroy();
  }
}
