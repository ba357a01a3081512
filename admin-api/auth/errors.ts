// Every error the auth domain raises, with its stable code. Every failed login looks the same to the caller: no
// hint whether the username exists.
import { createError, type ApiError } from '../http/errors';

export const authErrors = {
  invalidCredentials: (): ApiError => createError('INVALID_CREDENTIALS', 401, 'The username or the password is wrong.'),
  wrongCurrentPassword: (): ApiError => createError('INVALID_CREDENTIALS', 401, 'The current password is wrong.'),
  /** Told only after the password was proven. */
  userNotActive: (status: string): ApiError =>
    createError('USER_NOT_ACTIVE', 403, status === 'deactivated' ? 'This user is deactivated.' : 'Accept your invitation first.'),
  tooManyAttempts: (waitSeconds: number): ApiError =>
    createError('TOO_MANY_ATTEMPTS', 429, `Too many failed password attempts. Try again in ${waitSeconds} seconds.`, { retryAfterSeconds: waitSeconds }),
  passwordRejected: (problems: string[], path: string): ApiError =>
    createError('PASSWORD_REJECTED', 400, `The password ${problems.join(' and ')}.`, { fields: problems.map((message) => ({ path, message })) }),
  apiKeyNotFound: (keyId: number): ApiError => createError('API_KEY_NOT_FOUND', 404, `You have no active API key ${keyId}.`),
};
