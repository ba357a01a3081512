// Request shapes of the number-requests domain: a user's request for a number, the admins' filters, and the
// three ways an admin resolves a request (buy a new number, assign an existing one, reject with a reason).
import { Type, type Static } from '@sinclair/typebox';
import { NUMBER_REQUEST_STATES, type NumberRequestState } from '../../db/repositories/number-requests';
import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { singleLineText, SINGLE_LINE_PATTERN } from '../http/text-safety';
import { E164_PATTERN, TRUNK_NAME_PATTERN } from '../trunks/schemas';

/** ISO 3166-1 alpha-2, either case (stored upper-case). */
const COUNTRY = Type.String({ pattern: '^[A-Za-z]{2}$' });
const PAGE_LIMIT = Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' });
export const PAGE_DEFAULT_LIMIT = 50;

export const createRequestSchema = Type.Object({
  country: COUNTRY,
  /** A state or province (e.g. "IL"). */
  region: Type.Optional(singleLineText(80)),
  locality: Type.Optional(singleLineText(80)),
  areaCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,8}$' })),
  /** What the number must do; at least one of them. */
  capabilities: Type.Object({
    voice: Type.Optional(Type.Boolean()),
    sms: Type.Optional(Type.Boolean()),
    fax: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
  /** Free text for the admins: several lines allowed. */
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
}, { additionalProperties: false });
export type CreateRequestInput = Static<typeof createRequestSchema>;

export const listRequestsQuerySchema = Type.Object({
  state: Type.Optional(Type.Unsafe<NumberRequestState>({ type: 'string', enum: [...NUMBER_REQUEST_STATES] })),
  /** Admins only: one user's requests. */
  requesterUserId: Type.Optional(ID_QUERY_SCHEMA),
  /** The previous page's nextBeforeId: requests older than it. */
  beforeId: Type.Optional(ID_QUERY_SCHEMA),
  limit: Type.Optional(PAGE_LIMIT),
}, { additionalProperties: false });
export type ListRequestsQuery = Static<typeof listRequestsQuerySchema>;

/** Where to look for numbers: each field defaults to the request's; an empty value means "any". */
export const candidatesQuerySchema = Type.Object({
  country: Type.Optional(Type.String({ pattern: '^([A-Za-z]{2})?$' })),
  region: Type.Optional(Type.String({ maxLength: 80, pattern: SINGLE_LINE_PATTERN })),
  locality: Type.Optional(Type.String({ maxLength: 80, pattern: SINGLE_LINE_PATTERN })),
  limit: Type.Optional(PAGE_LIMIT),
}, { additionalProperties: false });
export type CandidatesQuery = Static<typeof candidatesQuerySchema>;

const purchaseResolution = Type.Object({
  resolution: Type.Literal('purchase'),
  /** The trunk whose provider the number is bought from (a trunk serving the account, with a purchasing section). */
  trunk: Type.String({ pattern: TRUNK_NAME_PATTERN }),
  /** The number to buy, as the trunk's number search offered it. */
  number: Type.String({ pattern: E164_PATTERN }),
  label: Type.Optional(singleLineText(120)),
}, { additionalProperties: false });

const assignResolution = Type.Object({
  resolution: Type.Literal('assign'),
  /** An active number of the account that no one owns (see the request's candidates). */
  numberId: ID_SCHEMA,
}, { additionalProperties: false });

const rejectResolution = Type.Object({
  resolution: Type.Literal('reject'),
  /** Told to the requester. */
  reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
}, { additionalProperties: false });

export type PurchaseResolution = Static<typeof purchaseResolution>;
export type AssignResolution = Static<typeof assignResolution>;
export type RejectResolution = Static<typeof rejectResolution>;
export type ResolveRequestInput = PurchaseResolution | AssignResolution | RejectResolution;

// Dispatched on `resolution` with if/then rather than anyOf, so a mistake is reported against the chosen
// resolution only ("/reason is required"), not against all three.
const RESOLUTIONS = { purchase: purchaseResolution, assign: assignResolution, reject: rejectResolution };
export const resolveRequestSchema = Type.Unsafe<ResolveRequestInput>({
  type: 'object',
  required: ['resolution'],
  properties: { resolution: { type: 'string', enum: Object.keys(RESOLUTIONS) } },
  allOf: Object.entries(RESOLUTIONS).map(([resolution, schema]) => ({
    if: { properties: { resolution: { const: resolution } }, required: ['resolution'] },
    then: schema,
  })),
});
