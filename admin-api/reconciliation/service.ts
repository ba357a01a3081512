// Number reconciliation for platform operators: start a run (the numbers.reconcile job does the work, see
// jobs/numbers/reconcile.ts) and read the last run's report, which the job wrote to the audit log.
import type { JobQueue } from '../../core/job-queue';
import type { ReconciliationReport } from '../../core/number-reconciliation';
import type { Database } from '../../db/connection';
import { latestReconciliationReport } from '../../db/repositories/reconciliation';
import type { UserScope } from '../scope';
import { reconciliationErrors } from './errors';
import type { ReconciliationRequest } from './schemas';

export interface StartedReconciliation {
  jobId: string;
  fix: boolean;
  /** Where the report appears once the run finished. */
  report: string;
}

// Requests within the same minute share a job: an impatient double click runs one reconciliation, not two.
const COLLAPSE_MS = 60_000;

export class ReconciliationService {
  constructor(private readonly db: Database, private readonly jobs: JobQueue, private readonly now: () => number = Date.now) {}

  async start(scope: UserScope, input: ReconciliationRequest): Promise<StartedReconciliation> {
    const fix = input.fix ?? false;
    const jobId = `number-reconcile-${fix ? 'fix' : 'report'}-${Math.floor(this.now() / COLLAPSE_MS)}`;
    await this.jobs.enqueue('numbers.reconcile', { fix }, jobId);
    await scope.audit(this.db, { accountId: null, action: 'numbers.reconcile.request', entity: 'reconciliation', entityId: jobId, after: { fix } });
    scope.log.info('reconciliation requested', { jobId, fix, userId: scope.actor.user.id });
    return { jobId, fix, report: '/v1/number-reconciliations/last' };
  }

  async last(): Promise<ReconciliationReport> {
    const report = await latestReconciliationReport<ReconciliationReport>(this.db);
    if (!report) throw reconciliationErrors.noReport();
    return report;
  }
}
