// Failed logins counted in Redis per username and per client address, over a sliding window started by the
// first failure. Past the limit the caller gets 429 with the seconds to wait; a success clears the username.
import type { Redis } from 'ioredis';
import { createError } from '../http/errors';

const WINDOW_SECONDS = 15 * 60;
const LIMITS = { user: 5, address: 30 } as const;

export class LoginThrottle {
  constructor(private readonly redis: Redis) {}

  private keys(username: string, address: string): { user: string; address: string } {
    return { user: `pbx:login-failures:user:${username.toLowerCase()}`, address: `pbx:login-failures:address:${address}` };
  }

  async assertAllowed(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    const replies = (await this.redis.multi().get(keys.user).get(keys.address).ttl(keys.user).ttl(keys.address).exec()) ?? [];
    const [userCount, addressCount, userTtl, addressTtl] = replies.map(([, value]) => Number(value ?? 0));
    const blocked: number[] = [];
    if ((userCount ?? 0) >= LIMITS.user) blocked.push(userTtl ?? WINDOW_SECONDS);
    if ((addressCount ?? 0) >= LIMITS.address) blocked.push(addressTtl ?? WINDOW_SECONDS);
    if (blocked.length > 0) {
      const retryAfterSeconds = Math.max(1, ...blocked);
      throw createError('TOO_MANY_ATTEMPTS', 429, `Too many failed logins. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    }
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    const pipeline = this.redis.multi();
    for (const key of [keys.user, keys.address]) pipeline.incr(key).expire(key, WINDOW_SECONDS, 'NX');
    await pipeline.exec();
  }

  async recordSuccess(username: string, address: string): Promise<void> {
    await this.redis.del(this.keys(username, address).user);
  }
}
