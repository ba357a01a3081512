// The per-account limit on simultaneous outbound calls, counted in Redis so that every ARI app instance sees
// the same count: one sorted set per account whose members are the calls holding a slot, scored by when the
// slot expires. A call refreshes its slot while it lasts and frees it when it ends; a slot whose app died
// (no refresh) expires by itself after SLOT_TTL_MS, so a crash never leaves an account's outbound calls blocked
// for longer. While Redis is unreachable the count falls back to this instance's own calls: the limit still
// holds per instance rather than failing every outbound call or none.
import type { Redis } from 'ioredis';
import { errorDetails, type Logger } from '../../core/logger';

export const SLOT_TTL_MS = 120_000;
export const SLOT_REFRESH_MS = 30_000;

// KEYS[1] the account's set; ARGV: now, expiry, limit, call id, key TTL (ms). 1: slot taken, 0: at the limit.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

export class OutboundSlots {
  private readonly local = new Map<number, Set<string>>();

  constructor(private readonly redis: Redis, private readonly logger: Logger, private readonly now: () => number = Date.now) {}

  private key(accountId: number): string {
    return `pbx:outbound-slots:${accountId}`;
  }

  /** Takes a slot for the call unless the account already has `limit` outbound calls up. */
  async acquire(accountId: number, callId: string, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    const mine = this.local.get(accountId) ?? new Set<string>();
    try {
      const taken = await this.redis.eval(ACQUIRE, 1, this.key(accountId), this.now(), this.now() + SLOT_TTL_MS, limit, callId, SLOT_TTL_MS);
      if (taken !== 1) return false;
    } catch (error) {
      this.logger.warn('outbound slots unavailable in Redis; counting this instance only', { accountId, error: errorDetails(error).message });
      if (mine.size >= limit) return false;
    }
    mine.add(callId);
    this.local.set(accountId, mine);
    return true;
  }

  /** Keeps a connected call's slot from expiring. */
  async refresh(accountId: number, callId: string): Promise<void> {
    await this.redis.zadd(this.key(accountId), 'XX', this.now() + SLOT_TTL_MS, callId).catch(() => undefined);
  }

  async release(accountId: number, callId: string): Promise<void> {
    const mine = this.local.get(accountId);
    mine?.delete(callId);
    if (mine?.size === 0) this.local.delete(accountId);
    await this.redis.zrem(this.key(accountId), callId).catch((error: unknown) => this.logger.warn('outbound slot not released; it expires by itself', { accountId, callId, error: errorDetails(error).message }));
  }
}
