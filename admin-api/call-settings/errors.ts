// Every error the call-settings domain raises, with its stable code (destinations raise their own).
import { createError, type ApiError } from '../http/errors';

export const callSettingsErrors = {
  userNotFound: (userId: number): ApiError => createError('USER_NOT_FOUND', 404, `No user ${userId} in this account.`, { userId }),
  forwardToSelf: (condition: string): ApiError =>
    createError('FORWARD_TO_SELF', 422, 'A user cannot forward calls to themselves.', { fields: [{ path: `/forwarding/${condition}`, message: 'is the user themselves' }] }),
  targetNotBelowYou: (targetRank: number, yourRank: number): ApiError =>
    createError('TARGET_NOT_BELOW_YOU', 403, "You can change only your own call settings and those of users ranked below you.", { targetRank, yourRank }),
};
