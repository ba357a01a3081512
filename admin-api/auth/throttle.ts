// Password attempts (logins and password changes) counted in Redis over a window started by the first attempt.
// Three counters: the user at one address (the tight limit, so failures from elsewhere never lock the rightful
// user out from their own address), the user from anywhere (a slow limit against guessing spread over many
// addresses) and the address across users. An attempt is counted before its password is checked and given
// back when it was right, so a parallel burst cannot run past a limit while the checks are in flight.
import type { Redis } from 'ioredis';
import { authErrors } from './errors';

const WINDOW_SECONDS = 15 * 60;
export const ATTEMPT_LIMITS = { userAtAddress: 5, user: 50, address: 30 } as const;

/** Whose password is tried: a user that exists (keyed on its id, whatever spelling found it) or a name. */
export type AttemptSubject = { userId: number } | { username: string };

/** A username as MariaDB's collation compares it (trailing spaces, case and accents ignored), so spellings
 *  the database treats as one name share one counter even when no user has that name. */
export function canonicalUsername(username: string): string {
  return username.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+$/u, '');
}

// Checks every counter first and counts the attempt on all of them only if none is at its limit; answers the
// seconds to wait (0 when allowed). KEYS: counters; ARGV[1]: window; ARGV[2..]: each counter's limit.
const TAKE_ATTEMPT = `
local wait = 0
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then ttl = tonumber(ARGV[1]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1], 'NX')
end
return 0`;

// A right password: the user-at-address counter starts over, the others get their attempt back.
const GIVE_BACK = `
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0`;

export class LoginThrottle {
  constructor(private readonly redis: Redis) {}

  private keys(subject: AttemptSubject, address: string): [string, string, string] {
    const who = 'userId' in subject ? `id:${subject.userId}` : `name:${canonicalUsername(subject.username)}`;
    return [`pbx:login-failures:user-address:${who}:${address}`, `pbx:login-failures:user:${who}`, `pbx:login-failures:address:${address}`];
  }

  /** Counts a password attempt, or refuses it with 429 when a limit is reached. */
  async takeAttempt(subject: AttemptSubject, address: string): Promise<void> {
    const limits = [ATTEMPT_LIMITS.userAtAddress, ATTEMPT_LIMITS.user, ATTEMPT_LIMITS.address];
    const wait = Number(await this.redis.eval(TAKE_ATTEMPT, 3, ...this.keys(subject, address), WINDOW_SECONDS, ...limits));
    if (wait > 0) throw authErrors.tooManyAttempts(wait);
  }

  /** The attempt's password was right: it was no failure. */
  async giveBack(subject: AttemptSubject, address: string): Promise<void> {
    await this.redis.eval(GIVE_BACK, 3, ...this.keys(subject, address));
  }
}
