// A trunk to a SIP provider, as ops write it in asterisk-config/trunks/<name>.yaml and as the API takes it.
// One schema for both paths, so both validate alike and produce the same PJSIP rows. Written with TypeBox: the
// API's handler receives Static<typeof apiTrunkSchema>, which is the repository's TrunkDefinition.
import { Type, TypeGuard, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { CODECS, type SecretSource, type TrunkPurchasing } from '../../db/repositories/trunk-rows';
import { EXTENSION_PATTERN } from '../devices/schemas';
import { destinationSchema } from '../destinations/schemas';

export const TRUNK_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,30}$';
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

// An IPv4 or IPv6 address, optionally with a prefix length.
const ADDRESS_PATTERN = '^(([0-9]{1,3}\\.){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?|[0-9A-Fa-f:]{2,39}(/[0-9]{1,3})?)$';

/**
 * An object whose fields with a `default` may be left out: ajv fills them in (useDefaults) before anyone reads
 * the value, so they are present in the Static type and absent from the request's `required`.
 */
function objectWithDefaults<P extends TProperties>(properties: P, options: Record<string, unknown>): TObject<P> {
  const required = Object.entries(properties).filter(([, field]) => !TypeGuard.IsOptional(field) && !('default' in field)).map(([key]) => key);
  return { ...Type.Object(properties, options), required };
}

const username = Type.String({ pattern: '^[A-Za-z0-9._+-]{1,64}$' });

function definitionSchema<C extends TSchema, F extends TProperties>(credentials: C, onlyInFiles: F) {
  return objectWithDefaults({
    ...onlyInFiles,
    provider: Type.String({ minLength: 1, maxLength: 80 }),
    host: Type.String({ pattern: '^[A-Za-z0-9.-]{1,253}$' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 5060 }),
    transport: Type.Unsafe<'udp' | 'tcp'>({ type: 'string', enum: ['udp', 'tcp'], default: 'udp' }),
    credentials: Type.Optional(credentials),
    register: Type.Boolean({ default: false }),
    inbound: Type.Object({
      addresses: Type.Array(Type.String({ pattern: ADDRESS_PATTERN }), { minItems: 1, maxItems: 64, uniqueItems: true }),
    }, { additionalProperties: false }),
    codecs: Type.Array(Type.Unsafe<(typeof CODECS)[number]>({ type: 'string', enum: [...CODECS] }), { minItems: 1, uniqueItems: true, default: ['ulaw', 'alaw'] }),
    qualifySeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 60 }),
    accounts: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, uniqueItems: true }),
    numbers: Type.Array(Type.Object({
      number: Type.String({ pattern: E164_PATTERN }),
      account: Type.Optional(Type.Integer({ minimum: 1 })),
      extension: Type.Optional(Type.String({ pattern: EXTENSION_PATTERN })),
      // Where calls to the number go (a user, a ring group, an external number, ...), instead of an extension.
      destination: Type.Optional(destinationSchema),
    }, { additionalProperties: false }), { maxItems: 10000, default: [] }),
  }, {
    additionalProperties: false,
    // Registering means authenticating: a registration without credentials could never succeed.
    if: { properties: { register: { const: true } }, required: ['register'] },
    then: { required: ['credentials'] },
  });
}

// Where a file's secret comes from: never the file itself, which is committed.
const secretSource = Type.Unsafe<SecretSource>({
  type: 'object',
  properties: {
    env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]{0,63}$' },
    // A file under the trunks folder's git-ignored secrets/ directory.
    file: { type: 'string', pattern: '^secrets/[A-Za-z0-9._-]{1,64}$' },
  },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
});

export const PURCHASING_APIS = ['telnyx', 'twilio', 'static-pool'] as const satisfies readonly TrunkPurchasing['api'][];
const PRICE_CENTS = Type.Integer({ minimum: 0, maximum: 100_000_000 });

// Which provider the trunk's accounts may buy numbers from, and at what price. Which fields an API needs (and
// that the base URL is public) is checked by admin-api/trunks/purchasing.ts, whose messages name the API.
const purchasingSchema = Type.Object({
  api: Type.Unsafe<TrunkPurchasing['api']>({ type: 'string', enum: [...PURCHASING_APIS] }),
  baseUrl: Type.Optional(Type.String({ minLength: 8, maxLength: 300, pattern: '^https?://' })),
  secret: Type.Optional(secretSource),
  // Twilio's account SID (AC...): it goes into the API's paths, so nothing but letters and digits.
  accountSid: Type.Optional(Type.String({ pattern: '^AC[0-9A-Za-z]{6,62}$' })),
  // A Telnyx connection id or a Twilio trunk SID.
  routeTo: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$' })),
  setupPriceCents: PRICE_CENTS,
  monthlyPriceCents: PRICE_CENTS,
}, { additionalProperties: false });

export const fileTrunkSchema = definitionSchema(Type.Object({ username, secret: secretSource }, { additionalProperties: false }), {
  // Ops' explicit leave for a non-public host or inbound address (a lab, a private link): files only, never
  // the API (admin-api/trunks/address-policy.ts).
  allowPrivateAddresses: Type.Optional(Type.Boolean()),
  purchasing: Type.Optional(purchasingSchema),
});

// Providers hand out the secret; we still refuse ones a scanner would guess. Omitted on an edit: the current
// password stays.
export const apiTrunkSchema = definitionSchema(
  Type.Object({ username, password: Type.Optional(Type.String({ minLength: 12, maxLength: 128 })) }, { additionalProperties: false }),
  // Taken only to be refused with a reason (TrunkService.save): which providers an account may buy from is
  // ops' to say, in the trunk files.
  { purchasing: Type.Optional(Type.Unknown({ description: 'Refused: a trunk\'s purchasing section is kept in its file only' })) },
);
/** What the API takes: the password itself, which goes to ps_auths only. */
export type ApiTrunkDefinition = Static<typeof apiTrunkSchema>;
