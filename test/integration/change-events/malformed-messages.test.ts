// A malformed message on any of our Redis channels is logged and skipped: the processes that read them (the ARI
// app's change stream, the admin API's access-change channel) keep running and keep applying good messages.
// Both processes run against a Redis of the test's own, so nothing malformed reaches the shared instance.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CHANGES_APPLIED_CHANNEL, CHANGES_STREAM, CHANGES_STREAM_FIELD, type ChangeApplied } from '../../../core/change-events';
import { ApiClient } from '../../support/admin-api';
import { AppProcess, AriAppProcess } from '../../support/ari-app-process';
import { freeTcpPort, ThrowawayRedis } from '../../support/throwaway-services';
import { until } from '../../support/until';

const GARBAGE = ['not json', 'null', '[]', '{"kind":"devices"}', '{"id":1,"kind":"devices","accountId":"x","endpointIds":3}', '{"userIds":"all"}', '\u0000\u00ff'];

describe('malformed messages on Redis are logged and skipped, never crash a process', function () {
  this.timeout(60_000);
  let redis: ThrowawayRedis;
  let client: Redis;

  before(async () => {
    redis = await ThrowawayRedis.create();
    await redis.start();
    client = new Redis({ host: '127.0.0.1', port: redis.port });
  });

  after(async () => {
    client?.disconnect();
    await redis?.remove();
  });

  it('given the ARI app reading the change stream, when malformed entries arrive, then it logs each, stays up and applies the next good change', async () => {
    const app = new AriAppProcess({ REDIS_PORT: String(redis.port) });
    const listener = new Redis({ host: '127.0.0.1', port: redis.port });
    try {
      const applied: ChangeApplied[] = [];
      listener.on('message', (_channel: string, message: string) => applied.push(JSON.parse(message) as ChangeApplied));
      await listener.subscribe(CHANGES_APPLIED_CHANNEL);
      const mark = app.mark();
      await app.start();
      // The reader has taken its position (the newest entry) only then: what is added after it is read.
      await app.waitForLog('change stream position unknown; refreshing everything', mark);
      for (const message of GARBAGE) await client.xadd(CHANGES_STREAM, '*', CHANGES_STREAM_FIELD, message);
      await client.xadd(CHANGES_STREAM, '*', 'something-else', 'x');
      const good = randomUUID();
      await client.xadd(CHANGES_STREAM, '*', CHANGES_STREAM_FIELD, JSON.stringify({ id: good, kind: 'dialplan-contexts' }));
      await until('the good change is applied', () => applied.some((ack) => ack.ids.includes(good)));
      const skipped = app.logs().slice(mark).filter((line) => line.message === 'unreadable change event skipped');
      expect(skipped).to.have.length(GARBAGE.length + 1);
      expect(app.output).to.not.match(/exited|Unhandled|uncaught/i);
    } finally {
      listener.disconnect();
      await app.stop();
    }
  });

  it('given the admin API subscribed to access changes, when malformed messages arrive, then it logs each and keeps serving', async () => {
    const port = await freeTcpPort();
    const api = new AppProcess('admin-api/main.ts', { REDIS_PORT: String(redis.port), ADMIN_API_PORT: String(port), ADMIN_API_HOST: '127.0.0.1' });
    try {
      await api.start();
      const mark = api.mark();
      for (const message of GARBAGE) await client.publish('pbx:access:changed', message);
      await until('every malformed message is logged', () => api.logs().slice(mark).filter((line) => line.message === 'unreadable access change skipped').length === GARBAGE.length)
        .catch((error: Error) => Promise.reject(new Error(`${error.message}\n${api.output.slice(-3000)}`)));
      const health = await new ApiClient(`http://127.0.0.1:${port}`).get('/health');
      expect(health.status).to.equal(200);
    } finally {
      await api.stop();
    }
  });
});
