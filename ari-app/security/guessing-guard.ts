// Blocks SIP sources that keep failing authentication (password guessing, extension scans): each failure
// Asterisk reports over AMI is counted per source address over a sliding window; past the threshold the address
// is blocked for a while (Asterisk answers its every request 403), and a periodic sweep lifts blocks that have
// run their time.
//
// Fast under a burst: the count that decides is this process's own (every instance receives every event), so
// the block starts in the same tick as the event that crosses the threshold, and its first write is the ACL row
// Asterisk checks on every request; the Redis window, the block record and the log follow.
//
// Trunk providers' addresses are not exempt. A trunk is identified by its address and never authenticates, so
// no failure ever concerns a trunk's own calls: a failure from a trunk's address is someone trying a device's
// password. Such an address is blocked like any other; res_pjsip_acl's ACL is global (checked before any
// endpoint is known), so that trunk's calls from that address are refused too until the block ends or ops lift
// it (npm run sip:unblock). Protecting every account's devices wins over one provider address's availability;
// the block is logged at error level naming the trunk so ops see it at once.
import type { EventEmitter } from 'node:events';
import type { AmiMessage } from '../../core/asterisk/ami';
import { errorDetails, type Logger } from '../../core/logger';
import { denyRule, isAlwaysAllowed, isTrusted, trustedAddresses } from './address-rules';
import type { FailureWindow } from './failure-window';
import { RecentFailures } from './recent-failures';
import { authFailureOf, type AuthFailure } from './security-events';
import type { NewAddressBlock } from '../../db/repositories/sip-address-blocks';

export interface GuardSettings {
  /** Failures within the window that block an address. */
  maxFailures: number;
  windowMs: number;
  blockMs: number;
  sweepIntervalMs: number;
}

/** Where blocks live (db/repositories/sip-address-blocks.ts behind it). */
export interface BlockStore {
  /** Identify rows: the endpoint (a trunk) each `match` value identifies. Only to name a blocked trunk address. */
  trunkMatches(): Promise<{ endpoint: string; match: string }[]>;
  /** The ACL row alone: what makes Asterisk refuse the address. */
  deny(address: string, rule: string): Promise<void>;
  /** The record ops list, with the ACL row; false when the address was already blocked. */
  block(block: NewAddressBlock, now: Date): Promise<boolean>;
  expired(now: Date): Promise<string[]>;
  lift(address: string, expiredBy: Date): Promise<boolean>;
}

export interface GuardDeps {
  /** Emits "event" with each AMI event (an AmiConnection logged in for security events). */
  events: EventEmitter;
  window: FailureWindow;
  store: BlockStore;
  logger: Logger;
  settings: GuardSettings;
  now?: () => number;
}

/** How long after a block its address's late events (requests Asterisk took in before the ACL row) are still
 *  taken as that block's rather than the start of a new run. */
const IN_FLIGHT_MS = 5000;

export class GuessingGuard {
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private readonly now: () => number;
  private readonly recent: RecentFailures;
  /** Blocks this process is writing, or wrote within IN_FLIGHT_MS: the events of requests Asterisk took in
   *  before the block do not write it again. Not held for the block's length, so a block ops lift by hand is
   *  set again by the next run of failures. */
  private readonly blocking = new Map<string, { settledAt?: number; done: Promise<void> }>();
  private readonly onEvent = (message: AmiMessage): void => void this.handle(message);

  constructor(private readonly deps: GuardDeps) {
    this.now = deps.now ?? Date.now;
    this.recent = new RecentFailures(deps.settings.windowMs);
  }

  start(): void {
    this.deps.events.on('event', this.onEvent);
    this.sweepTimer = setInterval(() => void this.sweep(), this.deps.settings.sweepIntervalMs);
    // Blocks that ended while no instance was running are lifted now, not one interval later.
    void this.sweep();
  }

  stop(): void {
    this.deps.events.off('event', this.onEvent);
    clearInterval(this.sweepTimer);
  }

  /** Counts one AMI event if it reports a failed authentication; never throws (one bad event or an outage
   *  of Redis or the database is logged, and the next event is handled as usual). */
  async handle(message: AmiMessage): Promise<void> {
    const failure = authFailureOf(message, this.now());
    if (!failure || isAlwaysAllowed(failure.address)) return;
    const { maxFailures } = this.deps.settings;
    // The late events of a block being written: already decided, and under a burst every one of them would
    // delay the block's own database reply on this event loop.
    if (this.blocking.get(failure.address)?.settledAt === undefined && this.blocking.has(failure.address)) return;
    // Decided before any await: under a burst, every event handled meanwhile is a guess Asterisk evaluated.
    const local = this.recent.record(failure.address, failure.key, failure.atMs);
    const blockedHere = local >= maxFailures ? this.blockOnce(failure, local) : undefined;
    // Awaited below, unless the shared count fails first: its own failure must never go unhandled (that would
    // end the process, and every call it carries).
    blockedHere?.catch((error: unknown) => this.deps.logger.error('SIP address not blocked', { address: failure.address, error: errorDetails(error) }));
    try {
      const shared = await this.deps.window.record(failure.address, failure.key, failure.atMs);
      // After a restart this process has missed earlier failures; the shared window has not.
      await (blockedHere ?? (shared >= maxFailures ? this.blockOnce(failure, shared) : undefined));
    } catch (error) {
      this.deps.logger.error('SIP authentication failure not counted', { address: failure.address, event: failure.event, error: errorDetails(error) });
    }
  }

  private blockOnce(failure: AuthFailure, failures: number): Promise<void> {
    const { address } = failure;
    const current = this.blocking.get(address);
    if (current && (current.settledAt === undefined || this.now() - current.settledAt < IN_FLIGHT_MS)) return current.done;
    const entry: { settledAt?: number; done: Promise<void> } = { done: Promise.resolve() };
    entry.done = this.block(failure, failures, this.now() + this.deps.settings.blockMs).then(
      () => { entry.settledAt = this.now(); },
      (error: unknown) => {
        // Not blocked after all: the next failure tries again.
        this.blocking.delete(address);
        throw error;
      },
    );
    this.blocking.set(address, entry);
    return entry.done;
  }

  private async block(failure: AuthFailure, failures: number, untilMs: number): Promise<void> {
    const { store, window, logger, settings } = this.deps;
    const { address } = failure;
    const deny = denyRule(address);
    const decidedMs = this.now() - failure.atMs;
    await store.deny(address, deny);
    // From Asterisk's event to the ACL row: how long a burst kept being evaluated (AMI delivery, the write).
    const reaction = { eventToDecisionMs: decidedMs, eventToAclMs: this.now() - failure.atMs };
    this.recent.reset(address);
    const now = this.now();
    const blockedUntil = new Date(untilMs);
    const blocked = await store.block({ address, failures, lastEvent: failure.event, blockedUntil, deny }, new Date(now));
    // Failures counted before the block do not shorten the way to the next one.
    await window.reset(address);
    if (!blocked) return;
    const details = { address, failures, windowSeconds: settings.windowMs / 1000, lastEvent: failure.event, accountId: failure.accountId, blockedUntil: blockedUntil.toISOString(), ...reaction };
    const trunks = (await store.trunkMatches()).filter((row) => isTrusted(address, trustedAddresses([row.match]))).map((row) => row.endpoint);
    if (trunks.length === 0) {
      logger.warn('SIP address blocked', details);
      return;
    }
    logger.error('SIP address blocked', { ...details, trunks, consequence: 'calls from this trunk address are refused until the block ends or npm run sip:unblock lifts it' });
  }

  /** Lifts the blocks that have ended. Safe to run in every instance at once: each block is lifted (and
   *  logged) by the one whose delete removed it. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    const now = new Date(this.now());
    this.recent.prune(now.getTime());
    for (const [address, { settledAt }] of this.blocking) if (settledAt !== undefined && now.getTime() - settledAt >= IN_FLIGHT_MS) this.blocking.delete(address);
    try {
      for (const address of await this.deps.store.expired(now)) {
        if (await this.deps.store.lift(address, now)) this.deps.logger.info('SIP address block lifted', { address, reason: 'expired' });
      }
    } catch (error) {
      this.deps.logger.error('SIP address block sweep failed', { error: errorDetails(error) });
    } finally {
      this.sweeping = false;
    }
  }
}
