// A dependency that is down (MariaDB, Redis) is not a bug in our code: the client is told to come back in a
// few seconds (503 with Retry-After) and the process recovers by itself once the dependency returns, because
// knex's pool and ioredis both reconnect on their own.
import { isDatabaseUnavailable } from '../../db/connection';
import { createError, type ApiError } from '../http/errors';

/** How long a client should wait before retrying while a dependency is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

// ioredis's own words for "no connection": its retry budget ran out, or the connection closed under a command.
const REDIS_UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError']);
const REDIS_UNAVAILABLE_MESSAGES = [/^Connection is closed\.?$/, /^Stream isn't writeable/, /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)\b/];

export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (REDIS_UNAVAILABLE_NAMES.has(error.name)) return true;
  return REDIS_UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** The 503 a request gets when a dependency it needed is down; undefined for any other error. */
export function dependencyOutage(error: unknown): ApiError | undefined {
  const dependency = isDatabaseUnavailable(error) ? 'database' : isRedisUnavailable(error) ? 'redis' : undefined;
  if (!dependency) return undefined;
  return createError('SERVICE_UNAVAILABLE', 503, 'A service we depend on is unavailable; try again shortly.', {
    dependency,
    retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
  });
}
