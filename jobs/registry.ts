// One map from job name to its queue and handler. Start-up fails if a declared job has no handler, so a job
// can never be enqueued that nothing would run.
import type { Job } from 'bullmq';
import { JOB_NAMES, type JobName } from '../core/job-queue';

export { JOB_NAMES, type JobName };

export interface JobDefinition {
  queue: string;
  handler: (job: Job) => Promise<unknown>;
  /** Runs on a schedule rather than on demand. */
  everyMs?: number;
}

export type JobMap = Record<JobName, JobDefinition>;

export function checkJobMap(map: Partial<Record<string, JobDefinition>>): asserts map is JobMap {
  const missing = JOB_NAMES.filter((name) => !map[name]);
  const unknown = Object.keys(map).filter((name) => !(JOB_NAMES as readonly string[]).includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(`job map is inconsistent: without handler [${missing.join(', ')}], undeclared [${unknown.join(', ')}]`);
  }
}

export function queuesOf(map: JobMap): Map<string, JobName[]> {
  const queues = new Map<string, JobName[]>();
  for (const name of JOB_NAMES) queues.set(map[name].queue, [...(queues.get(map[name].queue) ?? []), name]);
  return queues;
}
