// npm run asterisk:verify [-- --json]: compares what the database says Asterisk should have (PJSIP rows,
// outbound registrations, account contexts, and the domain rows they follow from) with what Asterisk reports
// over ARI and AMI, and names each difference.
// Exit status: 0 consistent, 1 drift, 2 the database or Asterisk cannot be reached, 64 bad arguments,
// 70 an internal error, 78 bad configuration (as every entry point of the project).
import { loadConfigOrExit, type Config } from '../core/config';
import { createLogger, type Logger } from '../core/logger';
import { openDatabase } from '../db/connection';
import { AsteriskUnreachableError, readAsteriskSnapshot } from './asterisk-snapshot';
import { readDatabaseSnapshot } from './database-snapshot';
import { findDrift, type DriftReport } from './drift';
import { formatReport } from './report';
import type { DatabaseSnapshot } from './snapshots';

/** The document --json prints. */
export interface VerifyReport extends DriftReport {
  elapsedMs: number;
}

export const EXIT = { consistent: 0, drift: 1, unreachable: 2, usage: 64, internal: 70 } as const;

const USAGE = `usage: npm run asterisk:verify [-- --json]
Compares the database with what Asterisk reports (endpoints, auths, aors, identifies, outbound
registrations, contacts, account contexts) and names each difference.
  --json   one JSON document: { consistent, differences[], compared, elapsedMs }
exit status: 0 consistent, 1 drift, 2 the database or Asterisk cannot be reached`;

/** AMI list actions over thousands of objects take seconds; a stuck Asterisk still ends the run. */
const ASTERISK_TIMEOUT_MS = 60_000;

class UnreachableError extends Error {}

function parseArguments(args: string[]): { json: boolean } | { help: true } | { error: string } {
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  const unknown = args.filter((arg) => arg !== '--json');
  return unknown.length > 0 ? { error: `unknown argument ${unknown.join(' ')}` } : { json: args.includes('--json') };
}

async function databaseSide(config: Config, logger: Logger): Promise<DatabaseSnapshot> {
  const started = Date.now();
  const db = openDatabase(config.db);
  try {
    const snapshot = await readDatabaseSnapshot(db);
    logger.debug('database read', { elapsedMs: Date.now() - started, endpoints: snapshot.endpoints.size });
    return snapshot;
  } catch (error) {
    throw new UnreachableError(`cannot read the database ${config.db.name} at ${config.db.host}:${config.db.port}: ${(error as Error).message}`);
  } finally {
    await db.destroy();
  }
}

async function compare(config: Config, logger: Logger): Promise<VerifyReport> {
  const started = Date.now();
  const database = await databaseSide(config, logger);
  const asterisk = await readAsteriskSnapshot({ ami: config.ami, ari: config.ari, endpointNames: [...database.endpoints.keys()], timeoutMs: ASTERISK_TIMEOUT_MS })
    .catch((error: unknown) => {
      throw error instanceof AsteriskUnreachableError ? new UnreachableError(`cannot reach Asterisk: ${error.message}`) : error;
    });
  logger.debug('Asterisk read', { elapsedMs: Date.now() - started, probedEndpoints: asterisk.probedEndpoints });
  return { ...findDrift(database, asterisk), elapsedMs: Date.now() - started };
}

function printFailure(json: boolean, code: string, message: string): void {
  process.stderr.write(`asterisk:verify: ${message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ consistent: null, error: { code, message } }, null, 2)}\n`);
}

async function main(args: string[]): Promise<number> {
  const options = parseArguments(args);
  if ('help' in options) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.consistent;
  }
  if ('error' in options) {
    process.stderr.write(`asterisk:verify: ${options.error}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const config = loadConfigOrExit();
  // Logs go to stdout, where --json's document goes: with --json only errors are logged, and none are.
  const logger = createLogger('asterisk-verify', options.json ? 'error' : config.logLevel);
  try {
    const report = await compare(config, logger);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, report.elapsedMs));
    return report.consistent ? EXIT.consistent : EXIT.drift;
  } catch (error) {
    if (error instanceof UnreachableError) {
      printFailure(options.json, 'UNREACHABLE', error.message);
      return EXIT.unreachable;
    }
    printFailure(options.json, 'INTERNAL', (error as Error).stack ?? String(error));
    return EXIT.internal;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
