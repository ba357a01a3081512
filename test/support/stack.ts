// What an integration test needs of the real stack: the project's config, a database pool, Redis, ARI's REST
// API, and the project's own services to provision accounts and devices (never hand-written SQL).
import { Redis } from 'ioredis';
import { AccountService } from '../../admin-api/accounts/service';
import type { UpdateDeviceInput } from '../../admin-api/devices/schemas';
import { createDeviceService, type DeviceProvisioning, type DeviceService, type DeviceView } from '../../admin-api/devices/service';
import { ChangeNotifier } from '../../admin-api/notifier';
import { AriRest } from '../../core/ari/rest';
import { CHANGES_APPLIED_CHANNEL, type ChangeApplied } from '../../core/change-events';
import { loadConfig, type Config } from '../../core/config';
import { createLogger } from '../../core/logger';
import { openDatabase, type Database } from '../../db/connection';
import { systemAccountScope } from '../../admin-api/system-scope';
import type { Logger } from '../../core/logger';
import { FixtureUsers, type FixtureDeviceInput } from './device-owners';

/** The device service as fixtures call it: by account id, acting as the system there (admin-api/system-scope.ts).
 *  A device on an extension goes to the user holding it (made if none: see device-owners.ts). */
export interface FixtureDevices {
  create(accountId: number, input: FixtureDeviceInput): Promise<DeviceProvisioning>;
  update(accountId: number, deviceId: number, change: UpdateDeviceInput): Promise<DeviceView>;
  rotatePassword(accountId: number, deviceId: number): Promise<DeviceProvisioning>;
  remove(accountId: number, deviceId: number): Promise<void>;
}

export function fixtureDevices(service: DeviceService, users: FixtureUsers, log: Logger): FixtureDevices {
  const scope = (accountId: number) => systemAccountScope(accountId, 'test-fixture', log);
  return {
    create: async (accountId, input) => service.create(scope(accountId), { label: input.label, kind: input.kind, userId: await users.ownerFor(accountId, input) }),
    update: (accountId, deviceId, change) => service.update(scope(accountId), deviceId, change),
    rotatePassword: (accountId, deviceId) => service.rotatePassword(scope(accountId), deviceId),
    remove: (accountId, deviceId) => service.remove(scope(accountId), deviceId),
  };
}

export interface TestStack {
  config: Config;
  db: Database;
  redis: Redis;
  ari: AriRest;
  accounts: AccountService;
  users: FixtureUsers;
  devices: FixtureDevices;
  /** Resolves when the ARI app reports that Asterisk applied the change with this id. */
  applied(changeId: string, timeoutMs?: number): Promise<ChangeApplied>;
  close(): Promise<void>;
}

/** `redisPort`: a Redis of the test's own instead of the shared one (change events and acknowledgements). */
export async function openTestStack(options: { redisPort?: number } = {}): Promise<TestStack> {
  const shared = loadConfig();
  const config = options.redisPort ? { ...shared, redis: { ...shared.redis, port: options.redisPort } } : shared;
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'error');
  const db = openDatabase(config.db);
  const redis = new Redis({ host: config.redis.host, port: config.redis.port });
  const listener = new Redis({ host: config.redis.host, port: config.redis.port });
  const seen = new Map<string, ChangeApplied>();
  const waiters = new Map<string, (applied: ChangeApplied) => void>();
  listener.on('message', (_channel: string, message: string) => {
    const applied = JSON.parse(message) as ChangeApplied;
    for (const id of applied.ids) {
      seen.set(id, applied);
      waiters.get(id)?.(applied);
    }
  });
  await listener.subscribe(CHANGES_APPLIED_CHANNEL);
  const notifier = new ChangeNotifier(redis, logger);
  const users = new FixtureUsers(db, notifier, config, logger);
  return {
    config,
    db,
    redis,
    ari: new AriRest({ baseUrl: config.ari.url, username: config.ari.username, password: config.ari.password }),
    accounts: new AccountService(db, notifier),
    users,
    devices: fixtureDevices(createDeviceService({ db, notifier, config, logger }), users, logger),
    applied(changeId, timeoutMs = 10_000) {
      const known = seen.get(changeId);
      if (known) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`change ${changeId} not applied within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(changeId, (applied) => {
          clearTimeout(timer);
          resolve(applied);
        });
      });
    },
    async close() {
      listener.disconnect();
      redis.disconnect();
      await db.destroy();
    },
  };
}

/** A fresh organization with its own dialplan context, loaded into Asterisk before the test goes on. */
export async function createTestAccount(stack: TestStack, name: string): Promise<number> {
  const reseller = await stack.accounts.create({ kind: 'reseller', name: `${name} reseller` });
  const { account, changeId } = await stack.accounts.create({ kind: 'organization', name, parentId: reseller.account.id });
  await stack.applied(changeId);
  return account.id;
}

export async function removeTestAccount(stack: TestStack, organizationId: number): Promise<void> {
  const organization = await stack.db('accounts').where({ id: organizationId }).first('parent_id');
  await stack.accounts.remove(organizationId);
  if (organization?.parent_id) await stack.accounts.remove(Number(organization.parent_id));
}

export type { DeviceProvisioning };
