// The ARI app process loses MariaDB and Redis while Asterisk keeps its own (shared) database: the app reaches
// both through TCP proxies of the test's own, which the test cuts and restores. Calls it routed before are
// carried from memory; a call it never routed is refused with 503; after the outage everything routes again.
import { expect } from 'chai';
import { loadConfig } from '../../../core/config';
import { TcpProxy } from '../../support/throwaway-services';
import { until } from '../../support/until';
import { useCallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall } from '../../support/phones';

describe('ARI app through MariaDB and Redis outages (SIPp through Asterisk; the app reaches both through proxies the test cuts)', function () {
  this.timeout(120_000);
  const shared = loadConfig();
  const appEnv: Record<string, string> = {};
  let database: TcpProxy;
  let redis: TcpProxy;
  before(async () => {
    [database, redis] = await Promise.all([TcpProxy.start(shared.db.port), TcpProxy.start(shared.redis.port)]);
    Object.assign(appEnv, { DB_PORT: String(database.port), REDIS_PORT: String(redis.port), RING_TIMEOUT_SECONDS: '5' });
  });
  const f = useCallFixture({ account: 'Outage calls org', appEnv, phones: { alice: '401', bob: '402', carol: '403' } });
  after(async () => {
    await Promise.all([database?.cut(), redis?.cut()]);
  });

  async function call(to: 'bob' | 'carol', extension: string): Promise<string | undefined> {
    const callee = answerCalls(f.phone(to), 'callee-answer');
    const caller = await placeCall(f.phone('alice'), extension, 500);
    const result = await caller.done;
    // A refused call never reaches the callee, whose agent would otherwise wait for its own timeout.
    if (result.logged.final !== '200') callee.stop();
    await callee.done;
    return result.logged.final;
  }

  it('given both up, when Alice calls Bob, then the call connects (and the app has read Bob\'s route)', async () => {
    expect(await call('bob', '402')).to.equal('200');
  });

  it('given the app\'s MariaDB and Redis cut, when Alice calls Bob again, then it connects from memory; when she calls Carol (never routed), then 503', async () => {
    const mark = f.app.mark();
    await Promise.all([database.cut(), redis.cut()]);
    expect(await call('bob', '402'), 'a route read before the outage').to.equal('200');
    await f.app.waitForLog('database unavailable; routing from memory', mark);
    expect(await call('carol', '403'), 'a route never read').to.equal('503');
    expect(f.app.logs().slice(mark).some((line) => line.message === 'call step failed' && String(JSON.stringify(line)).includes('routing unavailable'))).to.equal(true);
  });

  it('given MariaDB and Redis back, then Carol is reachable again without restarting the app', async () => {
    await Promise.all([database.restore(), redis.restore()]);
    await until('Alice reaches Carol', async () => (await call('carol', '403')) === '200', { timeoutMs: 30_000, intervalMs: 500 });
    expect(f.app.logs().some((line) => line.message === 'Redis connection restored')).to.equal(true);
  });
});
