// Every error the devices domain raises, with its stable code.
import { createError, notFound, type ApiError } from '../http/errors';

export const deviceErrors = {
  /** Unknown, in another account, or (through /v1/me) not the caller's: the same 404. */
  notFound: (deviceId: number): ApiError => notFound('device', deviceId),
  accountNotFound: (accountId: number): ApiError => notFound('account', accountId),
  userNotInAccount: (userId: number): ApiError =>
    createError('USER_NOT_IN_ACCOUNT', 422, `User ${userId} is not a member of this account.`, { fields: [{ path: '/userId', message: 'is not a member of this account' }] }),
  extensionOnUser: (): ApiError =>
    createError('EXTENSION_ON_USER', 400, "Extensions are set on the user, not the device: a device rings when its user's extension is called (PATCH /v1/accounts/{accountId}/users/{userId} with extension).", {
      fields: [{ path: '/extension', message: 'is set on the user' }],
    }),
};
