// Request shapes of the users domain. Each schema is both what ajv validates and, through Static, the type the
// handler and the service receive: the two cannot drift.
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import { EXTENSION_PATTERN } from '../devices/schemas';
import { ID_QUERY_SCHEMA, ID_SCHEMA } from '../http/ids';
import { singleLineText } from '../http/text-safety';

export const USERNAME_PATTERN = '^[A-Za-z0-9._@+-]{3,120}$';

/** A string from a fixed list, as a plain JSON Schema `enum` (TypeBox's unions of literals would answer a
 *  wrong value with one error per literal instead of "must be one of: ..."). */
export function stringEnum<const T extends string>(values: readonly T[]): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

export const usernameField = Type.String({ pattern: USERNAME_PATTERN });
export const passwordField = Type.String({ minLength: 1, maxLength: 256 });

/** A user's profile: one per user, shared by every account they belong to. */
export const profileFields = {
  fullName: singleLineText(120),
  email: Type.String({ format: 'email', maxLength: 254 }),
  phoneMode: stringEnum(['sip', 'webrtc']),
  language: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$' }),
  theme: stringEnum(['light', 'dark']),
  timezone: Type.String({ format: 'iana-timezone', maxLength: 64 }),
};

// Required fields first, in the order a missing one was always reported.
export const createUserSchema = Type.Object(
  {
    username: usernameField,
    fullName: profileFields.fullName,
    email: profileFields.email,
    roleId: ID_SCHEMA,
    password: Type.Optional(passwordField),
    phoneMode: Type.Optional(profileFields.phoneMode),
    language: Type.Optional(profileFields.language),
    theme: Type.Optional(profileFields.theme),
    timezone: Type.Optional(profileFields.timezone),
    // The user's extension in this account: calling it rings every device of the user.
    extension: Type.Optional(Type.String({ pattern: EXTENSION_PATTERN })),
  },
  { additionalProperties: false },
);
export type CreateUserInput = Static<typeof createUserSchema>;

/** The profile alone: what a user edits of themselves (/v1/me), shared by every account they belong to. */
export const updateProfileFieldsSchema = Type.Partial(Type.Object(profileFields), { additionalProperties: false, minProperties: 1 });

// An admin's edit: the profile, and the user's extension in this account (null frees it).
export const updateUserSchema = Type.Partial(
  Type.Object({ ...profileFields, extension: Type.Union([Type.String({ pattern: EXTENSION_PATTERN }), Type.Null()]) }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserInput = Static<typeof updateUserSchema>;

export const changeRoleSchema = Type.Object({ roleId: ID_SCHEMA }, { additionalProperties: false });

export const removeUserSchema = Type.Object(
  {
    // Asked when removing an Organization Owner: also deactivate them on every subaccount, or leave them
    // there as Owner.
    deactivateOnSubaccounts: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RemoveUserDecision = Static<typeof removeUserSchema>;

export const listUsersQuery = Type.Object(
  {
    groupId: Type.Optional(ID_QUERY_SCHEMA),
    status: Type.Optional(stringEnum(['invited', 'active', 'deactivated'])),
  },
  { additionalProperties: false },
);
