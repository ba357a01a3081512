// The admin API on a real HTTP port, built by the same createAdminApi() as production, with a small client.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { bootstrapAccount, type Bootstrapped, type OwnerInput } from '../../admin-api/bootstrap';
import { createAdminApi } from '../../admin-api/app';
import type { RouteSpec } from '../../admin-api/http/routes';
import { ChangeNotifier } from '../../admin-api/notifier';
import { loadConfig, type Config } from '../../core/config';
import { createLogger, type Logger } from '../../core/logger';
import { openDatabase, type Database } from '../../db/connection';
import { dialplanContextFor } from '../../db/repositories/accounts';
import { removeAccountContext } from '../../db/repositories/dialplan';
import { deleteDeviceEndpoints } from '../../db/repositories/pjsip';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly base: string, readonly token?: string) {}

  as(token: string): ApiClient {
    return new ApiClient(this.base, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  get<T = any>(path: string) { return this.request<T>('GET', path); }
  post<T = any>(path: string, body?: unknown) { return this.request<T>('POST', path, body ?? {}); }
  patch<T = any>(path: string, body: unknown) { return this.request<T>('PATCH', path, body); }
  put<T = any>(path: string, body: unknown) { return this.request<T>('PUT', path, body); }
  delete<T = any>(path: string) { return this.request<T>('DELETE', path); }

  async login(username: string, password: string): Promise<ApiClient> {
    const response = await this.post<{ token: string }>('/v1/auth/login', { username, password });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return this.as(response.body.token);
  }
}

export interface TestApi {
  config: Config;
  db: Database;
  redis: Redis;
  client: ApiClient;
  routes: RouteSpec[];
  notifier: ChangeNotifier;
  logger: Logger;
  /** A new organization with its Organization Owner, logged in. */
  organization(name: string, owner?: Partial<OwnerInput>): Promise<Bootstrapped & { api: ApiClient; username: string }>;
  close(): Promise<void>;
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}x${Date.now().toString(36)}${counter}`.toLowerCase();
}

export async function startTestApi(overrides: Partial<Config> = {}): Promise<TestApi> {
  const config = { ...loadConfig(), ...overrides };
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  const logger = createLogger('admin-api', process.env.TEST_LOG_LEVEL ?? 'error');
  const adminApi = await createAdminApi({ config, db, redis, logger });
  const { app, routes } = adminApi;
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const client = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const notifier = new ChangeNotifier(redis, logger);
  // Every test logs in from 127.0.0.1: failures left by earlier runs (kept 15 minutes) must not throttle this one.
  await redis.del('pbx:login-failures:address:127.0.0.1');
  return {
    config, db, redis, client, routes, notifier, logger,
    async organization(name, owner = {}) {
      const username = owner.username ?? uniqueName('oo');
      const result = await bootstrapAccount(db, notifier, config.passwordPolicy, {
        kind: 'organization', name, owner: { username, fullName: owner.fullName ?? 'Olga Owner', email: owner.email ?? `${username}@example.test`, password: owner.password },
      });
      return { ...result, username, api: await client.login(username, result.password) };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await adminApi.close();
      redis.disconnect();
      await db.destroy();
    },
  };
}

/** Removes the accounts a test made (deepest first); users made with them are removed with their memberships. */
export async function removeAccountTree(db: Database, rootId: number): Promise<void> {
  const children = (await db('accounts').where({ parent_id: rootId }).pluck('id')).map(Number);
  for (const child of children) await removeAccountTree(db, child);
  const users = (await db('memberships').where({ account_id: rootId }).pluck('user_id')).map(Number);
  await deleteDeviceEndpoints(db, await db('devices').where({ account_id: rootId }).pluck('endpoint_id'));
  await removeAccountContext(db, dialplanContextFor(rootId));
  await db('accounts').where({ id: rootId }).delete();
  if (users.length > 0) {
    const stillMember = (await db('memberships').whereIn('user_id', users).pluck('user_id')).map(Number);
    await db('users').whereIn('id', users.filter((id) => !stillMember.includes(id))).delete();
  }
}
