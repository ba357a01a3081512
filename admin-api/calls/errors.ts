// Every error the calls domain raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const callErrors = {
  invalidCursor: (): ApiError =>
    createError('CALL_CURSOR_INVALID', 400, 'The cursor is not one this API gave out: pass nextCursor from the previous page as is.', { fields: [{ path: '/cursor', message: 'is not a cursor of this list' }] }),
  invalidRange: (from: string, to: string): ApiError =>
    createError('CALL_RANGE_INVALID', 400, `The time range ends (${to}) before it starts (${from}).`, { fields: [{ path: '/to', message: 'must be after from' }] }),
};
