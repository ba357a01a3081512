// Orders at providers (number_orders) and the number rows they move through their life cycle: a purchase
// inserts a number (or claims a static-pool row), its job records what the provider answered and activates
// it or marks it failed; a release gives it back. Each write is conditional on the state it leaves, so a job
// run twice moves a row once.
import { STATIC_POOL, type NumberSharing, type NumberState, type PhoneNumberRecord } from '../../core/numbers';
import type { Queryable } from '../connection';

export type OrderKind = 'purchase' | 'release';
export type OrderState = 'pending' | 'ordered' | 'completed' | 'failed';

export interface NumberOrder {
  id: number;
  accountId: number;
  ledgerAccountId: number;
  numberId: number;
  kind: OrderKind;
  state: OrderState;
  priceCents: number;
  requestedBy: number | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

interface OrderRow {
  id: number | string;
  account_id: number | string;
  ledger_account_id: number | string;
  number_id: number | string;
  kind: OrderKind;
  state: OrderState;
  price_cents: number | string;
  requested_by: number | string | null;
  error: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const isoTime = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

function toOrder(row: OrderRow): NumberOrder {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    ledgerAccountId: Number(row.ledger_account_id),
    numberId: Number(row.number_id),
    kind: row.kind,
    state: row.state,
    priceCents: Number(row.price_cents),
    requestedBy: row.requested_by === null ? null : Number(row.requested_by),
    error: row.error,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

export interface NewOrder {
  accountId: number;
  ledgerAccountId: number;
  numberId: number;
  kind: OrderKind;
  priceCents: number;
  requestedBy: number | null;
}

export async function insertOrder(db: Queryable, order: NewOrder): Promise<number> {
  const [id] = await db('number_orders').insert({
    account_id: order.accountId, ledger_account_id: order.ledgerAccountId, number_id: order.numberId, kind: order.kind,
    state: 'pending', price_cents: order.priceCents, requested_by: order.requestedBy,
  });
  return Number(id);
}

export async function findOrder(db: Queryable, orderId: number): Promise<NumberOrder | undefined> {
  const row = (await db('number_orders').where({ id: orderId }).first()) as OrderRow | undefined;
  return row && toOrder(row);
}

/** An order of the account, or undefined when unknown or another account's. */
export async function findOrderOfAccount(db: Queryable, accountId: number, orderId: number): Promise<NumberOrder | undefined> {
  const row = (await db('number_orders').where({ id: orderId, account_id: accountId }).first()) as OrderRow | undefined;
  return row && toOrder(row);
}

/** Moves the order to `state` if it is in one of `from`; true when it moved. */
export async function moveOrder(db: Queryable, orderId: number, from: OrderState[], state: OrderState, error: string | null = null): Promise<boolean> {
  const changed = await db('number_orders').where({ id: orderId }).whereIn('state', from)
    .update({ state, error: error === null ? null : error.slice(0, 500), updated_at: db.fn.now() });
  return changed > 0;
}

/** What the order jobs need of a number. */
export interface OrderedNumber {
  id: number;
  number: string;
  trunkId: number | null;
  accountId: number | null;
  provider: string;
  providerRef: string | null;
  state: NumberState;
}

export async function findOrderedNumber(db: Queryable, numberId: number): Promise<OrderedNumber | undefined> {
  const row = (await db('phone_numbers').where({ id: numberId }).first('id', 'number', 'trunk_id', 'account_id', 'provider', 'provider_ref', 'state')) as
    { id: number | string; number: string; trunk_id: number | string | null; account_id: number | string | null; provider: string; provider_ref: string | null; state: NumberState } | undefined;
  if (!row) return undefined;
  return {
    id: Number(row.id), number: row.number, trunkId: row.trunk_id === null ? null : Number(row.trunk_id),
    accountId: row.account_id === null ? null : Number(row.account_id), provider: row.provider, providerRef: row.provider_ref, state: row.state,
  };
}

/** The row holding the number now (any state but released or failed), whoever holds it. */
export async function findLiveNumber(db: Queryable, number: string): Promise<{ id: number; accountId: number | null; trunkId: number | null; provider: string } | undefined> {
  const row = (await db('phone_numbers').where({ live_number: number }).first('id', 'account_id', 'trunk_id', 'provider')) as
    { id: number | string; account_id: number | string | null; trunk_id: number | string | null; provider: string } | undefined;
  return row && { id: Number(row.id), accountId: row.account_id === null ? null : Number(row.account_id), trunkId: row.trunk_id === null ? null : Number(row.trunk_id), provider: row.provider };
}

/** Which of these numbers a row holds now (any account, or a pool); with `api`, only rows of that provider api. */
export async function liveNumbersAmong(db: Queryable, numbers: string[], options: { api?: string } = {}): Promise<Set<string>> {
  const live = new Set<string>();
  // In chunks: a provider's whole list (reconciliation) may hold thousands.
  for (let start = 0; start < numbers.length; start += 500) {
    const query = db('phone_numbers').whereIn('live_number', numbers.slice(start, start + 500));
    if (options.api !== undefined) query.andWhere({ provider: options.api });
    for (const number of (await query.pluck('live_number')) as string[]) live.add(number);
  }
  return live;
}

/** Of these numbers, those active in the inventory. */
export async function activeNumbersAmong(db: Queryable, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  return new Set((await db('phone_numbers').where({ state: 'active' }).whereIn('number', numbers).pluck('number')) as string[]);
}

export interface NumberCheckout {
  accountId: number;
  ownerUserId: number | null;
  label: string | null;
  sharing: NumberSharing;
  monthlyPriceCents: number;
}

/** Where a number is and what it can do, as its row records them. */
export type NumberPlace = Pick<PhoneNumberRecord, 'country' | 'region' | 'locality' | 'capabilities'>;

/** A number bought at a provider API: a new row, state purchasing. Throws ER_DUP_ENTRY when the number is live
 *  elsewhere (phone_numbers.live_number is unique): the caller turns that into its 409. */
export async function insertPurchasingNumber(db: Queryable, number: { trunkId: number; number: string; provider: string; place: NumberPlace } & NumberCheckout): Promise<number> {
  const { country, region, locality, capabilities } = number.place;
  const [id] = await db('phone_numbers').insert({
    trunk_id: number.trunkId, number: number.number, country, region, locality, ...capabilities, provider: number.provider, account_id: number.accountId,
    owner_user_id: number.ownerUserId, label: number.label, sharing: number.sharing, monthly_price_cents: number.monthlyPriceCents, state: 'purchasing',
  });
  return Number(id);
}

/** Claims an unassigned static-pool row of the trunk for the account: one conditional update, so of two
 *  concurrent claims exactly one wins. The row's id, or undefined when the number is not free in the pool. */
export async function claimPoolNumber(db: Queryable, trunkId: number, number: string, checkout: NumberCheckout): Promise<number | undefined> {
  const free = { trunk_id: trunkId, number, provider: STATIC_POOL, state: 'active' };
  const changed = await db('phone_numbers').where(free).whereNull('account_id').update({
    account_id: checkout.accountId, owner_user_id: checkout.ownerUserId, label: checkout.label, sharing: checkout.sharing,
    monthly_price_cents: checkout.monthlyPriceCents, state: 'purchasing', updated_at: db.fn.now(),
  });
  if (changed === 0) return undefined;
  const row = (await db('phone_numbers').where({ trunk_id: trunkId, number, account_id: checkout.accountId, state: 'purchasing' }).first('id')) as { id: number | string } | undefined;
  return row ? Number(row.id) : undefined;
}

export async function setProviderRef(db: Queryable, numberId: number, providerRef: string): Promise<void> {
  await db('phone_numbers').where({ id: numberId }).update({ provider_ref: providerRef, updated_at: db.fn.now() });
}

/** Moves the number to `state` if it is in one of `from`; true when it moved. */
export async function moveNumber(db: Queryable, numberId: number, from: NumberState[], state: NumberState): Promise<boolean> {
  const changed = await db('phone_numbers').where({ id: numberId }).whereIn('state', from)
    .update({ state, ...(state === 'released' ? { released_at: db.fn.now() } : {}), updated_at: db.fn.now() });
  return changed > 0;
}

/** A static-pool row goes back to the pool: no account, owner or label, state active (the trunk file still
 *  lists it). Shares and routes are the caller's to clear. */
export async function returnToPool(db: Queryable, numberId: number): Promise<void> {
  await db('phone_numbers').where({ id: numberId, provider: STATIC_POOL }).update({
    account_id: null, owner_user_id: null, label: null, extension: null, sharing: 'account', state: 'active', updated_at: db.fn.now(),
  });
}

/** Orders not finished yet (pending or ordered), oldest first: what a starting worker, and every minute the
 *  resume job, makes sure has a job. With `olderThanSeconds`, only orders placed at least that long ago (by the
 *  database's clock, which wrote created_at). */
export async function listOpenOrders(db: Queryable, options: { olderThanSeconds?: number } = {}): Promise<{ id: number; kind: OrderKind }[]> {
  const query = db('number_orders').whereIn('state', ['pending', 'ordered']).orderBy('id').select('id', 'kind');
  if (options.olderThanSeconds !== undefined) query.andWhere('created_at', '<=', db.raw('NOW() - INTERVAL ? SECOND', [options.olderThanSeconds]));
  const rows = (await query) as { id: number | string; kind: OrderKind }[];
  return rows.map((row) => ({ id: Number(row.id), kind: row.kind }));
}

/** Purchase orders counted by state, across every account (the provisioning benchmark's progress). */
export async function purchaseOrderStates(db: Queryable): Promise<Record<string, number>> {
  const rows = (await db('number_orders').where({ kind: 'purchase' }).groupBy('state').select('state', db.raw('COUNT(*) AS count'))) as { state: string; count: number | string }[];
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}

/** What the completed purchase orders cost, across every account. */
export async function completedPurchasesCost(db: Queryable): Promise<number> {
  const row = (await db('number_orders').where({ kind: 'purchase', state: 'completed' }).first(db.raw('COALESCE(SUM(price_cents), 0) AS total'))) as { total: number | string };
  return Number(row.total);
}
