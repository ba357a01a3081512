// Request shapes of the /v1/me domain. Your own profile takes the fields an admin edits on a user, so the schema
// is the users domain's (one declaration); it is both what ajv validates and, through Static, the typed body.
import type { Static } from '@sinclair/typebox';
import { updateUserSchema } from '../users/schemas';

export const updateProfileSchema = updateUserSchema;
export type UpdateProfileInput = Static<typeof updateProfileSchema>;
