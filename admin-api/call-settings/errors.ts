// Every error the call-settings domain raises, with its stable code (destinations raise their own).
import { createError, type ApiError } from '../http/errors';

export const callSettingsErrors = {
  userNotFound: (userId: number): ApiError => createError('USER_NOT_FOUND', 404, `No user ${userId} in this account.`, { userId }),
  forwardToSelf: (condition: string): ApiError =>
    createError('FORWARD_TO_SELF', 422, 'A user cannot forward calls to themselves.', { fields: [{ path: `/forwarding/${condition}`, message: 'is the user themselves' }] }),
  forwardNeedsDialerAccess: (userId: number, conditions: string[]): ApiError =>
    createError('FORWARD_NEEDS_DIALER_ACCESS', 409, `Forwarding to an outside number dials out at the account's expense: user ${userId} needs dialer access in this account first (an admin grants it with a number).`, {
      userId, fields: conditions.map((condition) => ({ path: `/forwarding/${condition}`, message: 'needs the user\'s dialer access' })),
    }),
  targetNotBelowYou: (targetRank: number, yourRank: number): ApiError =>
    createError('TARGET_NOT_BELOW_YOU', 403, "You can change only your own call settings and those of users ranked below you.", { targetRank, yourRank }),
};
