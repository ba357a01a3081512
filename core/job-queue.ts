// The jobs the admin API enqueues and the worker runs, declared once: each job's queue, the schema of its
// payload (ids only, never secrets; the TypeScript type derives from it) and, for a scheduled job, its period.
// The worker's handler map (jobs/registry.ts) is typed from this map, so a job without a handler does not
// compile. The producer uses deterministic job ids so a duplicate enqueue collapses into one job.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

interface JobDeclaration {
  queue: string;
  payload: TSchema;
  /** Runs on a schedule rather than on demand. */
  everyMs?: number;
  /** Tries before the job fails for good (default 5), the first retry after backoffMs (default 1 s), doubling. */
  attempts?: number;
  backoffMs?: number;
}

const JobId = Type.Integer({ minimum: 1 });

export const JOBS = {
  'email.invitation': { queue: 'email', payload: Type.Object({ invitationId: JobId }) },
  'email.onboarding': { queue: 'email', payload: Type.Object({ userId: JobId, accountId: JobId }) },
  // Sent by the ARI app when an emergency number is dialed: the account's admins are told who called what, when.
  'email.emergency-call': {
    queue: 'email',
    payload: Type.Object({
      accountId: JobId, userId: Type.Union([JobId, Type.Null()]), device: Type.String({ maxLength: 120 }),
      number: Type.String({ pattern: '^[0-9]{2,6}$' }), placedAt: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' }), callId: Type.String({ maxLength: 64 }),
    }),
  },
  'live-calls.prune': { queue: 'maintenance', payload: Type.Object({}), everyMs: 10 * 60_000 },
  // Phone numbers (issue 10): an order at a provider, run until it is recorded (job id "number-order-<id>").
  // A provider's 5xx or time-out is retried for about two minutes (1 s doubling, 8 tries) before the order fails.
  'numbers.purchase': { queue: 'numbers', payload: Type.Object({ orderId: JobId }), attempts: 8 },
  'numbers.release': { queue: 'numbers', payload: Type.Object({ orderId: JobId }), attempts: 8 },
  // Gives every open order older than a minute its job again (a job still queued or running collapses with it):
  // an order whose enqueue Redis refused after the commit, or whose job Redis lost, is carried out without a
  // worker restart.
  'numbers.resume-orders': { queue: 'numbers', payload: Type.Object({}), everyMs: 60_000 },
  // Charges each active number's monthly rental once per month (an entry keyed by number and month).
  'numbers.rental': { queue: 'numbers', payload: Type.Object({}), everyMs: 60 * 60_000 },
  // Compares each provider's list of our numbers with the inventory; `fix` also repairs the differences.
  'numbers.reconcile': { queue: 'numbers', payload: Type.Object({ fix: Type.Optional(Type.Boolean()) }), everyMs: 24 * 60 * 60_000 },
  // A request's resolution (assigned, rejected), or with noticeId how a purchase for it ended (live, or failed
  // and the request open again; db/repositories/number-request-notices.ts).
  'email.number-request-resolved': { queue: 'email', payload: Type.Object({ requestId: JobId, noticeId: Type.Optional(JobId) }) },
} as const satisfies Record<string, JobDeclaration>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = Static<(typeof JOBS)[N]['payload']>;
export type JobPayloads = { [N in JobName]: JobPayload<N> };
export type QueueName = (typeof JOBS)[JobName]['queue'];
export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** The job of a number order (purchase or release): one per order, so a repeated enqueue collapses into it. */
export function numberOrderJobId(orderId: number): string {
  return `number-order-${orderId}`;
}

/** How BullMQ runs a job of this name: its retries, and finished jobs removed. */
function jobOptions(name: JobName, jobId: string) {
  const declaration: JobDeclaration = JOBS[name];
  return {
    jobId,
    attempts: declaration.attempts ?? 5,
    backoff: { type: 'exponential', delay: declaration.backoffMs ?? 1000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  };
}

export class JobQueue {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly connection: Redis) {}

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue<N extends JobName>(name: N, data: JobPayloads[N], jobId: string): Promise<void> {
    await this.queue(JOBS[name].queue).add(name, data, jobOptions(name, jobId));
  }

  async enqueueMany<N extends JobName>(name: N, jobs: { data: JobPayloads[N]; jobId: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(JOBS[name].queue).addBulk(jobs.map((job) => ({
      name, data: job.data, opts: jobOptions(name, job.jobId),
    })));
  }

  /** Of these jobs, those that failed for good go back to waiting with fresh attempts: for work the database
   *  says is still undone (an open order whose job could not even record its failure). Others are left alone. */
  async retryFailed<N extends JobName>(name: N, jobIds: string[]): Promise<number> {
    const queue = this.queue(JOBS[name].queue);
    let retried = 0;
    for (const jobId of jobIds) {
      const job = await queue.getJob(jobId);
      if (!job || !(await job.isFailed())) continue;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      retried += 1;
    }
    return retried;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
