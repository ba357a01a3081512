// Every error the dialer-access domain raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const dialerAccessErrors = {
  userNotFound: (userId: number): ApiError => createError('USER_NOT_FOUND', 404, `No active member ${userId} in this account.`, { userId }),
  notGranted: (userId: number): ApiError => createError('DIALER_ACCESS_NOT_FOUND', 404, `User ${userId} has no dialer access in this account.`, { userId }),
  targetNotBelowYou: (targetRank: number, yourRank: number): ApiError =>
    createError('TARGET_NOT_BELOW_YOU', 403, "You can change only your own dialer access and that of users ranked below you.", { targetRank, yourRank }),
  purchaseNotAllowed: (): ApiError =>
    createError('PERMISSION_DENIED', 403, 'Buying a number with the grant spends credits: it takes the numbers.purchase permission. Grant an existing number instead.', {
      missingPermission: 'numbers.purchase',
    }),
  numberNotFound: (numberId: number): ApiError =>
    createError('NUMBER_NOT_FOUND', 404, `No number ${numberId} in this account.`, { numberId, fields: [{ path: '/numberId', message: 'is not a number of this account' }] }),
  numberNotHeld: (numberId: number, state: string): ApiError =>
    createError('NUMBER_NOT_HELD', 409, `Number ${numberId} is ${state}: grant a number the account holds.`, { numberId, state }),
  numbersNeedNewOwner: (numbers: { id: number; number: string }[]): ApiError =>
    createError('NUMBERS_NEED_NEW_OWNER', 409, `The user owns ${numbers.map((entry) => entry.number).join(', ')}: hand each over (handOverTo, or handOver with every one of them) to revoke their access.`, {
      numbers,
    }),
  handOverNotOwned: (numberIds: number[]): ApiError =>
    createError('HAND_OVER_INVALID', 400, `handOver names numbers the user does not own, or one twice: ${numberIds.join(', ')}. Name each number they own exactly once.`, {
      numberIds, fields: [{ path: '/handOver', message: 'names only the numbers the user owns, each once' }],
    }),
  handOverToSelf: (path: string): ApiError =>
    createError('HAND_OVER_TO_SELF', 400, 'Numbers are handed over to someone else than the user losing access.', { fields: [{ path, message: 'is the user whose access is revoked' }] }),
  recipientsNotMembers: (userIds: number[], path: string): ApiError =>
    createError('NUMBER_USER_NOT_MEMBER', 409, `Users ${userIds.join(', ')} are not active members of this account: numbers go to active members only.`, {
      userIds, fields: [{ path, message: 'must name active members of the account' }],
    }),
};
