// Call records and their legs: written by the ARI app's one recorder (ari-app/calls/records.ts), read by the
// admin API's calls domain. Times are UTC with milliseconds; durations are computed here, from the stored times,
// so a call adopted after a restart gets the same figures as one that never left memory.
import type { Knex } from 'knex';
import { parseJson, type Queryable } from '../connection';

export type CallDirection = 'internal' | 'inbound' | 'outbound';
export type CallOutcome = 'answered' | 'busy' | 'no_answer' | 'failed' | 'refused';
export const CALL_DIRECTIONS: readonly CallDirection[] = ['internal', 'inbound', 'outbound'];
export const CALL_OUTCOMES: readonly CallOutcome[] = ['answered', 'busy', 'no_answer', 'failed', 'refused'];

/** One step of the destination path, stored as JSON (the ARI app's PathStep narrows it). */
export type CallPathStep = { type: string } & Record<string, unknown>;

/** Who called whom, through what: what a call record says from its start. */
interface CallParties {
  id: string;
  accountId: number;
  direction: CallDirection;
  fromNumber: string;
  fromName: string | null;
  fromUserId: number | null;
  toNumber: string;
  did: string | null;
  trunk: string | null;
}

export interface NewCallRecord extends CallParties {
  /** fromUserId: the caller's user when known; else read from the calling device (fromEndpointId). */
  fromEndpointId: string | null;
  channelId: string;
  startedAt: Date;
  path: CallPathStep[];
}

export interface NewLeg {
  channelId: string;
  kind: 'device' | 'external';
  /** The leg's user when known; else read from the device (endpointId). */
  userId: number | null;
  endpointId: string | null;
  number: string | null;
  trunk: string | null;
  startedAt: Date;
}

export interface CallLegRecord extends Omit<NewLeg, 'startedAt'> {
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  outcome: string | null;
  hangupCause: number | null;
}

export interface CallRecord extends CallParties {
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  outcome: CallOutcome | null;
  outcomeReason: string | null;
  answeredByUserId: number | null;
  answeredByNumber: string | null;
  path: CallPathStep[];
  ringSeconds: number | null;
  talkSeconds: number | null;
}

const userOfDevice = (db: Queryable, endpointId: string | null): Knex.QueryBuilder | null =>
  endpointId ? db('devices').select('user_id').where({ endpoint_id: endpointId }).limit(1) : null;

export async function insertCallRecord(db: Queryable, record: NewCallRecord): Promise<void> {
  await db('call_records').insert({
    id: record.id,
    account_id: record.accountId,
    direction: record.direction,
    from_number: record.fromNumber.slice(0, 40),
    from_name: record.fromName?.slice(0, 80) || null,
    from_user_id: record.fromUserId ?? userOfDevice(db, record.fromEndpointId),
    to_number: record.toNumber.slice(0, 40),
    did: record.did,
    trunk: record.trunk,
    channel_id: record.channelId,
    started_at: record.startedAt,
    path: JSON.stringify(record.path),
  });
}

export async function insertLeg(db: Queryable, callId: string, leg: NewLeg): Promise<void> {
  await db('call_record_legs').insert({
    call_id: callId,
    channel_id: leg.channelId,
    kind: leg.kind,
    user_id: leg.userId ?? userOfDevice(db, leg.endpointId),
    endpoint_id: leg.endpointId,
    number: leg.number,
    trunk: leg.trunk,
    started_at: leg.startedAt,
  });
}

export async function markLegAnswered(db: Queryable, callId: string, channelId: string, at: Date): Promise<void> {
  await db('call_record_legs').where({ call_id: callId, channel_id: channelId }).whereNull('answered_at').update({ answered_at: at });
}

export async function endLeg(db: Queryable, callId: string, channelId: string, at: Date, outcome: string, hangupCause: number | null): Promise<void> {
  await db('call_record_legs').where({ call_id: callId, channel_id: channelId }).update({ ended_at: at, outcome, hangup_cause: hangupCause });
}

export async function appendPathStep(db: Queryable, callId: string, step: CallPathStep): Promise<void> {
  await db('call_records').where({ id: callId }).update({ path: db.raw("JSON_ARRAY_APPEND(path, '$', JSON_EXTRACT(?, '$'))", [JSON.stringify(step)]) });
}

/** Who answered: a user and number given by the flow, else the user of the answering leg's device. */
export async function markCallAnswered(db: Queryable, callId: string, at: Date, by: { channelId: string | null; userId: number | null; number: string | null }): Promise<void> {
  const legUser = by.channelId ? db('call_record_legs').select('user_id').where({ call_id: callId, channel_id: by.channelId }).limit(1) : null;
  await db('call_records').where({ id: callId }).update({
    answered_at: at,
    answered_by_user_id: by.userId ?? legUser,
    answered_by_number: by.number?.slice(0, 40) ?? null,
  });
}

/** Ends the record and every leg still open. `onlyIfOpen`: a sweep must never overwrite a real ending. */
export async function endCall(db: Queryable, callId: string, at: Date, outcome: CallOutcome, reason: string | null, options: { onlyIfOpen?: boolean } = {}): Promise<void> {
  const query = db('call_records').where({ id: callId });
  if (options.onlyIfOpen) query.whereNull('ended_at');
  await query.update({
    ended_at: at,
    outcome,
    outcome_reason: reason?.slice(0, 120) ?? null,
    ring_seconds: db.raw('GREATEST(0, ROUND(TIMESTAMPDIFF(MICROSECOND, started_at, COALESCE(answered_at, ?)) / 1000000))', [at]),
    talk_seconds: db.raw('IF(answered_at IS NULL, 0, GREATEST(0, ROUND(TIMESTAMPDIFF(MICROSECOND, answered_at, ?) / 1000000)))', [at]),
  });
  await db('call_record_legs').where({ call_id: callId }).whereNull('ended_at')
    .update({ ended_at: at, outcome: db.raw("IF(answered_at IS NULL, 'cancelled', 'answered')") });
}

/** Records never ended that started before `before` (oldest first), with the caller channel that owned them. */
export async function findOpenCallRecords(db: Queryable, before: Date, limit = 500): Promise<{ id: string; channelId: string }[]> {
  const rows = (await db('call_records').whereNull('ended_at').andWhere('started_at', '<', before).orderBy('started_at').limit(limit)
    .select('id', 'channel_id')) as { id: string; channel_id: string }[];
  return rows.map((row) => ({ id: row.id, channelId: row.channel_id }));
}

export interface CallRecordFilter {
  /** One account, or (for a user's own calls) every account where the user is an active member. */
  accountId?: number;
  activeMemberUserId?: number;
  /** Only calls made, answered or missed by one of these users (visibility); undefined: no restriction. */
  involvingAnyOf?: number[];
  /** Only calls made, answered or missed by this user (the userId filter). */
  involving?: number;
  from?: Date;
  to?: Date;
  number?: string;
  direction?: CallDirection;
  outcome?: CallOutcome;
}

export interface CallPage {
  /** The last row of the previous page: rows strictly after it in (started_at DESC, id DESC) order. */
  after?: { startedAt: Date; id: string };
  limit: number;
}

function applyFilter(query: Knex.QueryBuilder, filter: CallRecordFilter, db: Queryable): void {
  if (filter.accountId !== undefined) query.where('account_id', filter.accountId);
  if (filter.activeMemberUserId !== undefined) {
    query.whereIn('account_id', db('memberships').select('account_id').where({ user_id: filter.activeMemberUserId, status: 'active' }));
  }
  // A user's calls: made, answered, or rung and missed (a leg rang one of their devices).
  const involving = (ids: number[]) => (q: Knex.QueryBuilder) =>
    void q.whereIn('from_user_id', ids).orWhereIn('answered_by_user_id', ids).orWhereIn('id', db('call_record_legs').select('call_id').whereIn('user_id', ids));
  if (filter.involvingAnyOf !== undefined) query.where(involving(filter.involvingAnyOf));
  if (filter.involving !== undefined) query.where(involving([filter.involving]));
  if (filter.from) query.where('started_at', '>=', filter.from);
  if (filter.to) query.where('started_at', '<', filter.to);
  if (filter.direction) query.where('direction', filter.direction);
  if (filter.outcome) query.where('outcome', filter.outcome);
  if (filter.number) {
    const number = filter.number;
    query.where((q) => void q.where('from_number', number).orWhere('to_number', number).orWhere('did', number).orWhere('answered_by_number', number));
  }
}

interface CallRow {
  id: string; account_id: number | string; direction: CallDirection; from_number: string; from_name: string | null; from_user_id: number | string | null;
  to_number: string; did: string | null; trunk: string | null; started_at: Date; answered_at: Date | null; ended_at: Date | null;
  outcome: CallOutcome | null; outcome_reason: string | null; answered_by_user_id: number | string | null; answered_by_number: string | null;
  path: unknown; ring_seconds: number | null; talk_seconds: number | null;
}

const idOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));
const isoOrNull = (value: Date | null): string | null => (value === null ? null : value.toISOString());

function callRecord(row: CallRow): CallRecord {
  return {
    id: row.id, accountId: Number(row.account_id), direction: row.direction,
    fromNumber: row.from_number, fromName: row.from_name, fromUserId: idOrNull(row.from_user_id),
    toNumber: row.to_number, did: row.did, trunk: row.trunk,
    startedAt: row.started_at.toISOString(), answeredAt: isoOrNull(row.answered_at), endedAt: isoOrNull(row.ended_at),
    outcome: row.outcome, outcomeReason: row.outcome_reason,
    answeredByUserId: idOrNull(row.answered_by_user_id), answeredByNumber: row.answered_by_number,
    path: parseJson<CallPathStep[]>(row.path), ringSeconds: row.ring_seconds, talkSeconds: row.talk_seconds,
  };
}

/** A page of records, newest first. */
export async function listCallRecords(db: Queryable, filter: CallRecordFilter, page: CallPage): Promise<CallRecord[]> {
  const query = db('call_records').select(
    'id', 'account_id', 'direction', 'from_number', 'from_name', 'from_user_id', 'to_number', 'did', 'trunk', 'started_at', 'answered_at', 'ended_at',
    'outcome', 'outcome_reason', 'answered_by_user_id', 'answered_by_number', 'path', 'ring_seconds', 'talk_seconds',
  );
  applyFilter(query, filter, db);
  const after = page.after;
  if (after) query.where((q) => void q.where('started_at', '<', after.startedAt).orWhere((tie) => void tie.where('started_at', after.startedAt).andWhere('id', '<', after.id)));
  const rows = (await query.orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(page.limit)) as CallRow[];
  return rows.map(callRecord);
}

interface LegRow {
  call_id: string; channel_id: string; kind: 'device' | 'external'; user_id: number | string | null; endpoint_id: string | null; number: string | null;
  trunk: string | null; started_at: Date; answered_at: Date | null; ended_at: Date | null; outcome: string | null; hangup_cause: number | null;
}

/** The legs of these calls, in the order they were rung. */
export async function listLegs(db: Queryable, callIds: string[]): Promise<Map<string, CallLegRecord[]>> {
  const byCall = new Map<string, CallLegRecord[]>(callIds.map((id) => [id, []]));
  if (callIds.length === 0) return byCall;
  const rows = (await db('call_record_legs').whereIn('call_id', callIds).orderBy('id')) as LegRow[];
  for (const row of rows) {
    byCall.get(row.call_id)?.push({
      channelId: row.channel_id, kind: row.kind, userId: idOrNull(row.user_id), endpointId: row.endpoint_id, number: row.number, trunk: row.trunk,
      startedAt: row.started_at.toISOString(), answeredAt: isoOrNull(row.answered_at), endedAt: isoOrNull(row.ended_at),
      outcome: row.outcome, hangupCause: row.hangup_cause,
    });
  }
  return byCall;
}

/** Users in the groups this user manages in the account: whose calls a group manager sees. */
export async function usersManagedBy(db: Queryable, accountId: number, managerUserId: number): Promise<number[]> {
  const rows = (await db('user_group_members as m').join('user_groups as g', 'g.id', 'm.group_id')
    .where({ 'g.account_id': accountId, 'g.manager_user_id': managerUserId }).distinct('m.user_id')) as { user_id: number | string }[];
  return rows.map((row) => Number(row.user_id));
}
