// The worker's side of the job map (core/job-queue.ts declares each job's queue and payload): one handler per
// job, in a map typed complete, so a declared job without a handler, or a second handler for one (a duplicate
// key), does not compile (Immich's job.repository.ts checks the same at start-up). Handlers receive their
// payload typed, after it was checked against the job's schema: job data comes back from Redis untyped.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { UnrecoverableError, type Job } from 'bullmq';
import { JOB_NAMES, JOBS, type JobName, type JobPayload, type QueueName } from '../core/job-queue';

/** Runs one job. Idempotent: a job run twice (a retry, a duplicate) has the effect of running it once. */
export type JobHandler<N extends JobName> = (data: JobPayload<N>, job: Job) => Promise<unknown>;

export type JobHandlers = { readonly [N in JobName]: JobHandler<N> };

const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

// The validator the admin API checks request bodies with (ajv, with the standard formats such as date-time):
// a schema means the same on both sides of the queue. ajv keeps each compiled schema, keyed by the schema.
const ajv = new Ajv({ allErrors: true, coerceTypes: false, allowUnionTypes: true });
addFormats(ajv);
const payloadValidator = <N extends JobName>(name: N) => ajv.compile<JobPayload<N>>(JOBS[name].payload);

function run<N extends JobName>(handlers: JobHandlers, name: N, job: Job): Promise<unknown> {
  const data: unknown = job.data ?? {};
  const valid = payloadValidator(name);
  // A retry cannot mend a payload: fail the job at once rather than five times.
  if (!valid(data)) throw new UnrecoverableError(`job ${name} has a malformed payload: ${ajv.errorsText(valid.errors)}`);
  const handler: JobHandler<N> = handlers[name];
  return handler(data, job);
}

/** The processor of a queue's worker: dispatches each job by name to its handler. */
export function jobProcessor(handlers: JobHandlers): (job: Job) => Promise<unknown> {
  // Compiled now, so a schema ajv cannot compile stops the worker at start-up rather than failing its jobs.
  for (const name of JOB_NAMES) payloadValidator(name);
  return async (job) => {
    // Only a job enqueued by another version of the code can carry a name this one does not know.
    if (!isJobName(job.name)) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return run(handlers, job.name, job);
  };
}

/** The queues the worker serves, each with its jobs. */
export function queuesOf(): Map<QueueName, JobName[]> {
  const queues = new Map<QueueName, JobName[]>();
  for (const name of JOB_NAMES) queues.set(JOBS[name].queue, [...(queues.get(JOBS[name].queue) ?? []), name]);
  return queues;
}

/** A scheduled job's period; undefined for a job that runs only when enqueued. */
export function scheduleOf(name: JobName): number | undefined {
  const declaration = JOBS[name];
  return 'everyMs' in declaration ? declaration.everyMs : undefined;
}
