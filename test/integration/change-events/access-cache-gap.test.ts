// The admin API caches who a token belongs to; other processes tell it over Redis when access changes. While
// that subscription is down such a message would be lost, so the cache must not answer from memory then, and
// must start empty once subscribed again.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../core/config';
import { openDatabase, type Database } from '../../../db/connection';
import { revokeAllTokens } from '../../../db/repositories/tokens';
import { ApiClient, removeAccountTree, startTestApi, type TestApi } from '../../support/admin-api';
import { AppProcess } from '../../support/ari-app-process';
import { freeTcpPort, ThrowawayRedis } from '../../support/throwaway-services';
import { until } from '../../support/until';

describe('admin API access cache across a lost Redis subscription (its own Redis, stopped and started)', function () {
  this.timeout(60_000);
  let redis: ThrowawayRedis;
  let setup: TestApi;
  let db: Database;
  let api: AppProcess;
  let client: ApiClient;
  let org: Awaited<ReturnType<TestApi['organization']>>;

  before(async () => {
    redis = await ThrowawayRedis.create();
    await redis.start();
    setup = await startTestApi();
    org = await setup.organization('Access gap org');
    db = openDatabase(loadConfig().db);
    const port = await freeTcpPort();
    api = new AppProcess('admin-api/main.ts', { REDIS_PORT: String(redis.port), ADMIN_API_PORT: String(port), ADMIN_API_HOST: '127.0.0.1' });
    await api.start();
    client = new ApiClient(`http://127.0.0.1:${port}`);
  });

  after(async () => {
    await api?.stop();
    if (org) await removeAccountTree(setup.db, org.accountId);
    await setup?.close();
    await db?.destroy();
    await redis?.remove();
  });

  it('given a token cached by the API, when it is revoked elsewhere while the API\'s Redis is down, then it is refused at once, and still after Redis returns', async () => {
    const token = (await client.post('/v1/auth/login', { username: org.username, password: org.password })).body.token as string;
    const owner = client.as(token);
    expect((await owner.get('/v1/me')).status, 'the token works (and is cached)').to.equal(200);

    await redis.stop();
    // Another process revoked it; its message to this one could not be delivered.
    await revokeAllTokens(db, org.userId);
    // Bounded by how fast the process notices its connection closed, not by the cache's 30 s lifetime.
    await until('refused while the subscription is down', async () => (await owner.get('/v1/me')).status === 401, { timeoutMs: 2000 });

    await redis.start();
    const probe = new Redis({ host: '127.0.0.1', port: redis.port });
    try {
      await until('the API is subscribed again', async () => Number((await probe.pubsub('NUMSUB', 'pbx:access:changed'))[1]) > 0, { timeoutMs: 15_000 });
    } finally {
      probe.disconnect();
    }
    expect((await owner.get('/v1/me')).status, 'after resubscribing').to.equal(401);
  });
});
