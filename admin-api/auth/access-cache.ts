// Authentication and authorization are asked on every request; their answers change rarely. This cache keeps
// them per process. Any change to a user's access (logout, key revocation, role change, removal, deactivation)
// drops that user's entries here at once and on every other admin API process through Redis; the TTL bounds
// how stale an entry could get if a message were ever lost. Only positive answers are kept.
// Pub/sub drops what is published while a subscriber reconnects, so the cache is trusted only while its
// subscription is up: from a dropped connection until it is subscribed again nothing is served from memory,
// and everything remembered before is dropped. A malformed message is logged and skipped.
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger';
import { errorDetails } from '../../core/logger';
import type { EffectiveMembership } from '../../db/repositories/memberships';
import type { Actor } from '../scope';

const CHANNEL = 'pbx:access:changed';
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

interface Entry<T> {
  value: T;
  userId: number;
  expires: number;
}

export interface AccessInvalidator {
  /** Drops what is cached about these users, here and in every other process. */
  userAccessChanged(userIds: number[]): Promise<void>;
}

export class AccessCache implements AccessInvalidator {
  private readonly actors = new Map<string, Entry<Actor>>();
  private readonly memberships = new Map<string, Entry<EffectiveMembership>>();
  /** True while subscribed: only then does every access change reach this process. */
  private subscribed = false;

  constructor(private readonly publisher: Redis, private readonly subscriber: Redis, private readonly logger: Logger) {}

  async start(): Promise<void> {
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    // Connection errors are followed by 'close', which is what changes our state; no need to log each retry.
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('close', () => {
      if (this.subscribed) this.logger.warn('access change subscription lost; cache off until resubscribed');
      this.subscribed = false;
    });
    // ioredis resubscribes by itself on reconnect; subscribing again here tells us when it has.
    this.subscriber.on('ready', () => void this.subscribe());
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    if (this.subscribed) return;
    try {
      await this.subscriber.subscribe(CHANNEL);
    } catch (error) {
      this.logger.warn('access change subscription failed; cache off until Redis is back', { error: errorDetails(error).message });
      return;
    }
    // Changes published while we were not subscribed are lost: forget everything remembered before.
    this.clear();
    this.subscribed = true;
  }

  private receive(message: string): void {
    let userIds: unknown;
    try {
      userIds = (JSON.parse(message) as { userIds?: unknown } | null)?.userIds;
    } catch {
      userIds = undefined;
    }
    const ids = Array.isArray(userIds) ? userIds.map(Number).filter((id) => Number.isSafeInteger(id)) : [];
    if (ids.length === 0) {
      this.logger.warn('unreadable access change skipped', { payload: message.slice(0, 200) });
      return;
    }
    this.drop(ids);
  }

  actor(tokenHash: string): Actor | undefined {
    return this.fresh(this.actors, tokenHash);
  }

  rememberActor(tokenHash: string, actor: Actor): void {
    this.remember(this.actors, tokenHash, actor, actor.user.id);
  }

  membership(userId: number, accountId: number): EffectiveMembership | undefined {
    return this.fresh(this.memberships, `${userId}:${accountId}`);
  }

  rememberMembership(userId: number, accountId: number, membership: EffectiveMembership): void {
    this.remember(this.memberships, `${userId}:${accountId}`, membership, userId);
  }

  async userAccessChanged(userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    this.drop(userIds);
    await this.publisher.publish(CHANNEL, JSON.stringify({ userIds })).catch((error: unknown) => {
      this.logger.error('access change not published; other processes keep entries up to their TTL', { error: errorDetails(error) });
    });
  }

  private fresh<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    if (!this.subscribed) return undefined;
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.value;
    map.delete(key);
    return undefined;
  }

  private remember<T>(map: Map<string, Entry<T>>, key: string, value: T, userId: number): void {
    if (!this.subscribed) return;
    // Crude bound on memory: a full map starts over rather than evicting one by one.
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, { value, userId, expires: Date.now() + TTL_MS });
  }

  private clear(): void {
    this.actors.clear();
    this.memberships.clear();
  }

  private drop(userIds: number[]): void {
    const affected = new Set(userIds);
    for (const map of [this.actors, this.memberships] as Map<string, Entry<unknown>>[]) {
      for (const [key, entry] of map) if (affected.has(entry.userId)) map.delete(key);
    }
  }
}
