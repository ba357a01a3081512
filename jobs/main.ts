// The job worker: one BullMQ Worker per queue of the job map, scheduled jobs registered idempotently
// (a scheduler id per job, so restarts never duplicate them), finished jobs removed, closed on SIGTERM.
import { Queue, Worker } from 'bullmq';
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
import { sendNumberRequestEmail } from './email/number-request-resolved';
import { pruneLiveCalls } from './live-calls/prune';
import { ChangeNotifier } from '../admin-api/notifier';
import { createNumberProvider } from '../core/number-providers/factory';
import { resolveSecretSource } from '../core/trunk-secrets';
import type { NumberJobDeps } from './numbers/orders';
import { purchaseNumber } from './numbers/purchase';
import { releaseNumber } from './numbers/release';
import { resumeOpenOrders } from './numbers/resume';
import { resendUnsentNotices } from './numbers/request-outcomes';
import { JOB_NAMES, JobQueue } from '../core/job-queue';
import { jobProcessor, queuesOf, scheduleOf, type JobHandlers } from './registry';
import { recordJobFailure } from './failures';
import { chargeMonthlyRental } from './numbers/rental';
import { reconcileNumbers } from './numbers/reconcile';

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
  // Jobs the worker enqueues itself: orders and request emails left without one, a settled purchase's email.
  const producer = new JobQueue(connection);
  // Number orders reach providers with the secrets the trunk files name, and publish routing changes as the
  // admin API does, so a bought number is live (and a released one gone) from the next call.
  const numbers: NumberJobDeps = {
    db, logger, notifier: new ChangeNotifier(connection, logger), jobs: producer,
    provider: (site) => createNumberProvider(site, { db, secret: (source) => resolveSecretSource(source) }),
  };

  // Complete by type: a job declared in core/job-queue.ts without a handler here does not compile.
  const handlers: JobHandlers = {
    'live-calls.prune': () => pruneLiveCalls({ ari, liveCalls }),
    'email.invitation': (data) => sendInvitation(mail, data.invitationId),
    'email.onboarding': (data) => sendOnboarding(mail, data.userId, data.accountId),
    'email.emergency-call': (data) => sendEmergencyCallNotice(mail, data),
    'numbers.purchase': (data, job) => purchaseNumber(numbers, data.orderId, job),
    'numbers.release': (data, job) => releaseNumber(numbers, data.orderId, job),
    // An order placed in the last minute may still be getting its job from the admin API.
    'numbers.resume-orders': async () => ({ resumed: await resumeOpenOrders(db, producer, { olderThanSeconds: 60 }) }),
    'numbers.rental': () => chargeMonthlyRental({ db, logger }),
    'numbers.reconcile': (data, job) => reconcileNumbers(numbers, { fix: data.fix ?? false, jobId: job.id }),
    'email.number-request-resolved': (data) => sendNumberRequestEmail(mail, data),
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
    // A worker that crashed mid-job (a number order between "ordered" and "recorded") holds the job's lock until
    // it expires: 10 s, checked every 5 s, so another worker resumes it within about 15 s rather than a minute.
    // Twice stalled is still resumed (a restart during a restart), not failed without the order recorded.
    const worker = new Worker(queueName, processJob, { connection, concurrency: 4, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 2 });
    worker.on('completed', (job, result) => logger.info('job completed', { jobId: job.id, job: job.name, result }));
    worker.on('failed', (job, error) => {
      logger.error('job failed', { jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, error: error.message });
      void recordJobFailure({ db, logger }, job, error);
    });
    workers.push(worker);
  }

  // Orders committed while Redis refused their job (or lost it since) get their job now, and so do the emails
  // of purchases settled by a worker that died before enqueueing them.
  const resumedOrders = await resumeOpenOrders(db, producer);
  const resumedNotices = await resendUnsentNotices({ db, jobs: producer, logger });

  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    void Promise.all([...workers.map((worker) => worker.close()), ...queues.map((queue) => queue.close()), producer.close()])
      .finally(() => {
        mailer.close();
        void db.destroy();
        connection.disconnect();
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  logger.info('ready', { redis: `${config.redis.host}:${config.redis.port}`, queues: [...queuesOf().keys()], jobs: JOB_NAMES, resumedOrders, resumedNotices });
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
