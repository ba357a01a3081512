// Every error the number-orders domain raises, with its stable code. A provider's failure is never a 500: the
// admin is told whether the provider refused (502), is having trouble (503, retry later) or did not answer (504).
import { ProviderError } from '../../core/number-providers/provider';
import { createError, type ApiError } from '../http/errors';

export const orderErrors = {
  providerNotFound: (trunk: string): ApiError =>
    createError('NUMBER_PROVIDER_NOT_FOUND', 404, `No trunk named ${trunk} sells numbers to this account: GET .../number-providers lists those that do.`, { trunk }),
  notE164: (number: string): ApiError =>
    createError('VALIDATION_FAILED', 400, `${number} is not an E.164 number: write it as + and the country code, then up to 14 digits.`, { fields: [{ path: '/number', message: 'must be E.164' }] }),
  numberUnavailable: (number: string): ApiError =>
    createError('NUMBER_UNAVAILABLE', 409, `${number} is already held (by this or another account, or being bought): search again and pick another.`, { number }),
  notInPool: (number: string, trunk: string): ApiError =>
    createError('NUMBER_UNAVAILABLE', 409, `${number} is not a free number of trunk ${trunk}'s pool: search again and pick another.`, { number, trunk }),
  usersNotMembers: (userIds: number[], path: string): ApiError =>
    createError('USER_NOT_IN_ACCOUNT', 422, `Users ${userIds.join(', ')} are not active members of this account.`, { userIds, fields: [{ path, message: 'must be active members of the account' }] }),
  sharesNeedUsersSharing: (): ApiError =>
    createError('VALIDATION_FAILED', 422, 'sharedWithUserIds is only for sharing "users": set sharing to "users" or leave the list out.', { fields: [{ path: '/sharedWithUserIds', message: 'needs sharing "users"' }] }),
  orderNotFound: (orderId: number): ApiError => createError('NUMBER_ORDER_NOT_FOUND', 404, `No number order ${orderId} in this account.`, { orderId }),
  numberNotFound: (numberId: number): ApiError => createError('NUMBER_NOT_FOUND', 404, `No number ${numberId} in this account.`, { numberId }),
  numberNotActive: (numberId: number, state: string): ApiError =>
    createError('NUMBER_NOT_ACTIVE', 409, `Number ${numberId} is ${state}: only an active number can be released.`, { numberId, state }),
};

/** What the admin sees of a provider's failure during a search. */
export function providerFailure(trunk: string, error: ProviderError): ApiError {
  if (error.kind === 'permanent') {
    return createError('PROVIDER_REJECTED', 502, `The provider of trunk ${trunk} refused the request: ${error.message}`, { trunk, providerStatus: error.status });
  }
  if (error.status === null) {
    return createError('PROVIDER_TIMEOUT', 504, `The provider of trunk ${trunk} did not answer in time; try again shortly.`, { trunk });
  }
  return createError('PROVIDER_UNAVAILABLE', 503, `The provider of trunk ${trunk} is having trouble (${error.status}); try again shortly.`, { trunk, providerStatus: error.status, retryAfterSeconds: 10 });
}
