// Every error the numbers domain raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const numberErrors = {
  /** Unknown, another account's, or one you may not see: the same answer. */
  notFound: (numberId: number): ApiError => createError('NUMBER_NOT_FOUND', 404, `No number ${numberId} in this account that you can see.`, { numberId }),
  changeNotAllowed: (numberId: number): ApiError =>
    createError('NUMBER_CHANGE_NOT_ALLOWED', 403, 'Only the number\'s owner or someone with the numbers.manage permission changes its owner, sharing, label or destination.', {
      numberId, missingPermission: 'numbers.manage',
    }),
  ownerAboveYou: (numberId: number, ownerRank: number, yourRank: number): ApiError =>
    createError('NUMBER_OWNER_ABOVE_YOU', 403, `Number ${numberId} is owned by someone ranked at or above you: only they, or someone ranked above them, change, give away or release it.`, {
      numberId, ownerRank, yourRank,
    }),
  notHeld: (numberId: number, state: string): ApiError =>
    createError('NUMBER_NOT_HELD', 409, `Number ${numberId} is ${state}: it is no longer the account's to change.`, { numberId, state }),
  usersNotMembers: (userIds: number[], path: string): ApiError =>
    createError('NUMBER_USER_NOT_MEMBER', 409, `Users ${userIds.join(', ')} are not active members of this account: a number is owned by or shared with active members only.`, {
      userIds, fields: [{ path, message: 'must name active members of the account' }],
    }),
  listWithoutUsersSharing: (sharing: string): ApiError =>
    createError('SHARED_WITH_NEEDS_USERS_SHARING', 400, `sharedWithUserIds applies to sharing "users" only; this number's sharing is "${sharing}". Send sharing: "users" with the list.`, {
      sharing, fields: [{ path: '/sharedWithUserIds', message: 'needs sharing "users"' }],
    }),
  outsideRouteNeedsDialerAccess: (userId: number): ApiError =>
    createError('ROUTE_OUTSIDE_NEEDS_DIALER_ACCESS', 409, `Routing a number to an outside number dials out at the account's expense: user ${userId} needs dialer access in this account first (or an admin sets it).`, {
      userId, fields: [{ path: '/destination', message: 'an outside number needs your dialer access' }],
    }),
  noDialerAccess: (accountId: number): ApiError =>
    createError('NO_DIALER_ACCESS', 409, `You have no dialer access in account ${accountId}: an admin grants it with a number to call from.`, { accountId }),
  notUsable: (numberId: number): ApiError =>
    createError('NUMBER_NOT_USABLE', 409, `Number ${numberId} is not one you may call from: pick a number you own or that is shared with you.`, {
      numberId, fields: [{ path: '/numberId', message: 'is not a number you may use' }],
    }),
};
