// A configuration change made while the ARI app's change reader is disconnected from Redis still reaches
// Asterisk: the reader's connection is killed (CLIENT KILL, found by its client name) and kept from
// reconnecting (the app reaches Redis through a proxy of the test's own that refuses new connections for a
// while), the device is disabled in that gap, and the device's next REGISTER must be refused.
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { changeReaderName } from '../../../ari-app/app';
import { AriAppProcess } from '../../support/ari-app-process';
import { createTestAccount, openTestStack, removeTestAccount, type TestStack } from '../../support/stack';
import { TcpProxy, ThrowawayRedis } from '../../support/throwaway-services';
import { until } from '../../support/until';
import { provisionPhone, register, registerOrFail, type Phone } from '../../support/phones';

/** Redis's id of the connection with this client name, if it is connected. */
async function clientIdByName(redis: Redis, name: string): Promise<string | undefined> {
  const list = (await redis.client('LIST')) as string;
  const line = list.split('\n').find((candidate) => candidate.split(' ').includes(`name=${name}`));
  return line ? /(?:^| )id=(\d+)/.exec(line)?.[1] : undefined;
}

// A Redis of the test's own: no other ARI app (another suite's, `npm start`'s) reads these change events and
// expires the device in the shared Asterisk for ours, so what the test sees is what our app did.
describe('change events survive a dropped Redis connection of the ARI app (Redis stream, SIPp REGISTER)', function () {
  this.timeout(90_000);
  let redis: ThrowawayRedis;
  let redisProxy: TcpProxy;
  const f = {} as { stack: TestStack; app: AriAppProcess; accountId: number; phones: Record<'desk' | 'spare', Phone> };
  before(async () => {
    redis = await ThrowawayRedis.create();
    await redis.start();
    redisProxy = await TcpProxy.start(redis.port);
    f.stack = await openTestStack({ redisPort: redis.port });
    f.app = new AriAppProcess({ REDIS_PORT: String(redisProxy.port) });
    await f.app.start();
    const mark = f.app.mark();
    f.accountId = await createTestAccount(f.stack, 'Lost events org');
    f.phones = {
      desk: await provisionPhone(f.stack, f.accountId, '501', 'desk'),
      spare: await provisionPhone(f.stack, f.accountId, '502', 'spare'),
    };
    // New devices make the app reload res_pjsip (debounced), which empties PJSIP's caches: it must be over
    // before a test, or it would apply the change the test keeps from the app.
    await f.app.waitForLog('new endpoints tracked for their state', mark);
    for (const phone of Object.values(f.phones)) await registerOrFail(phone);
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`ari-app log:\n${f.app?.output.slice(-6000)}\n`);
  });
  after(async () => {
    for (const phone of Object.values(f.phones ?? {})) phone.rtp.close();
    await f.app?.stop();
    if (f.accountId) await removeTestAccount(f.stack, f.accountId);
    await f.stack?.close();
    await redisProxy?.cut();
    await redis?.remove();
  });

  async function dropChangeReaderWhile(change: () => Promise<void>): Promise<void> {
    const ready = f.app.logs().find((line) => line.message === 'ready');
    const name = changeReaderName(Number(ready?.pid));
    const id = await clientIdByName(f.stack.redis, name);
    expect(id, `a Redis client named ${name}`).to.be.a('string');
    redisProxy.hold();
    await f.stack.redis.client('KILL', 'ID', id as string);
    await until('the reader is disconnected', async () => (await clientIdByName(f.stack.redis, name)) === undefined);
    await change();
    redisProxy.restore();
    await until('the reader is back', async () => (await clientIdByName(f.stack.redis, name)) !== undefined, { timeoutMs: 10_000 });
  }

  it('given a registered device, when it is disabled while the app\'s change reader is disconnected, then its next REGISTER is refused within 3 s of the reconnection', async () => {
    const desk = f.phones.desk;
    expect((await register(desk)).logged.final).to.equal('200');
    const mark = f.app.mark();
    await dropChangeReaderWhile(async () => {
      await f.stack.devices.update(f.accountId, desk.device.id, { enabled: false });
      // Still cached by Asterisk: the change has not reached it.
      expect((await register(desk)).logged.final, 'REGISTER during the gap').to.equal('200');
    });
    const reconnected = Date.now();
    await until('REGISTER is refused', async () => ['401', '403'].includes((await register(desk)).logged.final ?? ''), { timeoutMs: 3000, intervalMs: 100 });
    expect(Date.now() - reconnected).to.be.below(3000);
    // Caught up from its position in the stream, not by expiring everything.
    await f.app.waitForLog('change stream resumed', mark);
  });

  it('given a device whose password is rotated while the reader is disconnected, then the old password is refused after the reconnection', async () => {
    const spare = f.phones.spare;
    const oldPassword = spare.device.sip.password;
    expect((await register(spare)).logged.final).to.equal('200');
    let rotated = spare.device;
    await dropChangeReaderWhile(async () => {
      rotated = await f.stack.devices.rotatePassword(f.accountId, spare.device.id);
    });
    await until('the old password is refused', async () => ['401', '403'].includes((await register(spare, oldPassword)).logged.final ?? ''), { timeoutMs: 3000, intervalMs: 100 });
    expect((await register({ ...spare, device: rotated })).logged.final, 'the new password works').to.equal('200');
  });
});
