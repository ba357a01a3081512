// Request shapes of the credits domain: a page of the ledger, and credits an operator adds.
import { Type, type Static } from '@sinclair/typebox';
import { ID_QUERY_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';

export const CREDITS_PAGE_DEFAULT_LIMIT = 50;

export const creditsQuerySchema = Type.Object(
  {
    /** Entries older than this id (the previous page's last id). */
    before: Type.Optional(ID_QUERY_SCHEMA),
    /** 1 to 200 entries, written plainly (a query string carries text). */
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' })),
  },
  { additionalProperties: false },
);
export type CreditsQuery = Static<typeof creditsQuerySchema>;

/** Credits added by a platform operator: a payment received, a goodwill gesture. Up to 10 million (100,000.00)
 *  at a time, so a typo of a few extra digits is refused rather than booked. */
export const addCreditsSchema = Type.Object(
  {
    amountCents: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    note: singleLineText(200),
    /** The payment's own reference (an invoice or transfer id): sending the same one again adds nothing, so a
     *  retried request cannot credit twice. */
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9._-]+$' })),
  },
  { additionalProperties: false },
);
export type AddCreditsInput = Static<typeof addCreditsSchema>;
