// Failed authentications per source address over a sliding window, kept in Redis so the count outlives an ARI
// app instance's restart and every instance counts into the same window (recent-failures.ts is the fast path). Each failure is a sorted-set member named after the AMI event itself (scored by
// its time): every instance receives the same event and adds the same member, so it counts once however many
// instances saw it.
import type { Redis } from 'ioredis';

export function failuresKey(address: string): string {
  return `pbx:sip-guard:failures:${address}`;
}

export interface FailureWindow {
  /** Records one failure; resolves with how many the address has within the window. */
  record(address: string, failureKey: string, atMs: number): Promise<number>;
  /** Forgets the address's failures: a block starts its count again from zero. */
  reset(address: string): Promise<void>;
}

// One script, so adding, trimming, counting and renewing the key's expiry is one atomic step and one round trip.
const RECORD_SCRIPT = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])`;

export class RedisFailureWindow implements FailureWindow {
  constructor(private readonly redis: Redis, private readonly windowMs: number) {}

  async record(address: string, failureKey: string, atMs: number): Promise<number> {
    // The key goes away with its last failure: a scan from many addresses leaves nothing behind.
    return Number(await this.redis.eval(RECORD_SCRIPT, 1, failuresKey(address), atMs, failureKey, this.windowMs));
  }

  async reset(address: string): Promise<void> {
    await this.redis.del(failuresKey(address));
  }
}
