// Jobs that failed for good go to the audit log, so ops and the account's admins see what never happened (a
// number never bought, an invitation never sent) without reading the worker's log. One row per job, written
// when BullMQ gives up on it: its last attempt failed, or it threw an UnrecoverableError (a provider's 4xx, a
// malformed payload). A failed attempt that will be retried writes nothing.
//
// The row is filed under the account the job worked for when its payload leads to one (a number order's
// account, an invitation's), else under no account (scheduled jobs such as the rental run or reconciliation).
import type { Job } from 'bullmq';
import { JOBS, type JobName } from '../core/job-queue';
import { errorDetails, type Logger } from '../core/logger';
import type { Database } from '../db/connection';
import { insertAudit } from '../db/repositories/audit';
import { accountOfRow, type JobSubjectTable } from '../db/repositories/job-subjects';

/** What of a BullMQ job (as the worker's 'failed' event hands it over) decides and describes a failure. */
export type FailedJob = Pick<Job, 'id' | 'name' | 'data' | 'attemptsMade' | 'opts' | 'queueName'>;

interface Subject {
  table: JobSubjectTable;
  id: number;
}

const AUDIT_ERROR_LENGTH = 500;

/** A positive integer field of a payload that came back from Redis untyped (it may be the malformed one). */
function idField(data: unknown, field: string): number | undefined {
  const value = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[field] : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function subject(table: JobSubjectTable, id: number | undefined): Subject | undefined {
  return id === undefined ? undefined : { table, id };
}

// Complete by type, like the worker's handlers: a new job must say which account its failures belong to.
const SUBJECTS: Record<JobName, (data: unknown) => Subject | undefined> = {
  'email.invitation': (data) => subject('invitations', idField(data, 'invitationId')),
  'email.onboarding': (data) => subject('accounts', idField(data, 'accountId')),
  'email.emergency-call': (data) => subject('accounts', idField(data, 'accountId')),
  'live-calls.prune': () => undefined,
  'numbers.purchase': (data) => subject('number_orders', idField(data, 'orderId')),
  'numbers.release': (data) => subject('number_orders', idField(data, 'orderId')),
  'numbers.resume-orders': () => undefined,
  'numbers.rental': () => undefined,
  'numbers.reconcile': () => undefined,
  'email.number-request-resolved': (data) => subject('number_requests', idField(data, 'requestId')),
};

const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

/** BullMQ's own rule (Job.shouldRetryJob): no retry after an UnrecoverableError or the last attempt. The
 *  'failed' event comes after BullMQ counted the attempt, so attemptsMade includes the one that just failed. */
export function isFinalFailure(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Pick<Error, 'name'>): boolean {
  if (error.name === 'UnrecoverableError') return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}

async function accountOfJob(db: Database, job: FailedJob): Promise<number | null> {
  const target = isJobName(job.name) ? SUBJECTS[job.name](job.data) : undefined;
  if (!target) return null;
  return (await accountOfRow(db, target.table, target.id)) ?? null;
}

/** The audit row of a job that failed for good. */
async function auditFailure(db: Database, job: FailedJob, error: Error): Promise<void> {
  const jobId = job.id ?? null;
  await insertAudit(db, {
    accountId: await accountOfJob(db, job),
    actorUserId: null,
    action: 'job.failed',
    entity: 'job',
    entityId: jobId === null ? null : jobId.slice(0, 64),
    after: {
      job: job.name,
      jobId,
      queue: job.queueName,
      attempts: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      error: error.message.slice(0, AUDIT_ERROR_LENGTH),
      unrecoverable: error.name === 'UnrecoverableError',
      // Payloads carry ids only (core/job-queue.ts), never secrets: safe to keep as what the job was asked.
      payload: job.data as unknown,
    },
    requestId: `worker:${job.name}`.slice(0, 64),
  });
}

/** The worker's 'failed' handler: audits a failure for good, never throws (it runs in an event listener). */
export async function recordJobFailure(deps: { db: Database; logger: Logger }, job: FailedJob | undefined, error: Error): Promise<void> {
  if (!job || !isFinalFailure(job, error)) return;
  try {
    await auditFailure(deps.db, job, error);
  } catch (auditError) {
    deps.logger.error('job failure not audited', { jobId: job.id, job: job.name, error: errorDetails(auditError) });
  }
}
