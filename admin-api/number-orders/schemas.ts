// Request shapes of the number-orders domain: a search at a provider and a purchase (checkout).
import { Type, type Static } from '@sinclair/typebox';
import { NUMBER_SHARINGS } from '../../core/numbers';
import { EXTERNAL_NUMBER_PATTERN, optionalDestinationSchema } from '../destinations/schemas';
import { ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';
import { TRUNK_NAME_PATTERN } from '../trunks/schemas';

const trunk = Type.String({ pattern: TRUNK_NAME_PATTERN });
const flag = Type.Union([Type.Literal('true'), Type.Literal('false')]);

export const SEARCH_DEFAULT_LIMIT = 20;

export const availableNumbersQuerySchema = Type.Object(
  {
    /** The trunk whose provider to search (GET .../number-providers). */
    trunk,
    /** ISO 3166-1 alpha-2, e.g. US. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    region: Type.Optional(singleLineText(80)),
    locality: Type.Optional(singleLineText(80)),
    areaCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
    voice: Type.Optional(flag),
    sms: Type.Optional(flag),
    fax: Type.Optional(flag),
    /** 1 to 100, written plainly. */
    limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$' })),
  },
  { additionalProperties: false },
);
export type AvailableNumbersQuery = Static<typeof availableNumbersQuerySchema>;

export const purchaseSchema = Type.Object(
  {
    trunk,
    number: Type.String({ pattern: EXTERNAL_NUMBER_PATTERN }),
    /** Default: the buyer. */
    ownerUserId: Type.Optional(ID_SCHEMA),
    label: Type.Optional(Type.Union([singleLineText(120), Type.Null()])),
    /** Default: private (the owner only). */
    sharing: Type.Optional(Type.Union(NUMBER_SHARINGS.map((sharing) => Type.Literal(sharing)))),
    /** With sharing "users": whom besides the owner. */
    sharedWithUserIds: Type.Optional(Type.Array(ID_SCHEMA, { maxItems: 500, uniqueItems: true })),
    /** Where its calls go once it is active; none: calls to it are refused until one is set. */
    destination: Type.Optional(optionalDestinationSchema),
  },
  { additionalProperties: false },
);
export type PurchaseBody = Static<typeof purchaseSchema>;
