// Every error number reconciliation raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const reconciliationErrors = {
  noReport: (): ApiError => createError('RECONCILIATION_NOT_FOUND', 404, 'No reconciliation has run yet: POST /v1/number-reconciliations starts one.'),
};
