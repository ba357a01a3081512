import { expect } from 'chai';
import { Redis } from 'ioredis';
import { failuresKey, RedisFailureWindow } from '../../../ari-app/security/failure-window';
import { loadConfig } from '../../../core/config';

describe('SIP failure window (Redis)', () => {
  // TEST-NET-1: no real source is ever counted here.
  const address = '192.0.2.201';
  let redis: Redis;
  let window: RedisFailureWindow;

  before(() => {
    const config = loadConfig();
    redis = new Redis({ host: config.redis.host, port: config.redis.port });
    window = new RedisFailureWindow(redis, 60_000);
  });
  beforeEach(async () => {
    await window.reset(address);
  });
  after(async () => {
    await window.reset(address);
    redis.disconnect();
  });

  it('given the same failure recorded by two instances, then it counts once', async () => {
    const first = new RedisFailureWindow(redis, 60_000);
    const second = new RedisFailureWindow(redis, 60_000);
    expect(await first.record(address, 'event-1', 1_000_000)).to.equal(1);
    expect(await second.record(address, 'event-1', 1_000_000)).to.equal(1);
    expect(await second.record(address, 'event-2', 1_000_100)).to.equal(2);
  });

  it('given failures older than the window, then they no longer count, and the key expires with the window', async () => {
    await window.record(address, 'old', 1_000_000);
    await window.record(address, 'recent', 1_030_000);
    expect(await window.record(address, 'now', 1_070_000)).to.equal(2);
    const ttl = await redis.pttl(failuresKey(address));
    expect(ttl).to.be.within(1, 60_000);
  });
});
