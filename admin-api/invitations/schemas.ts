// Request shapes of the invitations domain: the validator's schema and the handler's type, from one declaration.
import { Type, type Static } from '@sinclair/typebox';
import { ID_SCHEMA } from '../http/ids';
import { passwordField, profileFields, usernameField } from '../users/schemas';

export const inviteSchema = Type.Object(
  { fullName: profileFields.fullName, email: profileFields.email, roleId: ID_SCHEMA, username: Type.Optional(usernameField) },
  { additionalProperties: false },
);
export type InviteInput = Static<typeof inviteSchema>;

export const acceptLinkSchema = Type.Object({ password: Type.Optional(passwordField) }, { additionalProperties: false });

