import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import winston from 'winston';
import type { AmiMessage } from '../../core/asterisk/ami';
import { denyRule, isAlwaysAllowed, isTrusted, normaliseAddress, trustedAddresses } from '../../ari-app/security/address-rules';
import type { FailureWindow } from '../../ari-app/security/failure-window';
import { GuessingGuard, type BlockStore } from '../../ari-app/security/guessing-guard';
import { authFailureOf } from '../../ari-app/security/security-events';
import type { NewAddressBlock } from '../../db/repositories/sip-address-blocks';

/** Events as Asterisk 22 sent them to an AMI session with Events: security (SIPp from 127.0.0.7). */
function securityEvent(event: string, fields: Record<string, string> = {}): AmiMessage {
  return {
    Event: event, Privilege: 'security,all', EventTV: '2026-11-23T23:20:27.648+0000', Severity: 'Error', Service: 'PJSIP',
    EventVersion: '1', AccountID: 'dgfdf8xpv32up', SessionID: '1-31960@127.0.0.7', LocalAddress: 'IPV4/UDP/192.0.2.2/5060',
    RemoteAddress: 'IPV4/UDP/127.0.0.7/5099', ...fields,
  };
}

/** A wrong password from `address`, the n-th of its kind (its own request, a millisecond apart). */
function wrongPassword(address: string, n: number): AmiMessage {
  const ms = String(n).padStart(3, '0');
  return securityEvent('ChallengeResponseFailed', { RemoteAddress: `IPV4/UDP/${address}/5099`, SessionID: `${n}@${address}`, EventTV: `2026-11-23T23:20:27.${ms}+0000` });
}

/** The sliding window as Redis keeps it: members named by failure, so a repeated event counts once. */
class MemoryWindow implements FailureWindow {
  readonly failures = new Map<string, Map<string, number>>();
  constructor(private readonly windowMs: number) {}
  async record(address: string, key: string, atMs: number): Promise<number> {
    const set = this.failures.get(address) ?? new Map<string, number>();
    set.set(key, atMs);
    for (const [member, at] of set) if (at <= atMs - this.windowMs) set.delete(member);
    this.failures.set(address, set);
    return set.size;
  }
  async reset(address: string): Promise<void> { this.failures.delete(address); }
}

class MemoryStore implements BlockStore {
  readonly blocks = new Map<string, NewAddressBlock>();
  readonly denied: string[] = [];
  trunks: { endpoint: string; match: string }[] = [];
  async trunkMatches(): Promise<{ endpoint: string; match: string }[]> { return this.trunks; }
  async deny(_address: string, rule: string): Promise<void> { this.denied.push(rule); }
  async block(block: NewAddressBlock, now: Date): Promise<boolean> {
    const existing = this.blocks.get(block.address);
    if (existing && existing.blockedUntil > now) return false;
    this.blocks.set(block.address, block);
    return true;
  }
  async expired(now: Date): Promise<string[]> { return [...this.blocks.values()].filter((block) => block.blockedUntil <= now).map((block) => block.address); }
  async lift(address: string): Promise<boolean> { return this.blocks.delete(address); }
}

function guardFixture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ objectMode: true, write(info: Record<string, unknown>, _encoding, done) { lines.push(info); done(); } });
  const clock = { now: Date.parse('2026-11-23T23:20:28Z') };
  const store = new MemoryStore();
  const window = new MemoryWindow(60_000);
  const guard = new GuessingGuard({
    events: new EventEmitter(), window, store, logger: winston.createLogger({ transports: [new winston.transports.Stream({ stream })] }),
    settings: { maxFailures: 10, windowMs: 60_000, blockMs: 900_000, sweepIntervalMs: 30_000 }, now: () => clock.now,
  });
  const logged = (message: string) => lines.filter((line) => line.message === message);
  return { guard, store, window, clock, logged };
}

describe('SIP guessing guard', () => {
  describe('security events', () => {
    it('given a wrong password for a known device, then one failure from the source address at Asterisk\'s time', () => {
      expect(authFailureOf(securityEvent('ChallengeResponseFailed'), 0)).to.deep.include({
        address: '127.0.0.7', event: 'ChallengeResponseFailed', accountId: 'dgfdf8xpv32up', atMs: Date.parse('2026-11-23T23:20:27.648Z'),
      });
    });

    it('given an unknown user, then its InvalidAccountID counts and the ChallengeResponseFailed of the same request does not', () => {
      expect(authFailureOf(securityEvent('InvalidAccountID', { AccountID: 'scan1000' }), 0)?.event).to.equal('InvalidAccountID');
      expect(authFailureOf(securityEvent('ChallengeResponseFailed', { AccountID: '<unknown>' }), 0)).to.equal(undefined);
    });

    it('given the events of a good registration or of another service, then nothing counts', () => {
      expect(authFailureOf(securityEvent('ChallengeSent', { Severity: 'Informational' }), 0)).to.equal(undefined);
      expect(authFailureOf(securityEvent('SuccessfulAuth', { Severity: 'Informational' }), 0)).to.equal(undefined);
      expect(authFailureOf(securityEvent('InvalidPassword', { Service: 'AMI' }), 0)).to.equal(undefined);
    });

    it('given IPv6 and IPv4-mapped sources, then each address has one spelling', () => {
      expect(authFailureOf(securityEvent('InvalidAccountID', { RemoteAddress: 'IPV6/UDP/[2001:DB8:0:0::7]/5060' }), 0)?.address).to.equal('2001:db8::7');
      expect(authFailureOf(securityEvent('InvalidAccountID', { RemoteAddress: 'IPV6/UDP/::ffff:198.51.100.7/5060' }), 0)?.address).to.equal('198.51.100.7');
      expect(authFailureOf(securityEvent('InvalidAccountID', { RemoteAddress: 'garbage' }), 0)).to.equal(undefined);
    });
  });

  describe('address rules', () => {
    it('given loopback, then only 127.0.0.1 and ::1 (the WebRTC proxy) are always allowed', () => {
      expect(['127.0.0.1', '::1'].map(isAlwaysAllowed)).to.deep.equal([true, true]);
      expect(['127.0.0.7', '203.0.113.9'].map(isAlwaysAllowed)).to.deep.equal([false, false]);
      expect(normaliseAddress('::ffff:127.0.0.1')).to.equal('127.0.0.1');
    });

    it('given identify match values, then addresses, CIDRs and netmasks are trusted and host names ignored', () => {
      const trusted = trustedAddresses(['203.0.113.5, 198.51.100.0/24', '192.0.2.0/255.255.255.128', 'sip.provider.example', '2001:db8:5::/48']);
      const check = (address: string) => isTrusted(address, trusted);
      expect(['203.0.113.5', '198.51.100.77', '192.0.2.100', '2001:db8:5::1'].map(check)).to.deep.equal([true, true, true, true]);
      expect(['203.0.113.6', '192.0.2.200', '2001:db8:6::1'].map(check)).to.deep.equal([false, false, false]);
    });

    it('given an address, then the ACL denies exactly it', () => {
      expect(denyRule('203.0.113.9')).to.equal('203.0.113.9/32');
      expect(denyRule('2001:db8::7')).to.equal('2001:db8::7/128');
    });
  });

  describe('blocking', () => {
    it('given nine failures within the window, then no block; given the tenth, then one block until the duration ends', async () => {
      const { guard, store, logged, clock } = guardFixture();
      for (let n = 1; n <= 9; n++) await guard.handle(wrongPassword('203.0.113.9', n));
      expect(store.blocks.size).to.equal(0);
      await guard.handle(wrongPassword('203.0.113.9', 10));
      expect(store.blocks.get('203.0.113.9')).to.deep.include({ deny: '203.0.113.9/32', failures: 10, lastEvent: 'ChallengeResponseFailed' });
      expect(store.blocks.get('203.0.113.9')?.blockedUntil.getTime()).to.equal(clock.now + 900_000);
      expect(logged('SIP address blocked')).to.have.length(1);
      expect(logged('SIP address blocked')[0]).to.include({ address: '203.0.113.9', failures: 10 });
    });

    it('given the same event delivered twice (two ARI app instances), then it counts once', async () => {
      const { guard, store } = guardFixture();
      for (let n = 1; n <= 9; n++) {
        await guard.handle(wrongPassword('203.0.113.9', n));
        await guard.handle(wrongPassword('203.0.113.9', n));
      }
      expect(store.blocks.size).to.equal(0);
    });

    it('given failures from loopback (the WebRTC proxy), then it is not blocked', async () => {
      const { guard, store, window } = guardFixture();
      for (let n = 1; n <= 12; n++) await guard.handle(wrongPassword('127.0.0.1', n));
      expect(store.blocks.size).to.equal(0);
      expect(window.failures.has('127.0.0.1')).to.equal(false);
    });

    it('given failures against a device from a trunk provider\'s address, then they count and the address is blocked, logged as an error naming the trunk', async () => {
      const { guard, store, logged } = guardFixture();
      store.trunks = [{ endpoint: 'trunk-carrier', match: '203.0.113.1,198.51.100.0/24' }];
      for (let n = 1; n <= 10; n++) await guard.handle(wrongPassword('198.51.100.20', n));
      expect(store.blocks.get('198.51.100.20')).to.deep.include({ deny: '198.51.100.20/32', failures: 10 });
      expect(logged('SIP address blocked')[0]).to.deep.include({ level: 'error', address: '198.51.100.20', trunks: ['trunk-carrier'] });
    });

    it('given a burst of failures delivered at once, then the ACL row is written as the threshold is crossed, before the burst\'s later events are handled', async () => {
      const { guard, store } = guardFixture();
      let handled = 0;
      const deniedAfter: number[] = [];
      store.deny = async (_address, rule) => { deniedAfter.push(handled); store.denied.push(rule); };
      const pending: Promise<void>[] = [];
      for (let n = 1; n <= 100; n++) {
        handled += 1;
        pending.push(guard.handle(wrongPassword('203.0.113.9', n)));
      }
      await Promise.all(pending);
      expect(deniedAfter).to.deep.equal([10]);
      expect(store.blocks.size).to.equal(1);
    });

    it('given a block lifted by hand, then the next run of failures blocks the address again', async () => {
      const { guard, store, clock } = guardFixture();
      for (let n = 1; n <= 10; n++) await guard.handle(wrongPassword('203.0.113.9', n));
      store.blocks.clear();
      clock.now += 10_000;
      for (let n = 11; n <= 20; n++) await guard.handle(wrongPassword('203.0.113.9', n));
      expect(store.blocks.size).to.equal(1);
      expect(store.denied).to.have.length(2);
    });

    it('given the store failing, then the failure is logged and the next event is handled', async () => {
      const { guard, store, logged } = guardFixture();
      store.block = () => Promise.reject(new Error('database down'));
      for (let n = 1; n <= 11; n++) await guard.handle(wrongPassword('203.0.113.9', n));
      expect(logged('SIP authentication failure not counted')).to.have.length(2);
    });

    it('given a block whose time has come, then the sweep lifts it and logs it once', async () => {
      const { guard, store, logged, clock } = guardFixture();
      for (let n = 1; n <= 10; n++) await guard.handle(wrongPassword('203.0.113.9', n));
      await guard.sweep();
      expect(store.blocks.size).to.equal(1);
      clock.now += 900_000;
      await guard.sweep();
      await guard.sweep();
      expect(store.blocks.size).to.equal(0);
      expect(logged('SIP address block lifted')).to.have.length(1);
    });
  });
});
