// The static pool (issue 10): the numbers a trunk lists, kept as phone_numbers rows (provider 'static-pool',
// the provider's reference being the number itself). A trunk is re-applied over and over, so its numbers are
// kept by number rather than rewritten: ids, owner, label, sharing, shares and routes set through the numbers
// API survive. A number whose account changes starts afresh in the new one; a number gone from the trunk is
// released (its row stays for the history, and the number may come back later as a new row).
import { destinationOf } from '../../core/dialing/countries';
import { STATIC_POOL } from '../../core/numbers';
import { insertInChunks, type Queryable } from '../connection';
import { detachNumbers } from './phone-numbers';
import type { TrunkNumber } from './trunk-rows';

export interface StaticPoolRow {
  id: number;
  number: string;
  accountId: number | null;
  extension: string | null;
}

/** The trunk's static-pool numbers that are held (not released), by number. */
export async function liveStaticPoolRows(db: Queryable, trunkId: number): Promise<StaticPoolRow[]> {
  const rows = (await db('phone_numbers')
    .where({ trunk_id: trunkId, provider: STATIC_POOL })
    .whereNotNull('live_number')
    .orderBy('number')
    .select('id', 'number', 'account_id', 'extension')) as { id: number | string; number: string; account_id: number | string | null; extension: string | null }[];
  return rows.map((row) => ({ id: Number(row.id), number: row.number, accountId: row.account_id === null ? null : Number(row.account_id), extension: row.extension }));
}

/** The numbers start afresh in their (new) account: no owner or label, shared with the whole account. */
async function resetOwnership(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await detachNumbers(db, ids);
  await db('phone_numbers').whereIn('id', ids).update({ owner_user_id: null, label: null, sharing: 'account', updated_at: db.fn.now() });
}

/** The numbers stop being ours: calls to them are no longer routed and the number is free for another row.
 *  Owner, label and account stay on the row, for the history. */
async function releaseNumbers(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await detachNumbers(db, ids);
  await db('phone_numbers').whereIn('id', ids).update({ state: 'released', released_at: db.fn.now(), updated_at: db.fn.now() });
}

function newRow(trunkId: number, entry: TrunkNumber, monthlyPriceCents: number): Record<string, unknown> {
  return {
    trunk_id: trunkId, number: entry.number, account_id: entry.account ?? null, extension: entry.extension ?? null,
    provider: STATIC_POOL, provider_ref: entry.number, state: 'active', sharing: 'account', monthly_price_cents: monthlyPriceCents,
    country: destinationOf(entry.number).country ?? null,
  };
}

/**
 * Makes the trunk's static pool what `numbers` says (the merged state: admin-api/trunks/static-pool.ts decided
 * each number's account and extension). Rows are matched by number: a kept one is updated in place (reset
 * first when its account changes), a new one inserted, a missing one released. Routes are written after, by
 * the caller (setTrunkNumberRoutes).
 */
export async function syncStaticPool(db: Queryable, trunkId: number, numbers: TrunkNumber[], monthlyPriceCents: number): Promise<void> {
  const rows = await liveStaticPoolRows(db, trunkId);
  const byNumber = new Map(rows.map((row) => [row.number, row]));
  const wanted = new Set(numbers.map((entry) => entry.number));
  await releaseNumbers(db, rows.filter((row) => !wanted.has(row.number)).map((row) => row.id));
  const fresh: Record<string, unknown>[] = [];
  const moved: number[] = [];
  for (const entry of numbers) {
    const row = byNumber.get(entry.number);
    if (!row) { fresh.push(newRow(trunkId, entry, monthlyPriceCents)); continue; }
    const accountId = entry.account ?? null;
    const extension = entry.extension ?? null;
    if (row.accountId !== accountId) moved.push(row.id);
    if (row.accountId !== accountId || row.extension !== extension) {
      await db('phone_numbers').where({ id: row.id }).update({ account_id: accountId, extension, updated_at: db.fn.now() });
    }
  }
  await resetOwnership(db, moved);
  await db('phone_numbers').where({ trunk_id: trunkId, provider: STATIC_POOL }).whereNotNull('live_number')
    .whereNot('monthly_price_cents', monthlyPriceCents).update({ monthly_price_cents: monthlyPriceCents, updated_at: db.fn.now() });
  await insertInChunks(db, 'phone_numbers', fresh);
}

/** The trunk goes: its static pool is released (numbers bought at its provider keep their rows, trunk NULL). */
export async function releaseStaticPool(db: Queryable, trunkId: number): Promise<void> {
  await releaseNumbers(db, (await liveStaticPoolRows(db, trunkId)).map((row) => row.id));
}
