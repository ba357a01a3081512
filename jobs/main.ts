// The job worker: one BullMQ Worker per queue of the job map, scheduled jobs registered idempotently
// (a scheduler id per job, so restarts never duplicate them), finished jobs removed, closed on SIGTERM.
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AriRest } from '../core/ari/rest';
import { loadConfigOrExit } from '../core/config';
import { LiveCallStore } from '../core/live-calls';
import { createLogger } from '../core/logger';
import { openDatabase } from '../db/connection';
import { sendInvitation } from './email/invitation';
import { Mailer } from './email/mailer';
import { sendOnboarding } from './email/onboarding';
import { sendEmergencyCallNotice } from './email/emergency-call';
import { sendNumberRequestResolved } from './email/number-request-resolved';
import { pruneLiveCalls } from './live-calls/prune';
import { JOB_NAMES } from '../core/job-queue';
import { jobProcessor, queuesOf, scheduleOf, type JobHandlers } from './registry';
import { recordJobFailure } from './failures';
import { chargeMonthlyRental } from './numbers/rental';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('worker', config.logLevel);
  // BullMQ's blocking commands need a connection that never gives up on a request.
  const connection = new Redis({ host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: null });
  const ari = new AriRest({ baseUrl: config.ari.url, username: config.ari.username, password: config.ari.password });
  const liveCalls = new LiveCallStore(connection);
  const db = openDatabase(config.db);
  const mailer = new Mailer(config.mail);
  const mail = { db, mailer, publicUrl: config.publicUrl };

  // Complete by type: a job declared in core/job-queue.ts without a handler here does not compile.
  const handlers: JobHandlers = {
    'live-calls.prune': () => pruneLiveCalls({ ari, liveCalls }),
    'email.invitation': (data) => sendInvitation(mail, data.invitationId),
    'email.onboarding': (data) => sendOnboarding(mail, data.userId, data.accountId),
    'email.emergency-call': (data) => sendEmergencyCallNotice(mail, data),
    // Issue 10, being built: each of these is replaced by its module in jobs/numbers/ and jobs/email/.
    'numbers.purchase': () => Promise.reject(new UnrecoverableError('numbers.purchase is not built yet')),
    'numbers.release': () => Promise.reject(new UnrecoverableError('numbers.release is not built yet')),
    'numbers.rental': () => chargeMonthlyRental({ db, logger }),
    'numbers.reconcile': () => Promise.reject(new UnrecoverableError('numbers.reconcile is not built yet')),
    'email.number-request-resolved': (data) => sendNumberRequestResolved(mail, data.requestId),
  };
  const processJob = jobProcessor(handlers);

  const workers: Worker[] = [];
  const queues: Queue[] = [];
  for (const [queueName, names] of queuesOf()) {
    const queue = new Queue(queueName, { connection });
    queues.push(queue);
    for (const name of names) {
      const everyMs = scheduleOf(name);
      if (everyMs) await queue.upsertJobScheduler(name, { every: everyMs }, { name, opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
    const worker = new Worker(queueName, processJob, { connection, concurrency: 4 });
    worker.on('completed', (job, result) => logger.info('job completed', { jobId: job.id, job: job.name, result }));
    worker.on('failed', (job, error) => {
      logger.error('job failed', { jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, error: error.message });
      void recordJobFailure({ db, logger }, job, error);
    });
    workers.push(worker);
  }

  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    void Promise.all([...workers.map((worker) => worker.close()), ...queues.map((queue) => queue.close())])
      .finally(() => {
        mailer.close();
        void db.destroy();
        connection.disconnect();
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  logger.info('ready', { redis: `${config.redis.host}:${config.redis.port}`, queues: [...queuesOf().keys()], jobs: JOB_NAMES });
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
