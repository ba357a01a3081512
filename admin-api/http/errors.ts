// Errors are values with stable codes. Services throw ApiError; the one Express error handler renders
// { error: { code, message, details } }. Anything else is a bug and becomes a logged 500 with a request id.
export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function createError(code: string, status: number, message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(code, status, message, details);
}

export const notFound = (what: string, id: string | number): ApiError =>
  createError(`${what.toUpperCase().replace(/ /g, '_')}_NOT_FOUND`, 404, `No ${what} with id ${id} exists in your accounts.`, { id });
