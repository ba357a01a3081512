// Who an extension rings, read from MariaDB through a small cache. Change events from the admin API drop an
// account's entries at once; the TTL bounds staleness if an event is ever missed.
import type { Database } from '../../db/connection';
import { findRingTargets, type RingTarget } from '../../db/repositories/devices';
import { registeredEndpoints } from '../../db/repositories/pjsip';
import { findInboundRoute } from '../../db/repositories/trunks';

const TTL_MS = 30_000;

export class RoutingDirectory {
  private readonly cache = new Map<string, { targets: RingTarget[]; expires: number }>();

  constructor(private readonly db: Database) {}

  async ringTargets(accountId: number, extension: string): Promise<RingTarget[]> {
    const key = `${accountId}:${extension}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.targets;
    const targets = await findRingTargets(this.db, accountId, extension);
    this.cache.set(key, { targets, expires: Date.now() + TTL_MS });
    return targets;
  }

  /** Registrations change every few minutes per phone: read fresh, never cached. */
  registered(endpointIds: string[]): Promise<Set<string>> {
    return registeredEndpoints(this.db, endpointIds);
  }

  /** Numbers change rarely but a stale one misroutes a caller: read fresh (one indexed query per call). */
  inboundRoute(trunkEndpoint: string, number: string): Promise<{ accountId: number; extension: string | null } | undefined> {
    return findInboundRoute(this.db, trunkEndpoint, number);
  }

  invalidateAccount(accountId: number): void {
    const prefix = `${accountId}:`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }
}
