// Constraint violations the database reports are the client's conflicts, not our failures: a unique key names
// something that already exists (a role or group name taken, a race between two admins), a foreign key
// something that no longer does. Both become 409s with the key that refused the write.
import { ApiError, createError } from './errors';

interface MysqlError {
  code?: string;
  sqlMessage?: string;
}

const DUPLICATE_KEY = /Duplicate entry '(.*)' for key '([^']+)'/;

export function constraintViolation(error: unknown): ApiError | undefined {
  const { code, sqlMessage } = (error ?? {}) as MysqlError;
  if (code === 'ER_DUP_ENTRY') {
    const match = DUPLICATE_KEY.exec(sqlMessage ?? '');
    const key = match?.[2]?.split('.').pop() ?? 'unknown';
    const what = key.includes('name') ? 'name' : 'value';
    return createError('ALREADY_EXISTS', 409, `That ${what} is already taken: choose another.`, { key });
  }
  if (code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_ROW_IS_REFERENCED_2') {
    return createError('REFERENCE_CONFLICT', 409, 'The change refers to something that does not exist, or something still refers to what you changed. Reload and try again.');
  }
  return undefined;
}

/** Seconds a client should wait before retrying a 429 or 503, as a Retry-After header value. */
export function retryAfterSeconds(error: ApiError): number | undefined {
  if (error.status !== 429 && error.status !== 503) return undefined;
  const fromDetails = Number(error.details.retryAfterSeconds);
  return Number.isFinite(fromDetails) && fromDetails > 0 ? Math.ceil(fromDetails) : 5;
}
