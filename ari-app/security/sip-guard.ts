// Wires the SIP guessing guard: its own AMI session for security events, the Redis failure window, and the
// database store of blocks.
import type { Redis } from 'ioredis';
import { AmiConnection } from '../../core/asterisk/ami';
import type { Config } from '../../core/config';
import { errorDetails, type Logger } from '../../core/logger';
import type { Database } from '../../db/connection';
import { blockAddress, denyAddress, expiredAddressBlocks, identifyMatches, liftAddressBlock } from '../../db/repositories/sip-address-blocks';
import { RedisFailureWindow } from './failure-window';
import { GuessingGuard, type BlockStore, type GuardSettings } from './guessing-guard';
import { AUTH_FAILURE_FILTER } from './security-events';

export interface SipGuard {
  start(): void;
  stop(): void;
}

/** The sweep runs every quarter of a block's length, kept between once a second and every 30 s: a block
 *  ends at most that much after its time. */
export function guardSettings(config: Config['sipGuard']): GuardSettings {
  const blockMs = config.blockSeconds * 1000;
  return {
    maxFailures: config.maxFailures,
    windowMs: config.windowSeconds * 1000,
    blockMs,
    sweepIntervalMs: Math.min(30_000, Math.max(1000, blockMs / 4)),
  };
}

function blockStore(db: Database): BlockStore {
  return {
    trunkMatches: () => identifyMatches(db),
    deny: (address, rule) => denyAddress(db, address, rule),
    block: (block, now) => blockAddress(db, block, now),
    expired: (now) => expiredAddressBlocks(db, now),
    lift: (address, expiredBy) => liftAddressBlock(db, address, expiredBy),
  };
}

export function createSipGuard(deps: { config: Config; db: Database; redis: Redis; logger: Logger }): SipGuard {
  const { config, logger } = deps;
  const settings = guardSettings(config.sipGuard);
  // A session of its own rather than config-sync's: under a scan Asterisk sends events by the thousand, and
  // they must not queue ahead of the cache expiries that apply device changes; and its filter (only failures,
  // not the two events every good REGISTER raises) then concerns this session alone.
  const ami = new AmiConnection({
    host: config.ami.host, port: config.ami.port, username: config.ami.username, secret: config.ami.password, events: 'security', logger,
  });
  ami.on('connected', () => {
    ami.action('Filter', { Operation: 'Add', Filter: AUTH_FAILURE_FILTER })
      .catch((error: unknown) => logger.warn('AMI event filter not set; counting from unfiltered security events', { error: errorDetails(error) }));
  });
  const guard = new GuessingGuard({ events: ami, window: new RedisFailureWindow(deps.redis, settings.windowMs), store: blockStore(deps.db), logger, settings });
  return {
    start() {
      guard.start();
      ami.start();
    },
    stop() {
      guard.stop();
      ami.stop();
    },
  };
}
