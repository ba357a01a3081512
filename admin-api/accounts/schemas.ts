// Request shapes of the accounts domain. Each schema is both what ajv validates and, through Static, the type the
// handler and the service receive: the two cannot drift.
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { singleLineText } from '../http/text-safety';
import { SUPPORTED_COUNTRIES } from '../../core/dialing/countries';

const CLOCK_TIME = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

/** `schema` or null as one JSON Schema type list: a wrong value is told one problem, where a union with
 *  Type.Null() would add "must be null" and "must match a schema in anyOf" to every answer. */
function orNull<T extends TSchema & { type: string }>(schema: T): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/** Outbound dialing (issue 9): the prefix for an outside line, the countries international calls may reach
 *  (those core/dialing/countries.ts knows), the emergency numbers that always go out, and the limit on
 *  simultaneous outbound calls (0: none but emergency calls). */
const outboundFields = {
  outsideLinePrefix: orNull(Type.String({ pattern: '^[0-9]{1,2}$' })),
  internationalAllowedCountries: Type.Array(Type.Unsafe<string>({ type: 'string', enum: SUPPORTED_COUNTRIES }), { uniqueItems: true, maxItems: SUPPORTED_COUNTRIES.length }),
  emergencyNumbers: Type.Array(Type.String({ pattern: '^[0-9]{2,6}$' }), { minItems: 1, maxItems: 10, uniqueItems: true }),
  maxConcurrentOutbound: Type.Integer({ minimum: 0, maximum: 10_000 }),
};

const settingsFields = {
  defaultAreaCode: orNull(Type.String({ pattern: '^[2-9][0-9]{2}$' })),
  callingHours: orNull(
    Type.Object(
      {
        start: Type.String({ pattern: CLOCK_TIME }),
        end: Type.String({ pattern: CLOCK_TIME }),
        timezone: Type.String({ format: 'iana-timezone', maxLength: 64 }),
      },
      { additionalProperties: false },
    ),
  ),
  callbackNumber: orNull(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
  ...outboundFields,
};

const EXPORT_KINDS = ['s3', 'bigquery'] as const;

// Type.Unsafe keeps the plain `enum` (ajv then lists the allowed values) while typing the value as the union.
const exportTarget = Type.Object(
  { kind: Type.Unsafe<(typeof EXPORT_KINDS)[number]>({ type: 'string', enum: EXPORT_KINDS }), destination: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/** Edits an account's settings; an organization's name and export targets need organization.manage. */
export const updateAccountSchema = Type.Partial(
  Type.Object({ name: singleLineText(120), ...settingsFields, exportTargets: orNull(Type.Array(exportTarget, { maxItems: 10 })) }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAccountInput = Static<typeof updateAccountSchema>;

/** An account below the caller's: its kind follows from the parent's, so only its name and settings are given. */
export const createChildAccountSchema = Type.Object(
  { name: singleLineText(120), ...Type.Partial(Type.Object(settingsFields)).properties },
  { additionalProperties: false },
);
export type CreateChildAccountInput = Static<typeof createChildAccountSchema>;
