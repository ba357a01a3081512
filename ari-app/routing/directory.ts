// Who an extension of an account reaches, how its users and ring groups ring, and where a provider's number
// routes, read from MariaDB and kept in memory. Change events from the admin API mark an account's entries for a fresh read at once; the TTL bounds
// staleness if an event is ever missed. When MariaDB is down, calls are routed from the last answers read
// (a database outage must not drop calls we know how to route); a call whose route was never read is refused
// with 503 by its flow (RoutingUnavailableError).
import { isDatabaseUnavailable, type Database } from '../../db/connection';
import { registeredEndpoints } from '../../db/repositories/pjsip';
import {
  findExtensionOwner, findRingGroupRouting, findTrunkNumberRoute, findUserRouting, setRingGroupNextPosition,
  type ExtensionOwner, type RingGroupRouting, type TrunkNumberRoute, type UserRouting,
} from '../../db/repositories/routing';
import { errorDetails, type Logger } from '../../core/logger';
import { LastKnown } from './last-known';

export { callerOutcomeFor, RoutingUnavailableError } from './last-known';

const TTL_MS = 30_000;
const MAX_ENTRIES = 100_000;

export class RoutingDirectory {
  // The routing plan (issue 9): keyed `${accountId}:...` so one account's change event marks all of them stale.
  private readonly extensionOwners = new LastKnown<ExtensionOwner | undefined>(TTL_MS, MAX_ENTRIES);
  private readonly users = new LastKnown<UserRouting | undefined>(TTL_MS, MAX_ENTRIES);
  private readonly ringGroups = new LastKnown<RingGroupRouting | undefined>(TTL_MS, MAX_ENTRIES);
  private readonly trunkNumberRoutes = new LastKnown<TrunkNumberRoute | undefined>(TTL_MS, MAX_ENTRIES);

  constructor(private readonly db: Database, private readonly logger?: Logger) {}

  /** Registrations change every few minutes per phone: read fresh, never cached. Without the database, every
   *  target is offered to Asterisk, which knows its own registrations: an unregistered one fails to ring. */
  async registered(endpointIds: string[]): Promise<Set<string>> {
    try {
      return await registeredEndpoints(this.db, endpointIds);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.fromMemory('registrations', { endpoints: endpointIds.length }, error);
      return new Set(endpointIds);
    }
  }

  /** Who owns an extension of the account's plan (a user, a ring group, ...). */
  extensionOwner(accountId: number, extension: string): Promise<ExtensionOwner | undefined> {
    return this.extensionOwners.get(`${accountId}:${extension}`, () => findExtensionOwner(this.db, accountId, extension), {
      onFallback: (error) => this.fromMemory('extension owner', { accountId, extension }, error),
    });
  }

  /** A user's call settings, forwarding and devices in an account (registrations are read apart, fresh). */
  user(accountId: number, userId: number): Promise<UserRouting | undefined> {
    return this.users.get(`${accountId}:${userId}`, () => findUserRouting(this.db, accountId, userId), {
      onFallback: (error) => this.fromMemory('user routing', { accountId, userId }, error),
    });
  }

  ringGroup(accountId: number, ringGroupId: number): Promise<RingGroupRouting | undefined> {
    return this.ringGroups.get(`${accountId}:${ringGroupId}`, () => findRingGroupRouting(this.db, accountId, ringGroupId), {
      onFallback: (error) => this.fromMemory('ring group', { accountId, ringGroupId }, error),
    });
  }

  /** Round robin's memory moves on each answer: kept in memory at once (the next call starts there without a
   *  read) and written behind; a failed write only costs the memory if the app restarts before the next one. */
  rememberNextPosition(accountId: number, group: RingGroupRouting, nextPosition: number): void {
    group.nextPosition = nextPosition;
    setRingGroupNextPosition(this.db, group.id, nextPosition).catch((error: unknown) => {
      this.logger?.warn('ring group position not saved', { accountId, ringGroupId: group.id, error: errorDetails(error).message });
    });
  }

  /** A provider's number: its account and route. Read fresh like inboundRoute (a stale one misroutes). */
  trunkNumberRoute(trunkEndpoint: string, number: string): Promise<TrunkNumberRoute | undefined> {
    return this.trunkNumberRoutes.get(`${trunkEndpoint}:${number}`, () => findTrunkNumberRoute(this.db, trunkEndpoint, number), {
      alwaysRead: true,
      onFallback: (error) => this.fromMemory('trunk number route', { trunk: trunkEndpoint, number }, error),
    });
  }

  invalidateAccount(accountId: number): void {
    const prefix = `${accountId}:`;
    const matches = (key: string): boolean => key.startsWith(prefix);
    for (const cache of this.accountCaches()) cache.staleWhere(matches);
  }

  /** After change events may have been missed: everything is read afresh (and kept as the fallback). */
  invalidateAll(): void {
    for (const cache of this.accountCaches()) cache.staleWhere(() => true);
  }

  private accountCaches(): LastKnown<unknown>[] {
    return [this.extensionOwners, this.users, this.ringGroups] as LastKnown<unknown>[];
  }

  private fromMemory(what: string, meta: Record<string, unknown>, error: unknown): void {
    this.logger?.warn('database unavailable; routing from memory', { what, ...meta, error: errorDetails(error).message });
  }
}
