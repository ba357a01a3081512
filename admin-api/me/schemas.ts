// Request shapes of the /v1/me domain. Your own profile takes the profile fields an admin edits on a user, so the
// schema is the users domain's (one declaration); it is both what ajv validates and, through Static, the typed
// body. Extensions are per account and set by admins, so they are not part of it.
import type { Static } from '@sinclair/typebox';
import { updateProfileFieldsSchema } from '../users/schemas';

export const updateProfileSchema = updateProfileFieldsSchema;
export type UpdateProfileInput = Static<typeof updateProfileSchema>;
