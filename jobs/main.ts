// The job worker: one BullMQ Worker per queue of the job map, scheduled jobs registered idempotently
// (a scheduler id per job, so restarts never duplicate them), finished jobs removed, closed on SIGTERM.
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AriRest } from '../core/ari/rest';
import { loadConfigOrExit } from '../core/config';
import { LiveCallStore } from '../core/live-calls';
import { createLogger } from '../core/logger';
import { openDatabase } from '../db/connection';
import { sendInvitation } from './email/invitation';
import { Mailer } from './email/mailer';
import { sendOnboarding } from './email/onboarding';
import { pruneLiveCalls } from './live-calls/prune';
import { JOB_QUEUE } from '../core/job-queue';
import { checkJobMap, JOB_NAMES, queuesOf, type JobDefinition, type JobName } from './registry';

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

  const jobs: Partial<Record<JobName, JobDefinition>> = {
    'live-calls.prune': { queue: JOB_QUEUE['live-calls.prune'], everyMs: 10 * 60_000, handler: () => pruneLiveCalls({ ari, liveCalls }) },
    'email.invitation': { queue: JOB_QUEUE['email.invitation'], handler: (job) => sendInvitation(mail, Number(job.data.invitationId)) },
    'email.onboarding': { queue: JOB_QUEUE['email.onboarding'], handler: (job) => sendOnboarding(mail, Number(job.data.userId), Number(job.data.accountId)) },
  };
  checkJobMap(jobs);

  const workers: Worker[] = [];
  const queues: Queue[] = [];
  for (const [queueName, names] of queuesOf(jobs)) {
    const queue = new Queue(queueName, { connection });
    queues.push(queue);
    for (const name of names) {
      const everyMs = jobs[name].everyMs;
      if (everyMs) await queue.upsertJobScheduler(name, { every: everyMs }, { name, opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        const definition = jobs[job.name as JobName];
        if (!definition) throw new Error(`no handler for job ${job.name}`);
        return definition.handler(job);
      },
      { connection, concurrency: 4 },
    );
    worker.on('completed', (job, result) => logger.info('job completed', { jobId: job.id, job: job.name, result }));
    worker.on('failed', (job, error) => logger.error('job failed', { jobId: job?.id, job: job?.name, error: error.message }));
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
  logger.info('ready', { redis: `${config.redis.host}:${config.redis.port}`, queues: [...queuesOf(jobs).keys()], jobs: JOB_NAMES });
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
