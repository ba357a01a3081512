// Failed authentications per source address over a sliding window, kept in Redis so every ARI app instance
// counts into the same window. Each failure is a sorted-set member named after the AMI event itself (scored by
// its time): every instance receives the same event and adds the same member, so it counts once however many
// instances saw it.
import type { Redis } from 'ioredis';

const CLAIM_PREFIX = 'pbx:sip-guard:blocking:';

export function failuresKey(address: string): string {
  return `pbx:sip-guard:failures:${address}`;
}

export interface FailureWindow {
  /** Records one failure; resolves with how many the address has within the window. */
  record(address: string, failureKey: string, atMs: number): Promise<number>;
  /** Forgets the address's failures: a block starts its count again from zero. */
  reset(address: string): Promise<void>;
  /** One instance at a time decides on blocking an address; false when another is doing it. */
  claim(address: string, ttlMs: number): Promise<boolean>;
  release(address: string): Promise<void>;
}

export class RedisFailureWindow implements FailureWindow {
  constructor(private readonly redis: Redis, private readonly windowMs: number) {}

  async record(address: string, failureKey: string, atMs: number): Promise<number> {
    const key = failuresKey(address);
    const results = await this.redis.multi()
      .zadd(key, atMs, failureKey)
      .zremrangebyscore(key, '-inf', atMs - this.windowMs)
      .zcard(key)
      // The key goes away with its last failure: a scan from many addresses leaves nothing behind.
      .pexpire(key, this.windowMs)
      .exec();
    const [error, count] = results?.[2] ?? [new Error('Redis transaction discarded'), 0];
    if (error) throw error;
    return Number(count);
  }

  async reset(address: string): Promise<void> {
    await this.redis.del(failuresKey(address));
  }

  async claim(address: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(CLAIM_PREFIX + address, String(process.pid), 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(address: string): Promise<void> {
    await this.redis.del(CLAIM_PREFIX + address);
  }
}
