import { loadConfigOrExit } from '../core/config';
import { createLogger } from '../core/logger';
import { openDatabase } from '../db/connection';
import { createAriApp } from './app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('ari-app', config.logLevel);
  const db = openDatabase(config.db);
  const app = createAriApp(config, db, logger);
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal, activeCalls: app.registry.activeCalls });
    void app.stop().then(() => db.destroy()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.start();
  logger.info('ready', { ari: config.ari.url, app: config.ari.app, maxActiveCalls: config.calls.maxActiveCalls, pid: process.pid });
}

main().catch((error: unknown) => {
  process.stderr.write(`ari-app failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
