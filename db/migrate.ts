// Brings the database to the current schema: creates it and the two least-privileged logins, runs the
// migrations as the admin login, then grants. Safe to run on every start.
import path from 'node:path';
import { loadConfigOrExit, type Config, type DatabaseLogin } from '../core/config';
import { errorDetails, createLogger } from '../core/logger';
import { openDatabase, type Database } from './connection';
import { ensurePresetRoles } from './repositories/roles';

/** What Asterisk reads through ODBC. It writes only the contacts its registrar keeps. */
export const ASTERISK_READ_TABLES = [
  'ps_endpoints', 'ps_auths', 'ps_aors', 'ps_endpoint_id_ips', 'ps_registrations', 'ps_acls', 'extensions', 'ast_config',
] as const;
export const ASTERISK_WRITE_TABLES = ['ps_contacts'] as const;

// Both names, because MariaDB may see a loopback TCP client as either host.
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1'];

async function ensureLogin(admin: Database, login: DatabaseLogin): Promise<void> {
  for (const host of LOOPBACK_HOSTS) {
    await admin.raw('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [login.user, host, login.password]);
    // The password in .env is the truth: an existing user whose password changed is brought in line.
    await admin.raw('ALTER USER ?@? IDENTIFIED BY ?', [login.user, host, login.password]);
  }
}

async function grant(admin: Database, db: Config['db']): Promise<void> {
  for (const host of LOOPBACK_HOSTS) {
    await admin.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ??.* TO ?@?`, [db.name, db.app.user, host]);
    for (const table of ASTERISK_READ_TABLES) {
      await admin.raw('GRANT SELECT ON ??.?? TO ?@?', [db.name, table, db.asterisk.user, host]);
    }
    for (const table of ASTERISK_WRITE_TABLES) {
      await admin.raw('GRANT SELECT, INSERT, UPDATE, DELETE ON ??.?? TO ?@?', [db.name, table, db.asterisk.user, host]);
    }
  }
}

export async function migrate(config: Config): Promise<string[]> {
  const server = openDatabase(config.db, config.db.admin, { withoutSchema: true });
  try {
    await server.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [config.db.name]);
    await ensureLogin(server, config.db.app);
    await ensureLogin(server, config.db.asterisk);
  } finally {
    await server.destroy();
  }
  const admin = openDatabase(config.db, config.db.admin);
  try {
    const [, applied] = (await admin.migrate.latest({
      directory: path.join(__dirname, 'migrations'),
      loadExtensions: ['.ts', '.js'],
    })) as [number, string[]];
    await grant(admin, config.db);
    await ensurePresetRoles(admin);
    return applied;
  } finally {
    await admin.destroy();
  }
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const logger = createLogger('migrate', config.logLevel);
  migrate(config)
    .then((applied) => logger.info('database ready', { database: config.db.name, applied }))
    .catch((error: unknown) => {
      logger.error('migration failed', { error: errorDetails(error) });
      process.exitCode = 1;
    });
}
