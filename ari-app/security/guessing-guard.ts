// Blocks SIP sources that keep failing authentication (password guessing, extension scans): each failure
// Asterisk reports over AMI is counted per source address over a sliding window shared by every ARI app
// instance; past the threshold the address is blocked for a while (Asterisk answers its every request 403),
// and a periodic sweep lifts blocks that have run their time.
import type { EventEmitter } from 'node:events';
import type { AmiMessage } from '../../core/asterisk/ami';
import { errorDetails, type Logger } from '../../core/logger';
import { denyRule, isAlwaysAllowed, isTrusted, trustedAddresses } from './address-rules';
import type { FailureWindow } from './failure-window';
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
  /** identify `match` values: trunk providers, never blocked. */
  trustedMatches(): Promise<string[]>;
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

/** Long enough for one instance to read the trunks and write the block; short enough that a crashed
 *  instance's claim does not hold up the next decision for long. */
const CLAIM_TTL_MS = 10_000;

export class GuessingGuard {
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private readonly now: () => number;
  private readonly onEvent = (message: AmiMessage): void => void this.handle(message);

  constructor(private readonly deps: GuardDeps) {
    this.now = deps.now ?? Date.now;
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
    try {
      const failures = await this.deps.window.record(failure.address, failure.key, failure.atMs);
      if (failures >= this.deps.settings.maxFailures) await this.blockOnce(failure, failures);
    } catch (error) {
      this.deps.logger.error('SIP authentication failure not counted', { address: failure.address, event: failure.event, error: errorDetails(error) });
    }
  }

  /** Every instance sees the threshold crossed; the one that claims the address decides. */
  private async blockOnce(failure: AuthFailure, failures: number): Promise<void> {
    const { window } = this.deps;
    if (!(await window.claim(failure.address, CLAIM_TTL_MS))) return;
    try {
      await this.block(failure, failures);
    } finally {
      await window.release(failure.address);
    }
  }

  private async block(failure: AuthFailure, failures: number): Promise<void> {
    const { store, window, logger, settings } = this.deps;
    const { address } = failure;
    if (isTrusted(address, trustedAddresses(await store.trustedMatches()))) {
      await window.reset(address);
      logger.warn('repeated SIP authentication failures from a trunk address; not blocked', { address, failures, lastEvent: failure.event, accountId: failure.accountId });
      return;
    }
    const now = this.now();
    const blockedUntil = new Date(now + settings.blockMs);
    const blocked = await store.block({ address, failures, lastEvent: failure.event, blockedUntil, deny: denyRule(address) }, new Date(now));
    // Failures counted before the block do not shorten the way to the next one.
    await window.reset(address);
    if (!blocked) return;
    logger.warn('SIP address blocked', {
      address, failures, windowSeconds: settings.windowMs / 1000, lastEvent: failure.event, accountId: failure.accountId, blockedUntil: blockedUntil.toISOString(),
    });
  }

  /** Lifts the blocks that have ended. Safe to run in every instance at once: each block is lifted (and
   *  logged) by the one whose delete removed it. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    const now = new Date(this.now());
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
