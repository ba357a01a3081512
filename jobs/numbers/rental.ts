// numbers.rental (hourly): charges each number's monthly rental once per calendar month (UTC) to its
// organization's ledger, as a 'rental' entry keyed "rental:<numberId>:<YYYY-MM>". The key makes the run
// idempotent: a second run in the same month, or two runs at once, write the entry once (the ledger's unique key;
// the loser's insert is a no-op). Running hourly rather than once on the 1st means a worker that was down at
// midnight still charges the month when it comes back.
//
// The first month: a number's purchase charge (its setup price, paid when the order completes) covers the
// month it was bought in, so rental starts with the first calendar month that begins after the purchase. A
// number bought on 30 November is first rented for December; one bought on 1 December for January.
//
// Rental is owed whatever the balance: it may take a ledger below zero (purchases then get 402 until credits
// are added), which is why it never checks or locks the balance as purchases do.
import type { Logger } from '../../core/logger';
import type { Database } from '../../db/connection';
import { addCreditEntry, ledgerAccountOf } from '../../db/repositories/credit-ledger';
import { numbersDueForRental, rentalEntryKey, type RentedNumber } from '../../db/repositories/number-rental';

const PAGE = 500;

export interface RentalRun {
  /** The month charged, "YYYY-MM" (UTC). */
  month: string;
  /** Entries this run wrote (a concurrent run may have written some of the month's others). */
  charged: number;
  chargedCents: number;
}

/** The calendar month (UTC) `now` falls in, and the instant it began. */
export function rentalMonth(now: Date): { month: string; start: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { month: start.toISOString().slice(0, 7), start };
}

async function charge(db: Database, number: RentedNumber, month: string): Promise<boolean> {
  // A subaccount's numbers are paid from its organization's credits.
  const ledgerAccountId = await ledgerAccountOf(db, number.accountId);
  if (ledgerAccountId === undefined) return false;
  return addCreditEntry(db, {
    ledgerAccountId,
    kind: 'rental',
    amountCents: -number.monthlyPriceCents,
    entryKey: rentalEntryKey(number.id, month),
    numberId: number.id,
    spentInAccountId: number.accountId,
    note: `Monthly rental ${month}`,
  });
}

/** Charges the month of `now` for every number due; `now` is the job's clock (a test names another month). */
export async function chargeMonthlyRental(deps: { db: Database; logger: Logger }, now: Date = new Date()): Promise<RentalRun> {
  const { month, start } = rentalMonth(now);
  const run: RentalRun = { month, charged: 0, chargedCents: 0 };
  let afterId = 0;
  for (;;) {
    const due = await numbersDueForRental(deps.db, month, start, afterId, PAGE);
    for (const number of due) {
      if (await charge(deps.db, number, month)) {
        run.charged += 1;
        run.chargedCents += number.monthlyPriceCents;
      }
    }
    const last = due.at(-1);
    if (!last || due.length < PAGE) break;
    afterId = last.id;
  }
  if (run.charged > 0) deps.logger.info('monthly rental charged', { ...run });
  return run;
}
