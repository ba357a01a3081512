// Reconciliation of the number inventory with the providers (issue 10): what each provider says we own against
// what phone_numbers says we hold, as plain data compared by a pure function (like consistency/). The job
// (jobs/numbers/reconcile.ts) fetches both sides, compares, reports, and on request fixes; the admin API shows
// the last report.
//
// Two kinds of difference:
// - notInInventory: the provider bills us for a number no live row holds (never recorded, or recorded as
//   released or failed). Fixed by releasing it at the provider.
// - releasedByProvider: a row is active but the provider no longer lists the number (ported away, suspended,
//   released by hand in the provider's console). Fixed by marking the row released: its route goes, and the
//   routing change is published.
// A purchase or release in flight (rows purchasing or releasing) is no difference: its job finishes it.
import type { OwnedNumber } from './number-providers/provider';

export interface InventoryNumber {
  id: number;
  number: string;
  accountId: number | null;
}

export interface SiteComparison {
  notInInventory: OwnedNumber[];
  releasedByProvider: InventoryNumber[];
}

/**
 * `activeBefore` are the site's active rows read BEFORE the provider's list: a purchase that completes while the
 * list is fetched is then not taken for a number the provider dropped. `liveAfter` are the numbers held live
 * (any state but released or failed) read AFTER the list: a purchase placed meanwhile is not taken for a number
 * we pay for but don't have.
 */
export function compareHoldings(owned: readonly OwnedNumber[], activeBefore: readonly InventoryNumber[], liveAfter: ReadonlySet<string>): SiteComparison {
  const ownedNumbers = new Set(owned.map((holding) => holding.number));
  return {
    notInInventory: owned.filter((holding) => !liveAfter.has(holding.number)),
    releasedByProvider: activeBefore.filter((row) => !ownedNumbers.has(row.number)),
  };
}

export interface SiteSummary {
  trunk: string;
  api: string;
  ownedAtProvider: number;
  activeInInventory: number;
  /** Why the site could not be compared (provider unreachable, credentials refused); null when it was. */
  error: string | null;
}

interface Fixable {
  trunk: string;
  api: string;
  number: string;
  /** With fix: whether the difference was repaired; false in a report-only run. */
  fixed: boolean;
  /** Why a fix was not made (the provider failed, the number changed meanwhile). */
  note: string | null;
}

export interface NotInInventory extends Fixable {
  providerRef: string;
}

export interface ReleasedByProvider extends Fixable {
  numberId: number;
  accountId: number | null;
}

export interface ReconciliationReport {
  /** The run's job (numbers.reconcile), as POST /v1/number-reconciliations answered it. */
  jobId: string | null;
  fix: boolean;
  startedAt: string;
  finishedAt: string;
  sites: SiteSummary[];
  /** Numbers we pay for but don't have. */
  notInInventory: NotInInventory[];
  /** Numbers we have but the provider released. */
  releasedByProvider: ReleasedByProvider[];
  totals: { notInInventory: number; releasedByProvider: number; fixed: number; siteErrors: number };
}

export function reportTotals(report: Pick<ReconciliationReport, 'sites' | 'notInInventory' | 'releasedByProvider'>): ReconciliationReport['totals'] {
  const differences = [...report.notInInventory, ...report.releasedByProvider];
  return {
    notInInventory: report.notInInventory.length,
    releasedByProvider: report.releasedByProvider.length,
    fixed: differences.filter((difference) => difference.fixed).length,
    siteErrors: report.sites.filter((site) => site.error !== null).length,
  };
}
