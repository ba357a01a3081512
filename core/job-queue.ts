// The jobs the admin API enqueues and the worker runs: their names, queues and payloads (ids only, never
// secrets), and a producer with deterministic job ids so a duplicate enqueue collapses into one job.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface JobPayloads {
  'email.invitation': { invitationId: number };
  'email.onboarding': { userId: number; accountId: number };
  'live-calls.prune': Record<string, never>;
}

export type JobName = keyof JobPayloads;
export const JOB_NAMES = ['email.invitation', 'email.onboarding', 'live-calls.prune'] as const satisfies readonly JobName[];
export const JOB_QUEUE: Record<JobName, string> = {
  'email.invitation': 'email',
  'email.onboarding': 'email',
  'live-calls.prune': 'maintenance',
};

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
    await this.queue(JOB_QUEUE[name]).add(name, data, {
      jobId,
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  async enqueueMany<N extends JobName>(name: N, jobs: { data: JobPayloads[N]; jobId: string }[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(JOB_QUEUE[name]).addBulk(jobs.map((job) => ({
      name, data: job.data, opts: { jobId: job.jobId, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
    })));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
