// Request shapes of bulk provisioning. A CSV body is taken as text (rows.ts reads it); a JSON body is validated
// by bulkUsersSchema and typed from it. Row fields are loose on purpose: every row is checked by the service,
// which reports all bad rows with their lines instead of the validator's first-failure paths.
import { Type, type Static } from '@sinclair/typebox';
import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { MAX_ROWS } from './rows';

const bulkUserSchema = Type.Object(
  {
    username: Type.Optional(Type.String()),
    fullName: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    // A role's id or its name.
    role: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'integer'] })),
    phoneMode: Type.Optional(Type.String()),
    extension: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type BulkUserInput = Static<typeof bulkUserSchema>;

export const bulkUsersSchema = Type.Object(
  { roleId: Type.Optional(ID_SCHEMA), users: Type.Array(bulkUserSchema, { minItems: 1, maxItems: MAX_ROWS }) },
  { additionalProperties: false },
);

/** The default role of rows without one (CSV: the only way to give it). */
export const bulkQuerySchema = Type.Object({ roleId: Type.Optional(ID_QUERY_SCHEMA) }, { additionalProperties: false });
