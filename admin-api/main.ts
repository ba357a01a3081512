import { Redis } from 'ioredis';
import { loadConfigOrExit } from '../core/config';
import { createLogger } from '../core/logger';
import { openDatabase } from '../db/connection';
import { createAdminApi } from './app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('admin-api', config.logLevel);
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: 3 });
  const adminApi = await createAdminApi({ config, db, redis, logger });
  const { app } = adminApi;
  const server = app.listen(config.adminApi.port, config.adminApi.host, () => {
    logger.info('ready', { listening: `http://${config.adminApi.host}:${config.adminApi.port}` });
  });
  server.on('error', (error) => {
    logger.error('admin API cannot listen', { error: error.message });
    process.exit(1);
  });
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    server.close(() => void adminApi.close().then(() => db.destroy()).finally(() => redis.disconnect()));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`admin-api failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
