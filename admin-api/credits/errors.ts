// Every error the credits domain raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const creditErrors = {
  accountNotFound: (accountId: number): ApiError => createError('ACCOUNT_NOT_FOUND', 404, `No account ${accountId} exists.`, { accountId }),
  insufficient: (balanceCents: number, priceCents: number): ApiError =>
    createError('INSUFFICIENT_CREDITS', 402, `The organization has ${balanceCents} cents of credits left and this costs ${priceCents}: add credits first.`, { balanceCents, priceCents }),
};
