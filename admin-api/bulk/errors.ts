// Every error bulk provisioning raises, with its stable code.
import { createError, type ApiError } from '../http/errors';
import type { RowProblem } from './rows';

export const bulkErrors = {
  empty: (): ApiError => createError('BULK_EMPTY', 400, 'There is no user to create.'),
  tooLarge: (maxRows: number): ApiError => createError('BULK_TOO_LARGE', 413, `At most ${maxRows} users at a time.`),
  accountGone: (): ApiError => createError('ACCOUNT_NOT_FOUND', 404, 'The account is gone.'),
  csvInvalid: (reason: string): ApiError => createError('CSV_INVALID', 400, `The CSV cannot be read: ${reason}.`),
  /** Every bad row with its line, field and reason; nothing was written. */
  rowsInvalid: (problems: RowProblem[], rowCount: number): ApiError =>
    createError('BULK_ROWS_INVALID', 422, `${new Set(problems.map((problem) => problem.line)).size} of ${rowCount} rows are not valid; nothing was created.`, { rows: problems }),
};
