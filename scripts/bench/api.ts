// npm run bench:api: the admin API as production runs it (one process, admin-api/main.ts), loaded from this
// process with autocannon. Prints authorized GET list throughput and latency, and the time to bulk-provision
// 1,000 users from CSV (argon2id hashing, memberships, SIP device rows). Data is made and removed here.
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { bootstrapAccount } from '../../admin-api/bootstrap';
import { ChangeNotifier } from '../../admin-api/notifier';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { openDatabase } from '../../db/connection';
import { ApiClient, removeAccountTree, uniqueName } from '../../test/support/admin-api';
import { freeUdpPort } from '../../test/support/ports';
import { until } from '../../test/support/until';

const ROOT = path.resolve(__dirname, '../..');
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

async function startApi(port: number): Promise<() => void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'admin-api/main.ts'], {
    cwd: ROOT, env: { ...process.env, ADMIN_API_PORT: String(port), LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  await until('the admin API answers', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, { timeoutMs: 30_000, intervalMs: 200 });
  return () => child.kill('SIGTERM');
}

async function load(url: string, token: string): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS, headers: { authorization: `Bearer ${token}` } });
}

function report(name: string, result: autocannon.Result): void {
  const ok = result['2xx'];
  process.stdout.write(`${name}: ${Math.round(ok / DURATION_SECONDS)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDatabase(config.db);
  const port = await freeUdpPort();
  const stop = await startApi(port);
  const base = `http://127.0.0.1:${port}`;
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  const owner = uniqueName('bench');
  const org = await bootstrapAccount(db, new ChangeNotifier(redis, createLogger('bench', 'error')), config.passwordPolicy, {
    kind: 'organization', name: 'Benchmark org', owner: { username: owner, fullName: 'Bench Owner', email: `${owner}@example.test` },
  });
  try {
    const api = await new ApiClient(base).login(owner, org.password);
    const sub = (await api.post(`/v1/accounts/${org.accountId}/accounts`, { name: 'Benchmark phones' })).body.id as number;
    const roles = (await api.get(`/v1/accounts/${sub}/roles`)).body.roles as { id: number; presetKey: string }[];
    const agentRole = roles.find((role) => role.presetKey === 'agent')?.id;

    const csv = ['username,full_name,email', ...Array.from({ length: 1000 }, (_v, i) => `${owner}u${i},User ${i},${owner}u${i}@example.test`)].join('\n');
    const started = process.hrtime.bigint();
    const bulk = await api.request('POST', `/v1/accounts/${sub}/users/bulk?roleId=${agentRole}`, csv, 'text/csv');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (bulk.status !== 201) throw new Error(`bulk provisioning failed: ${bulk.status} ${JSON.stringify(bulk.body).slice(0, 300)}`);
    process.stdout.write(`bulk provisioning: ${bulk.body.created} users from CSV (argon2id, memberships, SIP device rows) in ${seconds.toFixed(1)} s\n`);

    const group = await api.post(`/v1/accounts/${sub}/groups`, { name: 'Bench team', memberIds: bulk.body.users.slice(0, 25).map((user: { id: number }) => user.id) });
    report(`GET /v1/accounts/${sub}/roles (9 roles), ${CONNECTIONS} connections`, await load(`${base}/v1/accounts/${sub}/roles`, api.token ?? ''));
    report(`GET /v1/accounts/${sub}/users?groupId=… (25 users), ${CONNECTIONS} connections`, await load(`${base}/v1/accounts/${sub}/users?groupId=${group.body.id}`, api.token ?? ''));
  } finally {
    stop();
    await removeAccountTree(db, org.accountId);
    redis.disconnect();
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
