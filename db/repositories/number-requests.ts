// Number requests (issue 10): a user's request for a phone number (location, capabilities, a note) and how an
// admin resolved it. A request leaves 'open' once, by a conditional update: whoever changes it first wins, and
// a second resolver's update matches no row. Also the account's numbers a request may be given (candidates).
// A request resolved by a purchase waits in 'purchasing' until the purchase job settles it (settlePurchasingRequest).
import type { NumberCapabilities } from '../../core/number-providers/provider';
import type { NumberState } from '../../core/numbers';
import type { Queryable } from '../connection';
import { capabilitiesOf, type NumberPlaceRow } from './phone-numbers';

export const NUMBER_REQUEST_STATES = ['open', 'purchasing', 'fulfilled', 'rejected', 'cancelled'] as const;
export type NumberRequestState = (typeof NUMBER_REQUEST_STATES)[number];
export const NUMBER_REQUEST_RESOLUTIONS = ['purchased', 'assigned', 'rejected'] as const;
export type NumberRequestResolution = (typeof NUMBER_REQUEST_RESOLUTIONS)[number];

export interface RequestLocation {
  country: string;
  region: string | null;
  locality: string | null;
}

export interface NumberRequestRecord extends RequestLocation {
  id: number;
  accountId: number;
  requesterUserId: number;
  areaCode: string | null;
  capabilities: NumberCapabilities;
  note: string | null;
  state: NumberRequestState;
  resolution: NumberRequestResolution | null;
  /** The number bought or assigned for the request, with its state now (a bought one is 'purchasing' until
   *  the provider's order completes, then 'active'; a refused one leaves the request, which is open again). */
  number: { id: number; number: string; state: NumberState } | null;
  /** The last purchase for the request that failed (the request went back to 'open'); null if none did.
   *  reason is the provider's explanation (null where the reader may not see it). */
  lastFailure: { number: string | null; reason: string | null; at: string } | null;
  reason: string | null;
  resolvedBy: number | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewNumberRequest extends RequestLocation {
  areaCode: string | null;
  capabilities: NumberCapabilities;
  note: string | null;
}

interface RequestRow {
  id: number | string;
  account_id: number | string;
  requester_user_id: number | string;
  country: string;
  region: string | null;
  locality: string | null;
  area_code: string | null;
  voice: number | boolean;
  sms: number | boolean;
  fax: number | boolean;
  note: string | null;
  state: NumberRequestState;
  resolution: NumberRequestResolution | null;
  number_id: number | string | null;
  number: string | null;
  number_state: NumberState | null;
  reason: string | null;
  resolved_by: number | string | null;
  resolved_at: Date | string | null;
  last_failure: string | null;
  last_failure_number: string | null;
  last_failure_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = [
  'r.id', 'r.account_id', 'r.requester_user_id', 'r.country', 'r.region', 'r.locality', 'r.area_code', 'r.voice', 'r.sms', 'r.fax', 'r.note',
  'r.state', 'r.resolution', 'r.number_id', 'n.number as number', 'n.state as number_state', 'r.reason', 'r.resolved_by', 'r.resolved_at',
  'r.last_failure', 'r.last_failure_number', 'r.last_failure_at', 'r.created_at', 'r.updated_at',
];

const optionalId = (value: number | string | null): number | null => (value === null ? null : Number(value));
const isoTime = (value: Date | string): string => new Date(value).toISOString();

function toRequest(row: RequestRow): NumberRequestRecord {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    requesterUserId: Number(row.requester_user_id),
    country: row.country,
    region: row.region,
    locality: row.locality,
    areaCode: row.area_code,
    capabilities: { voice: Boolean(row.voice), sms: Boolean(row.sms), fax: Boolean(row.fax) },
    note: row.note,
    state: row.state,
    resolution: row.resolution,
    number: row.number_id === null || row.number === null || row.number_state === null
      ? null
      : { id: Number(row.number_id), number: row.number, state: row.number_state },
    reason: row.reason,
    resolvedBy: optionalId(row.resolved_by),
    resolvedAt: row.resolved_at === null ? null : isoTime(row.resolved_at),
    lastFailure: row.last_failure === null || row.last_failure_at === null
      ? null
      : { number: row.last_failure_number, reason: row.last_failure, at: isoTime(row.last_failure_at) },
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

function requests(db: Queryable) {
  return db('number_requests as r').leftJoin('phone_numbers as n', 'n.id', 'r.number_id');
}

export async function insertNumberRequest(db: Queryable, accountId: number, requesterUserId: number, request: NewNumberRequest): Promise<number> {
  const [id] = await db('number_requests').insert({
    account_id: accountId, requester_user_id: requesterUserId, country: request.country, region: request.region, locality: request.locality,
    area_code: request.areaCode, voice: request.capabilities.voice, sms: request.capabilities.sms, fax: request.capabilities.fax, note: request.note,
  });
  return Number(id);
}

export async function findNumberRequest(db: Queryable, accountId: number, requestId: number): Promise<NumberRequestRecord | undefined> {
  const row = (await requests(db).where({ 'r.id': requestId, 'r.account_id': accountId }).first(COLUMNS)) as RequestRow | undefined;
  return row ? toRequest(row) : undefined;
}

export interface NumberRequestFilter {
  requesterUserId?: number;
  state?: NumberRequestState;
  /** Requests older than this one (the previous page's last id). */
  beforeId?: number;
  limit: number;
}

/** The account's requests, newest first. */
export async function listNumberRequests(db: Queryable, accountId: number, filter: NumberRequestFilter): Promise<NumberRequestRecord[]> {
  const query = requests(db).where('r.account_id', accountId);
  if (filter.requesterUserId !== undefined) query.andWhere('r.requester_user_id', filter.requesterUserId);
  if (filter.state !== undefined) query.andWhere('r.state', filter.state);
  if (filter.beforeId !== undefined) query.andWhere('r.id', '<', filter.beforeId);
  const rows = (await query.orderBy('r.id', 'desc').limit(filter.limit).select(COLUMNS)) as RequestRow[];
  return rows.map(toRequest);
}

export type RequestClosing =
  | { state: 'cancelled'; requesterUserId: number }
  | { state: 'fulfilled'; resolution: 'assigned'; resolvedBy: number }
  // A purchase is settled by its job: fulfilled once the number is bought, open again if it is refused.
  | { state: 'purchasing'; resolution: 'purchased'; resolvedBy: number }
  | { state: 'rejected'; resolution: 'rejected'; reason: string; resolvedBy: number };

/**
 * Moves an open request to its outcome, only if it is still open (and, for a cancellation, only the
 * requester's own). Returns false when another writer got there first: under InnoDB the update waits for a
 * concurrent resolver's row lock and then sees its committed state, so exactly one of them matches.
 */
export async function closeOpenRequest(db: Queryable, requestId: number, closing: RequestClosing): Promise<boolean> {
  const query = db('number_requests').where({ id: requestId, state: 'open' });
  const change: Record<string, unknown> = { state: closing.state, updated_at: db.fn.now() };
  if (closing.state === 'cancelled') {
    query.andWhere({ requester_user_id: closing.requesterUserId });
  } else {
    Object.assign(change, { resolution: closing.resolution, resolved_by: closing.resolvedBy, resolved_at: db.fn.now() });
    if (closing.state === 'rejected') change.reason = closing.reason;
  }
  return (await query.update(change)) === 1;
}

/** The request's state as last committed (a locking read: a plain one in a transaction sees its snapshot). */
export async function lockedRequestState(db: Queryable, requestId: number): Promise<NumberRequestState | undefined> {
  const row = (await db('number_requests').where({ id: requestId }).forUpdate().first('state')) as { state: NumberRequestState } | undefined;
  return row?.state;
}

/** How a purchase for a request ended: bought (the request is fulfilled), or refused for good (open again). */
export type PurchaseSettlement = { outcome: 'live' } | { outcome: 'failed'; number: string; reason: string };

/**
 * Settles the request waiting on this number's purchase, if one is (a purchase not made for a request has
 * none): 'fulfilled', or back to 'open' with the failure noted and the resolution cleared, so an admin can
 * resolve it again. Called in the purchase job's final transaction, after the order's row moved (which
 * serializes two runs of one job); the conditional update moves a request once. Returns the request's id.
 */
export async function settlePurchasingRequest(db: Queryable, numberId: number, settlement: PurchaseSettlement): Promise<number | undefined> {
  const row = (await db('number_requests').where({ number_id: numberId, state: 'purchasing' }).forUpdate().first('id')) as { id: number | string } | undefined;
  if (!row) return undefined;
  const change: Record<string, unknown> = settlement.outcome === 'live'
    ? { state: 'fulfilled' }
    : {
      state: 'open', resolution: null, resolved_by: null, resolved_at: null, number_id: null,
      last_failure: settlement.reason.slice(0, 500), last_failure_number: settlement.number, last_failure_at: db.fn.now(),
    };
  const moved = await db('number_requests').where({ id: row.id, state: 'purchasing' }).update({ ...change, updated_at: db.fn.now() });
  return moved === 1 ? Number(row.id) : undefined;
}

/** Records the number a resolution gave: set once the request is won and the number checked (or bought). */
export async function setRequestNumber(db: Queryable, requestId: number, numberId: number): Promise<void> {
  await db('number_requests').where({ id: requestId }).update({ number_id: numberId, updated_at: db.fn.now() });
}

export interface CandidateNumber extends Omit<RequestLocation, 'country'> {
  id: number;
  number: string;
  country: string | null;
  capabilities: NumberCapabilities;
  label: string | null;
  sharing: string;
  trunk: string | null;
}

export interface CandidateFilter {
  /** undefined: any. */
  country?: string;
  region?: string;
  locality?: string;
  /** The capabilities the number must have (each one asked for). */
  capabilities: NumberCapabilities;
  limit: number;
}

interface CandidateRow extends NumberPlaceRow {
  id: number | string;
  label: string | null;
  sharing: string;
  trunk: string | null;
}

/** "Available for a request": an active number of the account that no one owns. */
function availableNumbers(db: Queryable, accountId: number) {
  return db('phone_numbers as p').where({ 'p.account_id': accountId, 'p.state': 'active' }).whereNull('p.owner_user_id');
}

/** The account's available numbers in a location (MariaDB's default collation compares case-insensitively). */
export async function listCandidateNumbers(db: Queryable, accountId: number, filter: CandidateFilter): Promise<CandidateNumber[]> {
  const query = availableNumbers(db, accountId).leftJoin('trunks as t', 't.id', 'p.trunk_id');
  if (filter.country !== undefined) query.andWhere('p.country', filter.country);
  if (filter.region !== undefined) query.andWhere('p.region', filter.region);
  if (filter.locality !== undefined) query.andWhere('p.locality', filter.locality);
  for (const capability of ['voice', 'sms', 'fax'] as const) if (filter.capabilities[capability]) query.andWhere(`p.${capability}`, true);
  const rows = (await query.orderBy('p.number').limit(filter.limit)
    .select('p.id', 'p.number', 'p.country', 'p.region', 'p.locality', 'p.voice', 'p.sms', 'p.fax', 'p.label', 'p.sharing', 't.name as trunk')) as CandidateRow[];
  return rows.map((row) => ({
    id: Number(row.id), number: row.number, country: row.country, region: row.region, locality: row.locality,
    capabilities: capabilitiesOf(row), label: row.label, sharing: row.sharing, trunk: row.trunk,
  }));
}

export interface RequestMailing {
  request: NumberRequestRecord;
  email: string;
  fullName: string;
  accountName: string;
  notifiedAt: Date | null;
}

/** What the outcome email needs: the request, its requester's address and the account's name. */
export async function findRequestMailing(db: Queryable, requestId: number): Promise<RequestMailing | undefined> {
  const row = (await requests(db)
    .join('users as u', 'u.id', 'r.requester_user_id')
    .join('accounts as a', 'a.id', 'r.account_id')
    .where('r.id', requestId)
    .first([...COLUMNS, 'u.email', 'u.full_name', 'a.name as account_name', 'r.notified_at'])) as
    (RequestRow & { email: string; full_name: string; account_name: string; notified_at: Date | string | null }) | undefined;
  if (!row) return undefined;
  return {
    request: toRequest(row), email: row.email, fullName: row.full_name, accountName: row.account_name,
    notifiedAt: row.notified_at === null ? null : new Date(row.notified_at),
  };
}

export async function markRequestNotified(db: Queryable, requestId: number): Promise<void> {
  await db('number_requests').where({ id: requestId }).whereNull('notified_at').update({ notified_at: db.fn.now() });
}
