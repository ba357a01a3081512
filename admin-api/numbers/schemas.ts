// Request shapes of the numbers domain: the inventory's filters and page, a number's changes, and the caller
// ID a user picks for their calls.
import { Type, type Static } from '@sinclair/typebox';
import { NUMBER_SHARINGS, NUMBER_STATES, type NumberSharing, type NumberState } from '../../core/numbers';
import { optionalDestinationSchema } from '../destinations/schemas';
import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';

export const NUMBERS_PAGE_DEFAULT_LIMIT = 100;
/** Whom one number may be shared with, by name: a longer list is what sharing with the account is for. */
export const MAX_SHARED_WITH = 500;

export const numberListQuerySchema = Type.Object(
  {
    /** Only numbers in this state; without it, every number still held (not released or failed). */
    state: Type.Optional(Type.Unsafe<NumberState>({ type: 'string', enum: [...NUMBER_STATES] })),
    /** 'static-pool', 'telnyx', 'twilio', ... */
    provider: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,23}$' })),
    ownerUserId: Type.Optional(ID_QUERY_SCHEMA),
    /** A piece of the number or of its label. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    /** The previous page's nextAfter: numbers with a higher id. */
    after: Type.Optional(ID_QUERY_SCHEMA),
    /** 1 to 200 numbers, written plainly (a query string carries text). */
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' })),
  },
  { additionalProperties: false },
);
export type NumberListQuery = Static<typeof numberListQuerySchema>;

/** What the service takes: the query with its ids parsed by the route table and its limit a number. */
export interface NumberListInput {
  state?: NumberState;
  provider?: string;
  ownerUserId?: number;
  q?: string;
  after?: number;
  limit: number;
}

export const updateNumberSchema = Type.Partial(
  Type.Object({
    label: Type.Union([singleLineText(120), Type.Null()]),
    /** null: nobody owns it (only numbers.manage holders then change it). */
    ownerUserId: Type.Union([ID_SCHEMA, Type.Null()]),
    sharing: Type.Unsafe<NumberSharing>({ type: 'string', enum: [...NUMBER_SHARINGS] }),
    /** With sharing 'users': everyone it is shared with besides the owner (replaces the list). */
    sharedWithUserIds: Type.Array(ID_SCHEMA, { maxItems: MAX_SHARED_WITH, uniqueItems: true }),
    /** Where calls to the number go; null: nowhere (the caller hears it is not in service). */
    destination: optionalDestinationSchema,
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateNumberInput = Static<typeof updateNumberSchema>;

export const callerIdSchema = Type.Object(
  {
    /** A number you may use (yours, or shared with you); null: the first one you may use on the trunk. */
    numberId: Type.Union([ID_SCHEMA, Type.Null()]),
  },
  { additionalProperties: false },
);
export type CallerIdInput = Static<typeof callerIdSchema>;
