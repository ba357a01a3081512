// Request shapes of the calls domain: the filters and the page of call records a reader asks for.
import { Type, type Static } from '@sinclair/typebox';
import { CALL_DIRECTIONS, CALL_OUTCOMES, type CallDirection, type CallOutcome } from '../../db/repositories/call-records';
import { ID_QUERY_SCHEMA } from '../http/ids';

export const CALLS_PAGE_DEFAULT_LIMIT = 50;

const callFilters = {
  /** Calls that started at or after this time (ISO 8601 with a zone, e.g. 2026-11-30T00:00:00Z). */
  from: Type.Optional(Type.String({ format: 'date-time' })),
  /** Calls that started before this time. */
  to: Type.Optional(Type.String({ format: 'date-time' })),
  /** A number the call came from, went to, arrived on (DID) or was answered at. */
  number: Type.Optional(Type.String({ pattern: '^\\+?[0-9*#]{1,20}$' })),
  // Plain enums (ajv then lists the allowed values), typed as the repository's unions.
  direction: Type.Optional(Type.Unsafe<CallDirection>({ type: 'string', enum: [...CALL_DIRECTIONS] })),
  outcome: Type.Optional(Type.Unsafe<CallOutcome>({ type: 'string', enum: [...CALL_OUTCOMES] })),
  /** The previous page's nextCursor. */
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
  /** 1 to 200 calls, written plainly (a query string carries text). */
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' })),
  /** csv: the same rows as CSV with a header line (as does Accept: text/csv). */
  format: Type.Optional(Type.Unsafe<'json' | 'csv'>({ type: 'string', enum: ['json', 'csv'] })),
};

export const accountCallsQuerySchema = Type.Object(
  { ...callFilters, /** Calls made or answered by this user. */ userId: Type.Optional(ID_QUERY_SCHEMA) },
  { additionalProperties: false },
);
export type AccountCallsQuery = Static<typeof accountCallsQuerySchema>;

export const myCallsQuerySchema = Type.Object(callFilters, { additionalProperties: false });
export type MyCallsQuery = Static<typeof myCallsQuerySchema>;

/** What the service takes: the query with its id parsed by the route table and its limit a number. */
export interface CallListInput {
  from?: string;
  to?: string;
  number?: string;
  direction?: CallDirection;
  outcome?: CallOutcome;
  userId?: number;
  cursor?: string;
  limit: number;
}
