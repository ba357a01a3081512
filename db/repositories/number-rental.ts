// The numbers the monthly rental run charges (jobs/numbers/rental.ts): active, priced, held by an account, in
// service since before the month began, and not charged for that month yet. Static-pool rows no account holds
// (a trunk file's spare numbers) have no account and so are never charged.
import type { Queryable } from '../connection';

export interface RentedNumber {
  id: number;
  accountId: number;
  monthlyPriceCents: number;
}

/** The ledger key of a number's rental for a month ("2026-11"): one entry per number and month. */
export function rentalEntryKey(numberId: number, month: string): string {
  return `rental:${numberId}:${month}`;
}

/**
 * One page (by id, after `afterId`) of numbers due for the month starting at `monthStart`. A number's service
 * starts when its latest purchase completed (a static-pool row can be bought again by another account), or
 * when its row was made if no purchase ever completed (a trunk file's number assigned to an account).
 */
export async function numbersDueForRental(db: Queryable, month: string, monthStart: Date, afterId: number, limit: number): Promise<RentedNumber[]> {
  const rows = (await db('phone_numbers as n')
    .where('n.state', 'active')
    .andWhere('n.monthly_price_cents', '>', 0)
    .whereNotNull('n.account_id')
    .andWhere('n.id', '>', afterId)
    .andWhere(db.raw(`COALESCE((SELECT MAX(o.updated_at) FROM number_orders o
      WHERE o.number_id = n.id AND o.kind = 'purchase' AND o.state = 'completed'), n.created_at) < ?`, [monthStart]))
    .whereNotExists(db('credit_entries as c').whereRaw('c.entry_key = CONCAT(?, n.id, ?)', ['rental:', `:${month}`]).select(db.raw('1')))
    .orderBy('n.id')
    .limit(limit)
    .select('n.id', 'n.account_id', 'n.monthly_price_cents')) as { id: number | string; account_id: number | string; monthly_price_cents: number | string }[];
  return rows.map((row) => ({ id: Number(row.id), accountId: Number(row.account_id), monthlyPriceCents: Number(row.monthly_price_cents) }));
}
