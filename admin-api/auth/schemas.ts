// Request shapes of the auth domain. Each schema is both what ajv validates and, through Static, the type the
// handler and the service receive: the two cannot drift.
import { Type, type Static } from '@sinclair/typebox';
import { singleLineText } from '../http/text-safety';

const password = Type.String({ minLength: 1, maxLength: 256 });

export const loginSchema = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 120 }),
  password,
}, { additionalProperties: false });
export type LoginInput = Static<typeof loginSchema>;

export const passwordChangeSchema = Type.Object({
  currentPassword: password,
  newPassword: password,
  // Keys are automation's: only an explicit "log out everywhere" takes them too.
  revokeApiKeys: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type PasswordChange = Static<typeof passwordChangeSchema>;

export const apiKeySchema = Type.Object({ name: singleLineText(80) }, { additionalProperties: false });
export type ApiKeyInput = Static<typeof apiKeySchema>;
