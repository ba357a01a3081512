// A trunk to a SIP provider, as ops write it in asterisk-config/trunks/<name>.yaml and as the API takes it.
// One schema for both paths, so both validate alike and produce the same PJSIP rows.
export const TRUNK_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,30}$';
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';
const EXTENSION_PATTERN = '^[1-9][0-9]{1,5}$';

import { CODECS, type ApiCredentials, type TrunkDefinition } from '../../db/repositories/trunk-rows';

/** What the API takes: the password itself, which goes to ps_auths only. */
export type ApiTrunkDefinition = TrunkDefinition<ApiCredentials>;

// An IPv4 or IPv6 address, optionally with a prefix length.
const ADDRESS_PATTERN = '^(([0-9]{1,3}\\.){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?|[0-9A-Fa-f:]{2,39}(/[0-9]{1,3})?)$';

function definitionSchema(secretKey: 'secret' | 'password', secret: object, onlyInFiles: Record<string, object> = {}): object {
  return {
    type: 'object',
    properties: {
      ...onlyInFiles,
      provider: { type: 'string', minLength: 1, maxLength: 80 },
      host: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,253}$' },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 5060 },
      transport: { type: 'string', enum: ['udp', 'tcp'], default: 'udp' },
      credentials: {
        type: 'object',
        properties: { username: { type: 'string', pattern: '^[A-Za-z0-9._+-]{1,64}$' }, [secretKey]: secret },
        required: secretKey === 'secret' ? ['username', 'secret'] : ['username'],
        additionalProperties: false,
      },
      register: { type: 'boolean', default: false },
      inbound: {
        type: 'object',
        properties: { addresses: { type: 'array', items: { type: 'string', pattern: ADDRESS_PATTERN }, minItems: 1, maxItems: 64, uniqueItems: true } },
        required: ['addresses'],
        additionalProperties: false,
      },
      codecs: { type: 'array', items: { type: 'string', enum: [...CODECS] }, minItems: 1, uniqueItems: true, default: ['ulaw', 'alaw'] },
      qualifySeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 60 },
      accounts: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, uniqueItems: true },
      numbers: {
        type: 'array',
        maxItems: 10000,
        default: [],
        items: {
          type: 'object',
          properties: {
            number: { type: 'string', pattern: E164_PATTERN },
            account: { type: 'integer', minimum: 1 },
            extension: { type: 'string', pattern: EXTENSION_PATTERN },
          },
          required: ['number'],
          additionalProperties: false,
        },
      },
    },
    required: ['provider', 'host', 'inbound', 'accounts'],
    additionalProperties: false,
    // Registering means authenticating: a registration without credentials could never succeed.
    if: { properties: { register: { const: true } }, required: ['register'] },
    then: { required: ['credentials'] },
  };
}

export const fileTrunkSchema = definitionSchema('secret', {
  type: 'object',
  properties: {
    env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]{0,63}$' },
    // A file under the trunks folder's git-ignored secrets/ directory.
    file: { type: 'string', pattern: '^secrets/[A-Za-z0-9._-]{1,64}$' },
  },
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
}, {
  // Ops' explicit leave for a non-public host or inbound address (a lab, a private link): files only, never
  // the API (admin-api/trunks/address-policy.ts).
  allowPrivateAddresses: { type: 'boolean' },
});

// Providers hand out the secret; we still refuse ones a scanner would guess.
export const apiTrunkSchema = definitionSchema('password', { type: 'string', minLength: 12, maxLength: 128 });
