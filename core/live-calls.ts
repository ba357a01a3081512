// Connected calls are written to Redis so that an ARI app that restarts mid-call can find them again and keep
// ending both legs together. Ringing calls are not: after a restart they are cleaned up, not resumed.
import type { Redis } from 'ioredis';

export interface LiveCall {
  callId: string;
  accountId: number;
  bridgeId: string;
  channelIds: string[];
  connectedAt: string;
}

const KEY_PREFIX = 'pbx:live-call:';
const INDEX = 'pbx:live-calls';
// Longer than any call we expect; a stale record only costs a reconciliation lookup.
const TTL_SECONDS = 24 * 3600;

export class LiveCallStore {
  constructor(private readonly redis: Redis) {}

  async save(call: LiveCall): Promise<void> {
    await this.redis
      .multi()
      .set(KEY_PREFIX + call.callId, JSON.stringify(call), 'EX', TTL_SECONDS)
      .sadd(INDEX, call.callId)
      .exec();
  }

  async remove(callId: string): Promise<void> {
    await this.redis.multi().del(KEY_PREFIX + callId).srem(INDEX, callId).exec();
  }

  async all(): Promise<LiveCall[]> {
    const ids = await this.redis.smembers(INDEX);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => KEY_PREFIX + id));
    const calls: LiveCall[] = [];
    const expired: string[] = [];
    values.forEach((value, index) => (value ? calls.push(JSON.parse(value) as LiveCall) : expired.push(ids[index] ?? '')));
    if (expired.length > 0) await this.redis.srem(INDEX, ...expired);
    return calls;
  }
}
