// Request shapes of the dialer-access domain: a grant (with an existing number, or one bought in the same
// request) and a revocation (with the hand-over of the numbers the user owns).
import { Type, type Static } from '@sinclair/typebox';
import { EXTERNAL_NUMBER_PATTERN } from '../destinations/schemas';
import { ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';
import { TRUNK_NAME_PATTERN } from '../trunks/schemas';

export const grantSchema = Type.Union([
  /** An existing number of the account: the user becomes its owner if it has none, else it is shared with them. */
  Type.Object({ numberId: ID_SCHEMA }, { additionalProperties: false }),
  /** A number bought now, owned by the user (takes numbers.purchase as well: it spends credits). */
  Type.Object({
    purchase: Type.Object({
      trunk: Type.String({ pattern: TRUNK_NAME_PATTERN }),
      number: Type.String({ pattern: EXTERNAL_NUMBER_PATTERN }),
      label: Type.Optional(Type.Union([singleLineText(120), Type.Null()])),
    }, { additionalProperties: false }),
  }, { additionalProperties: false }),
]);
export type GrantInput = Static<typeof grantSchema>;

export const revokeSchema = Type.Object(
  {
    /** Every number the user owns in the account goes to this user. */
    handOverTo: Type.Optional(ID_SCHEMA),
    /** Each number the user owns, exactly once, to its own new owner. */
    handOver: Type.Optional(Type.Array(Type.Object({ numberId: ID_SCHEMA, toUserId: ID_SCHEMA }, { additionalProperties: false }), { maxItems: 1000 })),
  },
  // One of the two, or neither when the user owns no number.
  { additionalProperties: false, maxProperties: 1 },
);
export type RevokeInput = Static<typeof revokeSchema>;
