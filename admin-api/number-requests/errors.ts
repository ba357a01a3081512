// Every error the number-requests domain raises, with its stable code.
import type { NumberRequestState } from '../../db/repositories/number-requests';
import { createError, type ApiError } from '../http/errors';

export const requestErrors = {
  // Someone else's request looks like no request at all to a user who may see only their own.
  notFound: (requestId: number): ApiError => createError('NUMBER_REQUEST_NOT_FOUND', 404, `No number request ${requestId} in this account that you can see.`, { requestId }),
  alreadyResolved: (requestId: number, state: NumberRequestState): ApiError =>
    createError('REQUEST_ALREADY_RESOLVED', 409, `Number request ${requestId} is no longer open (it is ${state}); reload it to see its outcome.`, { requestId, state }),
  noCapability: (): ApiError =>
    createError('CAPABILITY_REQUIRED', 400, 'Ask for at least one capability: capabilities.voice, sms or fax set to true.', {
      fields: [{ path: '/capabilities', message: 'must ask for at least one capability' }],
    }),
  othersRequests: (): ApiError =>
    createError('PERMISSION_DENIED', 403, "Only admins (numbers.manage) see other users' number requests; leave requesterUserId out to see your own.", { missingPermission: 'numbers.manage' }),
  purchaseNotAllowed: (): ApiError =>
    createError('PERMISSION_DENIED', 403, 'Buying a number spends credits: resolving a request with a purchase needs numbers.purchase. Assign an existing number or ask an Owner.', {
      missingPermission: 'numbers.purchase',
    }),
  notYours: (requestId: number): ApiError =>
    createError('NOT_YOUR_REQUEST', 403, `Only the user who made number request ${requestId} can cancel it; an admin rejects it instead.`, { requestId }),
  requesterNotActive: (requestId: number, userId: number): ApiError =>
    createError('REQUESTER_NOT_ACTIVE', 409, `The user who made request ${requestId} is no longer an active member of this account: reject the request instead.`, { requestId, userId }),
  numberNotInAccount: (numberId: number): ApiError =>
    createError('NUMBER_NOT_IN_ACCOUNT', 422, `No number ${numberId} in this account.`, { numberId, fields: [{ path: '/numberId', message: 'is not a number of this account' }] }),
  numberNotAvailable: (numberId: number): ApiError =>
    createError('NUMBER_NOT_AVAILABLE', 409, `Number ${numberId} is not available: only active numbers that no one owns can be assigned (see the request's candidates).`, { numberId }),
};
