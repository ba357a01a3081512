// The admin API process as `npm start` runs it (admin-api/main.ts), pointed at a MariaDB and a Redis of the
// test's own, which the test stops and starts again. The machine's shared instances are never touched.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { bootstrapAccount } from '../../../admin-api/bootstrap';
import { ChangeNotifier } from '../../../admin-api/notifier';
import { loadConfig, type Config } from '../../../core/config';
import { createLogger } from '../../../core/logger';
import { openDatabase } from '../../../db/connection';
import { migrate } from '../../../db/migrate';
import { ApiClient, type ApiResponse } from '../../support/admin-api';
import { AppProcess } from '../../support/ari-app-process';
import { freeTcpPort, ThrowawayMariaDb, ThrowawayRedis } from '../../support/throwaway-services';
import { until } from '../../support/until';

function expectOutage(response: ApiResponse, what: string): void {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).to.equal(503);
  expect(response.body.error.code, what).to.equal('SERVICE_UNAVAILABLE');
  expect(Number(response.headers.get('retry-after')), `${what}: Retry-After`).to.be.within(1, 60);
}

/** The request's response and how long it took. */
async function timed(request: () => Promise<ApiResponse>): Promise<{ response: ApiResponse; ms: number }> {
  const started = Date.now();
  const response = await request();
  return { response, ms: Date.now() - started };
}

describe('admin API through MariaDB and Redis outages (its own MariaDB and Redis, stopped and started)', function () {
  this.timeout(180_000);
  let mariadb: ThrowawayMariaDb;
  let redis: ThrowawayRedis;
  let api: AppProcess;
  let client: ApiClient;
  let owner: ApiClient;
  let accountId: number;
  const credentials = { username: `outage${process.pid}`, password: 'Outage-Password-123456' };

  before(async () => {
    [mariadb, redis] = await Promise.all([ThrowawayMariaDb.create(), ThrowawayRedis.create()]);
    await Promise.all([mariadb.start(), redis.start()]);
    const shared = loadConfig();
    const config: Config = {
      ...shared,
      db: { ...shared.db, port: mariadb.port, admin: { user: 'root', password: '' } },
      redis: { ...shared.redis, port: redis.port },
    };
    await migrate(config);
    const db = openDatabase(config.db);
    const publisher = new Redis({ host: config.redis.host, port: config.redis.port });
    try {
      const notifier = new ChangeNotifier(publisher, createLogger('test', 'error'));
      const created = await bootstrapAccount(db, notifier, config.passwordPolicy, {
        kind: 'organization', name: 'Outage org', owner: { ...credentials, fullName: 'Olga Outage', email: 'olga@example.test' },
      });
      accountId = created.accountId;
    } finally {
      publisher.disconnect();
      await db.destroy();
    }
    const port = await freeTcpPort();
    api = new AppProcess('admin-api/main.ts', {
      DB_PORT: String(mariadb.port), REDIS_PORT: String(redis.port), ADMIN_API_PORT: String(port), ADMIN_API_HOST: '127.0.0.1',
    });
    await api.start();
    client = new ApiClient(`http://127.0.0.1:${port}`);
    owner = await client.login(credentials.username, credentials.password);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`admin-api log:\n${api?.output.slice(-6000)}\n`);
  });

  after(async () => {
    await api?.stop();
    await Promise.all([mariadb?.remove(), redis?.remove()]);
  });

  it('given MariaDB stopped, when an admin reads and a user logs in, then both get 503 with Retry-After at once, and /health names the database', async () => {
    expect((await owner.get(`/v1/accounts/${accountId}/users`)).status).to.equal(200);
    await mariadb.stop();

    const read = await timed(() => owner.get(`/v1/accounts/${accountId}/users`));
    expectOutage(read.response, 'read while MariaDB is down');
    const login = await timed(() => client.post('/v1/auth/login', credentials));
    expectOutage(login.response, 'login while MariaDB is down');
    expect(Math.max(read.ms, login.ms), 'answered without waiting for a timeout').to.be.below(3000);
    const health = await client.get('/health');
    expect(health.status).to.equal(503);
    expect(health.body).to.include({ database: 'down', redis: 'up' });
    expect(health.headers.get('retry-after')).to.match(/^\d+$/);
  });

  it('given MariaDB back, then the same requests succeed without restarting the API', async () => {
    await mariadb.start();
    await until('a read succeeds again', async () => (await owner.get(`/v1/accounts/${accountId}/users`)).status === 200, { timeoutMs: 15_000, intervalMs: 200 });
    expect((await client.post('/v1/auth/login', credentials)).status).to.equal(200);
    expect((await client.get('/health')).body).to.include({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('given Redis stopped, then a login (throttled in Redis) gets 503 with Retry-After, reads without Redis still work, and /health names Redis', async () => {
    await redis.stop();
    const login = await timed(() => client.post('/v1/auth/login', credentials));
    expectOutage(login.response, 'login while Redis is down');
    expect(login.ms, 'answered without waiting for a timeout').to.be.below(5000);
    expect((await owner.get(`/v1/accounts/${accountId}/users`)).status, 'a read needs no Redis').to.equal(200);
    const health = await client.get('/health');
    expect(health.status).to.equal(503);
    expect(health.body).to.include({ database: 'up', redis: 'down' });
  });

  it('given Redis back (restarted empty), then logins work again without restarting the API', async () => {
    await redis.start();
    await until('a login succeeds again', async () => (await client.post('/v1/auth/login', credentials)).status === 200, { timeoutMs: 15_000, intervalMs: 200 });
    expect((await client.get('/health')).body).to.include({ status: 'ok' });
    const statuses = api.logs().filter((line) => line.message === 'request').map((line) => Number(line.status));
    expect(statuses.filter((status) => status >= 500 && status !== 503), 'no 5xx but 503 during the outages').to.deep.equal([]);
  });
});
