// numbers.reconcile (daily, or POST /v1/number-reconciliations): compares each provider site's list of the
// numbers we own with the inventory (core/number-reconciliation.ts says what counts as a difference), reports,
// and with `fix` repairs: a number we pay for but don't hold is released at the provider, a number the
// provider dropped is marked released here (route removed, routing change published). The report is logged,
// returned as the job's result and written to the audit log, where GET /v1/number-reconciliations/last reads it.
//
// Static-pool sites are skipped: their "provider" is the trunk file, whose numbers are the inventory itself.
// Each fix checks again right before it acts, since the lists are a moment old: a number about to be released
// at the provider must still be held by no row (a purchase may have just claimed it), and a number about to be
// marked released must still be missing at the provider and still active here.
import { STATIC_POOL } from '../../core/numbers';
import {
  compareHoldings, reportTotals, type InventoryNumber, type NotInInventory, type ReconciliationReport, type ReleasedByProvider, type SiteSummary,
} from '../../core/number-reconciliation';
import type { ProviderSite } from '../../core/number-providers/factory';
import type { NumberProvider, OwnedNumber } from '../../core/number-providers/provider';
import { insertAudit } from '../../db/repositories/audit';
import { findLiveNumber, liveNumbersAmong, moveNumber } from '../../db/repositories/number-orders';
import { allProviderSites } from '../../db/repositories/number-providers';
import { unrouteNumbers } from '../../db/repositories/phone-numbers';
import { activeNumbersOfSite, RECONCILIATION_AUDIT_ACTION } from '../../db/repositories/reconciliation';
import type { NumberJobDeps } from './orders';

const REQUEST_ID = 'job:numbers.reconcile';

interface SiteResult {
  summary: SiteSummary;
  notInInventory: NotInInventory[];
  releasedByProvider: ReleasedByProvider[];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

export async function reconcileNumbers(deps: NumberJobDeps, options: { fix: boolean; jobId?: string }): Promise<ReconciliationReport> {
  const startedAt = new Date().toISOString();
  const results: SiteResult[] = [];
  for (const site of await allProviderSites(deps.db)) {
    if (site.purchasing.api === STATIC_POOL) continue;
    results.push(await reconcileSite(deps, site, options.fix));
  }
  const parts = {
    sites: results.map((result) => result.summary),
    notInInventory: results.flatMap((result) => result.notInInventory),
    releasedByProvider: results.flatMap((result) => result.releasedByProvider),
  };
  const report: ReconciliationReport = { jobId: options.jobId ?? null, fix: options.fix, startedAt, finishedAt: new Date().toISOString(), ...parts, totals: reportTotals(parts) };
  await insertAudit(deps.db, {
    accountId: null, actorUserId: null, action: RECONCILIATION_AUDIT_ACTION, entity: 'reconciliation', entityId: report.jobId?.slice(0, 64) ?? null, after: report, requestId: REQUEST_ID,
  });
  const level = report.totals.notInInventory + report.totals.releasedByProvider + report.totals.siteErrors > 0 ? 'warn' : 'info';
  deps.logger.log(level, 'numbers reconciled', { fix: options.fix, ...report.totals, sites: report.sites.length });
  return report;
}

async function reconcileSite(deps: NumberJobDeps, site: ProviderSite, fix: boolean): Promise<SiteResult> {
  const { api } = site.purchasing;
  const summary: SiteSummary = { trunk: site.trunkName, api, ownedAtProvider: 0, activeInInventory: 0, error: null };
  let provider: NumberProvider;
  let owned: OwnedNumber[];
  let activeBefore: InventoryNumber[];
  try {
    provider = deps.provider(site);
    activeBefore = await activeNumbersOfSite(deps.db, site.trunkId, api);
    owned = await provider.listOwned();
  } catch (error) {
    summary.error = messageOf(error);
    deps.logger.warn('reconciliation: site not compared', { trunk: site.trunkName, api, error: summary.error });
    return { summary, notInInventory: [], releasedByProvider: [] };
  }
  // On any trunk: two trunk files may share one provider account, and each number is on one of them.
  const liveAfter = await liveNumbersAmong(deps.db, owned.map((holding) => holding.number), { api });
  const differences = compareHoldings(owned, activeBefore, liveAfter);
  summary.ownedAtProvider = owned.length;
  summary.activeInInventory = activeBefore.length;
  const base = { trunk: site.trunkName, api, fixed: false, note: null };
  const notInInventory: NotInInventory[] = differences.notInInventory.map((holding) => ({ ...base, number: holding.number, providerRef: holding.providerRef }));
  const releasedByProvider: ReleasedByProvider[] = differences.releasedByProvider.map((row) => ({ ...base, number: row.number, numberId: row.id, accountId: row.accountId }));
  if (fix) {
    for (const [index, holding] of differences.notInInventory.entries()) await settle(notInInventory[index], () => releaseAtProvider(deps, provider, holding));
    for (const [index, row] of differences.releasedByProvider.entries()) await settle(releasedByProvider[index], () => markReleased(deps, provider, row));
  }
  return { summary, notInInventory, releasedByProvider };
}

/** Runs one fix and records its outcome on the difference: fixed, or the note saying why not. */
async function settle(difference: NotInInventory | ReleasedByProvider | undefined, fix: () => Promise<string | null>): Promise<void> {
  if (!difference) return;
  try {
    const note = await fix();
    difference.fixed = note === null;
    difference.note = note;
  } catch (error) {
    difference.note = `not fixed: ${messageOf(error)}`;
  }
}

async function releaseAtProvider(deps: NumberJobDeps, provider: NumberProvider, holding: OwnedNumber): Promise<string | null> {
  if (await findLiveNumber(deps.db, holding.number)) return 'not fixed: the number is held in the inventory now';
  await provider.release(holding);
  deps.logger.info('reconciliation: released at the provider', { number: holding.number, providerRef: holding.providerRef, api: provider.api });
  return null;
}

async function markReleased(deps: NumberJobDeps, provider: NumberProvider, row: InventoryNumber): Promise<string | null> {
  if (await provider.findOwned(row.number)) return 'not fixed: the provider lists the number again';
  const released = await deps.db.transaction(async (trx) => {
    if (!(await moveNumber(trx, row.id, ['active'], 'released'))) return false;
    await unrouteNumbers(trx, [row.id]);
    await insertAudit(trx, {
      accountId: row.accountId, actorUserId: null, action: 'number.released_by_provider', entity: 'number', entityId: row.id,
      before: { state: 'active' }, after: { number: row.number, state: 'released', provider: provider.api }, requestId: REQUEST_ID,
    });
    return true;
  });
  if (!released) return 'not fixed: the number is no longer active here';
  if (row.accountId !== null) await deps.notifier.routingChanged(row.accountId);
  deps.logger.info('reconciliation: marked released', { numberId: row.id, accountId: row.accountId, api: provider.api });
  return null;
}
