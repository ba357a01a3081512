// The number-buying suites' fixture: the admin API (in process, on a real port) and the worker (its own
// process, as the product runs it) share a Redis of the suite's own, so no other worker on the machine takes
// their number jobs (and a worker the suite kills is the one doing the job). The provider is the Telnyx
// emulator; the trunk that sells its numbers is written from a trunk file through the same loader and service
// trunks:apply uses, one file at a time, so other suites' trunks are left alone. An organization with a
// subaccount buys; a platform operator adds credits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChangeNotifier } from '../../../admin-api/notifier';
import { systemScope } from '../../../admin-api/system-scope';
import { loadTrunkFile } from '../../../admin-api/trunks/files';
import { TrunkService } from '../../../admin-api/trunks/service';
import { createLogger } from '../../../core/logger';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';
import { WorkerProcess } from '../../support/ari-app-process';
import { removeAccountTree, startTestApi, type ApiClient, type ApiResponse, type TestApi } from '../../support/admin-api';
import { startTelnyxEmulator, type TelnyxEmulator } from '../../support/provider-emulators';
import { ThrowawayRedis } from '../../support/throwaway-services';
import { until } from '../../support/until';
import { expectStatus } from '../identity/helpers';

/** The environment variable the trunk files name for the emulator's API key (set here and for the worker). */
export const TELNYX_KEY_VARIABLE = 'PBX_TEST_NUMBERS_TELNYX_KEY';

export type Organization = Awaited<ReturnType<TestApi['organization']>>;

export interface NumbersFixture {
  api: TestApi;
  redis: ThrowawayRedis;
  worker: WorkerProcess;
  telnyx: TelnyxEmulator;
  trunks: TrunkService;
  org: Organization;
  subaccountId: number;
  /** A platform operator (of an organization of their own): adds credits. */
  operator: ApiClient;
  /** The operator's user id: a user who is no member of the fixture's accounts. */
  operatorUserId: number;
  /** Writes a trunk file selling the emulator's numbers to these accounts, and applies it. */
  sellingTrunk(name: string, options: TrunkOptions): Promise<void>;
  /** Adds credits to the account's organization (through the operator's route). */
  addCredits(accountId: number, cents: number): Promise<void>;
  /** Free numbers at the trunk's provider, through the search route. */
  available(api: ApiClient, accountId: number, trunk: string, query?: Record<string, string>): Promise<string[]>;
  /** Polls GET .../numbers/orders/:orderId until the order is in one of these states. */
  orderReaches(api: ApiClient, accountId: number, orderId: number, states: string[], timeoutMs?: number): Promise<OrderView>;
  /** Another organization with its owner, removed after the suite. */
  organization(name: string): Promise<Organization>;
}

export interface TrunkOptions {
  accounts: number[];
  /** The trunk's own address (SIP host and inbound address); one per suite, so suites run side by side. */
  ip: string;
  port?: number;
  api?: 'telnyx' | 'static-pool';
  setupPriceCents?: number;
  monthlyPriceCents?: number;
  /** Static-pool numbers the file lists (unassigned). */
  numbers?: string[];
}

export interface OrderView {
  order: { id: number; state: string; kind: string; priceCents: number; error: string | null; numberId: number; accountId: number };
  number: { id: number; number: string; state: string; providerRef: string | null; ownerUserId: number | null; sharing: string; sharedWithUserIds: number[]; label: string | null } | undefined;
}

function trunkYaml(options: TrunkOptions, baseUrl: string): string {
  const api = options.api ?? 'telnyx';
  return [
    'provider: Number emulator', 'allowPrivateAddresses: true', `host: ${options.ip}`, `port: ${options.port ?? 5060}`, 'transport: udp',
    'register: false', 'inbound:', `  addresses: [${options.ip}]`, 'codecs: [alaw, ulaw]', 'qualifySeconds: 0', `accounts: [${options.accounts.join(', ')}]`,
    ...(options.numbers?.length ? ['numbers:', ...options.numbers.map((number) => `  - number: "${number}"`)] : ['numbers: []']),
    'purchasing:', `  api: ${api}`,
    ...(api === 'telnyx' ? [`  baseUrl: ${baseUrl}`, '  secret:', `    env: ${TELNYX_KEY_VARIABLE}`, '  routeTo: "1293384261075731499"'] : []),
    `  setupPriceCents: ${options.setupPriceCents ?? 100}`, `  monthlyPriceCents: ${options.monthlyPriceCents ?? 50}`, '',
  ].join('\n');
}

export function useNumbersFixture(options: { name: string; seed: number; workerEnv?: Record<string, string> }): NumbersFixture {
  const fixture = {} as NumbersFixture;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'numbers-trunks-'));
  const trunkNames: string[] = [];
  const organizations: Organization[] = [];
  const scope = systemScope('test-fixture', createLogger('test-fixture', process.env.TEST_LOG_LEVEL ?? 'error'));

  before(async function () {
    this.timeout(90_000);
    fixture.redis = await ThrowawayRedis.create();
    await fixture.redis.start();
    fixture.telnyx = await startTelnyxEmulator({ seed: options.seed });
    process.env[TELNYX_KEY_VARIABLE] = fixture.telnyx.apiKey;
    fixture.api = await startTestApi({ redis: { host: '127.0.0.1', port: fixture.redis.port } });
    fixture.trunks = new TrunkService(fixture.api.db, new ChangeNotifier(fixture.api.redis, fixture.api.logger), fixture.api.config.sip.endpointMedia);
    fixture.worker = new WorkerProcess({ REDIS_PORT: String(fixture.redis.port), [TELNYX_KEY_VARIABLE]: fixture.telnyx.apiKey, ...options.workerEnv });
    await fixture.worker.start();
    fixture.org = await fixture.organization(options.name);
    const created = await fixture.org.api.post(`/v1/accounts/${fixture.org.accountId}/accounts`, { name: `${options.name} phones` });
    expectStatus(created, 201);
    fixture.subaccountId = created.body.id;
    const operators = await fixture.organization(`${options.name} operators`);
    await setPlatformOperator(fixture.api.db, operators.username, true);
    fixture.operator = operators.api;
    fixture.operatorUserId = operators.userId;
  });

  fixture.organization = async (name) => {
    const organization = await fixture.api.organization(name);
    organizations.push(organization);
    return organization;
  };

  fixture.sellingTrunk = async (name, trunk) => {
    fs.writeFileSync(path.join(dir, `${name}.yaml`), trunkYaml(trunk, fixture.telnyx.url));
    const loaded = loadTrunkFile(dir, `${name}.yaml`);
    if (!loaded.trunk) throw new Error(`trunk file ${name} refused: ${JSON.stringify(loaded.problems)}`);
    if (!trunkNames.includes(name)) trunkNames.push(name);
    await fixture.trunks.put(scope, loaded.trunk.write);
  };

  fixture.addCredits = async (accountId, cents) => {
    expectStatus(await fixture.operator.post(`/v1/accounts/${accountId}/credits`, { amountCents: cents, note: 'test credits' }), 201);
  };

  fixture.available = async (api, accountId, trunk, query = {}) => {
    const search = new URLSearchParams({ trunk, country: 'US', limit: '50', ...query });
    const response = await api.get(`/v1/accounts/${accountId}/available-numbers?${search.toString()}`);
    expectStatus(response, 200);
    return (response.body.numbers as { number: string }[]).map((found) => found.number);
  };

  fixture.orderReaches = (api, accountId, orderId, states, timeoutMs = 30_000) =>
    until(`order ${orderId} is ${states.join(' or ')}`, async () => {
      const response: ApiResponse<OrderView> = await api.get(`/v1/accounts/${accountId}/numbers/orders/${orderId}`);
      return states.includes(response.body.order?.state) ? response.body : undefined;
    }, { timeoutMs, intervalMs: 100 });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`worker log:\n${fixture.worker?.output.slice(-6000)}\n`);
  });

  after(async function () {
    this.timeout(60_000);
    await fixture.worker?.stop();
    const { db } = fixture.api ?? {};
    if (db) {
      // Bought numbers stay in the inventory when their trunk or account goes (they are paid for): a test's go.
      const trunkIds = (await db('trunks').whereIn('name', trunkNames).pluck('id')).map(Number);
      if (trunkIds.length > 0) await db('phone_numbers').whereIn('trunk_id', trunkIds).delete();
      for (const name of trunkNames) {
        const trunk = await fixture.trunks.find(scope, name);
        if (trunk) await fixture.trunks.remove(scope, name, trunk.source);
      }
      for (const organization of organizations) await removeAccountTree(db, organization.accountId);
    }
    await fixture.api?.close();
    await fixture.telnyx?.close();
    await fixture.redis?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}

/** The ledger of the account's organization, as the credits route shows it. */
export async function credits(api: ApiClient, accountId: number): Promise<{ balanceCents: number; reservedCents: number; entries: { kind: string; amountCents: number; orderId: number | null; entryKey: string }[] }> {
  const response = await api.get(`/v1/accounts/${accountId}/credits?limit=200`);
  expectStatus(response, 200);
  return response.body;
}
