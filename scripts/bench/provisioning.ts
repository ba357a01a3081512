// npm run bench:provisioning: 500 number purchases from several organizations at once, through the admin API
// (its own process) and the worker (its own process, killed and started again midway), at the Telnyx and Twilio
// emulators answering 20% of requests with a fault (5xx, no answer, slow answers, and lost responses: the
// purchase done, its answer never sent). Waits until every order settled, then prints how many completed and
// failed, how many numbers a provider sold us twice (must be 0), the ledger's difference from what the
// completed orders cost plus any reservation left open (must be 0), and the time taken.
//
// It runs on the machine's MariaDB in a database of its own (migrated here, dropped at the end) and on a Redis
// server of its own, so no other worker takes its jobs and its sums see only its orders.
import { Redis } from 'ioredis';
import { bootstrapAccount } from '../../admin-api/bootstrap';
import { ChangeNotifier } from '../../admin-api/notifier';
import { createLogger } from '../../core/logger';
import { openDatabase, type Database } from '../../db/connection';
import { setPlatformOperator } from '../../db/repositories/platform-operators';
import { ApiClient, uniqueName } from '../../test/support/admin-api';
import { AppProcess, WorkerProcess } from '../../test/support/ari-app-process';
import { NumberSites, TELNYX_SECRET_VARIABLE, TWILIO_SECRET_VARIABLE } from '../../test/support/number-sites';
import { sumOfEntryKinds } from '../../db/repositories/credit-ledger';
import { activeNumbersAmong, completedPurchasesCost, purchaseOrderStates } from '../../db/repositories/number-orders';
import { startTelnyxEmulator, startTwilioEmulator, type ProviderEmulator, type TelnyxEmulator, type TwilioEmulator } from '../../test/support/provider-emulators';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { freeTcpPort, ThrowawayRedis } from '../../test/support/throwaway-services';
import { until } from '../../test/support/until';

const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 500);
const ORGANIZATIONS = Number(process.env.BENCH_ORGANIZATIONS ?? 5);
const SETTLE_TIMEOUT_MS = Number(process.env.BENCH_SETTLE_SECONDS ?? 900) * 1000;
const SETUP_PRICE_CENTS = 100;
// 20% of provider requests meet a fault. No answer at all costs the worker its 10 s request deadline, so it is
// the rarest; lost responses (bought, then silence) are the ones that test "never buy twice".
const FAULTS = { serverError: 0.06, timeout: 0.02, slow: 0.04, slowMs: 300, lostResponse: 0.08 };
const SEARCH_AREAS = { telnyx: ['312', '415', '212', '617', '206'], twilio: ['773', '213', '512', '713', '303'] };

type Api = keyof typeof SEARCH_AREAS;
interface Buyer { accountId: number; client: ApiClient }
interface Purchase { buyer: Buyer; trunk: string; number: string }

const log = createLogger('bench', 'error');
const say = (line: string): void => void process.stdout.write(`${line}\n`);

interface Bench {
  scratch: ScratchDatabase;
  redis: ThrowawayRedis;
  db: Database;
  publisher: Redis;
  emulators: { telnyx: TelnyxEmulator; twilio: TwilioEmulator };
  sites: NumberSites;
  api: AppProcess;
  worker: WorkerProcess;
  client: ApiClient;
}

async function organization(bench: Pick<Bench, 'db' | 'publisher' | 'scratch' | 'client'>, name: string): Promise<Buyer & { username: string }> {
  const username = uniqueName('bench');
  const created = await bootstrapAccount(bench.db, new ChangeNotifier(bench.publisher, log), bench.scratch.config.passwordPolicy, {
    kind: 'organization', name, owner: { username, fullName: 'Bench Buyer', email: `${username}@example.test` },
  });
  return { accountId: created.accountId, username, client: await bench.client.login(username, created.password) };
}

/** Free numbers at the site, found through the search route (before any fault is switched on). */
async function searchNumbers(buyer: Buyer, trunk: string, api: Api, wanted: number): Promise<string[]> {
  const found: string[] = [];
  for (const areaCode of SEARCH_AREAS[api]) {
    const response = await buyer.client.get(`/v1/accounts/${buyer.accountId}/available-numbers?trunk=${trunk}&country=US&areaCode=${areaCode}&limit=100`);
    if (response.status !== 200) throw new Error(`search at ${trunk} failed: ${response.status} ${JSON.stringify(response.body)}`);
    found.push(...(response.body.numbers as { number: string }[]).map((entry) => entry.number));
    if (found.length >= wanted) break;
  }
  if (found.length < wanted) throw new Error(`only ${found.length} numbers available at ${trunk}`);
  return found.slice(0, wanted);
}

async function place(purchase: Purchase): Promise<boolean> {
  const response = await purchase.buyer.client.post(`/v1/accounts/${purchase.buyer.accountId}/numbers/purchases`, { trunk: purchase.trunk, number: purchase.number });
  if (response.status !== 202) say(`purchase of ${purchase.number} refused: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
  return response.status === 202;
}


const settled = (states: Record<string, number>): number => (states.completed ?? 0) + (states.failed ?? 0);

/** Kills the worker (SIGKILL: a crash, jobs mid-flight) once half the orders settled, and starts another. */
async function restartMidway(bench: Bench, placed: number): Promise<void> {
  await until('half the orders settled', async () => settled(await purchaseOrderStates(bench.db)) >= placed / 2, { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 200 });
  const states = await purchaseOrderStates(bench.db);
  await bench.worker.stop('SIGKILL');
  say(`worker killed with ${settled(states)} of ${placed} orders settled (${states.pending ?? 0} pending, ${states.ordered ?? 0} ordered); starting another`);
  await bench.worker.start();
}

async function ledgerDifference(db: Database): Promise<{ difference: number; charged: number; expected: number; openReservations: number }> {
  const charged = -(await sumOfEntryKinds(db, ['charge']));
  const expected = await completedPurchasesCost(db);
  // Every order settled: its reservation was either charged (and released) or released. What is left is open.
  const openReservations = -(await sumOfEntryKinds(db, ['reservation', 'reservation_release']));
  return { difference: Math.abs(charged - expected) + Math.abs(openReservations), charged, expected, openReservations };
}

async function boughtTwice(emulators: Record<Api, ProviderEmulator>, numbers: string[]): Promise<number> {
  return numbers.filter((number) => emulators.telnyx.timesBought(number) + emulators.twilio.timesBought(number) > 1).length;
}

/** Numbers a provider holds for us that no active row has: paid for, not ours (reconciliation's work). */
async function heldWithoutRow(db: Database, emulators: Record<Api, ProviderEmulator>): Promise<number> {
  const held = [...emulators.telnyx.owned(), ...emulators.twilio.owned()].map((holding) => holding.number);
  const active = await activeNumbersAmong(db, held);
  return held.filter((number) => !active.has(number)).length;
}

async function setUp(): Promise<Bench> {
  const bench = {} as Bench;
  [bench.scratch, bench.redis] = await Promise.all([createScratchDatabase('pbx_bench_provisioning'), ThrowawayRedis.create()]);
  await bench.redis.start();
  bench.db = openDatabase(bench.scratch.config.db);
  bench.publisher = new Redis({ host: '127.0.0.1', port: bench.redis.port });
  const [telnyx, twilio] = await Promise.all([startTelnyxEmulator({ seed: 2026 }), startTwilioEmulator({ seed: 2027 })]);
  bench.emulators = { telnyx, twilio };
  bench.sites = new NumberSites({ config: bench.scratch.config, db: bench.db, redis: bench.publisher, logger: log });
  const port = await freeTcpPort();
  // Both processes reach the emulators: the API to search, the worker to buy.
  const secrets = { [TELNYX_SECRET_VARIABLE]: telnyx.apiKey, [TWILIO_SECRET_VARIABLE]: twilio.authToken };
  const env = { ...bench.scratch.env, REDIS_PORT: String(bench.redis.port), ...secrets };
  bench.api = new AppProcess('admin-api/main.ts', { ...env, ADMIN_API_PORT: String(port), ADMIN_API_HOST: '127.0.0.1' });
  bench.worker = new WorkerProcess(env);
  bench.client = new ApiClient(`http://127.0.0.1:${port}`);
  return bench;
}

async function tearDown(bench: Partial<Bench>): Promise<void> {
  await Promise.all([bench.worker?.stop(), bench.api?.stop()]);
  await bench.sites?.remove().catch(() => undefined);
  await bench.db?.destroy();
  bench.publisher?.disconnect();
  await Promise.all([bench.emulators?.telnyx.close(), bench.emulators?.twilio.close(), bench.redis?.remove()]);
  await bench.scratch?.drop();
}

async function run(bench: Bench): Promise<void> {
  const buyers: (Buyer & { username: string })[] = [];
  for (let index = 0; index < ORGANIZATIONS; index += 1) buyers.push(await organization(bench, `Bench buyer ${index + 1}`));
  const operator = await organization(bench, 'Bench operators');
  await setPlatformOperator(bench.db, operator.username, true);
  const accounts = buyers.map((buyer) => buyer.accountId);
  await bench.sites.put('bench-telnyx', { api: 'telnyx', emulator: bench.emulators.telnyx }, { accounts, ip: '127.0.62.1', setupPriceCents: SETUP_PRICE_CENTS, monthlyPriceCents: 40 });
  await bench.sites.put('bench-twilio', { api: 'twilio', emulator: bench.emulators.twilio }, { accounts, ip: '127.0.62.2', setupPriceCents: SETUP_PRICE_CENTS, monthlyPriceCents: 60 });
  // Each organization can pay for everything it orders: a shortage would be a 402, not what this measures.
  for (const buyer of buyers) {
    const granted = await operator.client.post(`/v1/accounts/${buyer.accountId}/credits`, { amountCents: PURCHASES * SETUP_PRICE_CENTS, note: 'bench credits' });
    if (granted.status !== 201) throw new Error(`credits refused: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
  const first = buyers[0] as Buyer;
  const half = Math.ceil(PURCHASES / 2);
  const numbers = { telnyx: await searchNumbers(first, 'bench-telnyx', 'telnyx', half), twilio: await searchNumbers(first, 'bench-twilio', 'twilio', PURCHASES - half) };
  const purchases: Purchase[] = [
    ...numbers.telnyx.map((number, index) => ({ buyer: buyers[index % buyers.length] as Buyer, trunk: 'bench-telnyx', number })),
    ...numbers.twilio.map((number, index) => ({ buyer: buyers[(index + 1) % buyers.length] as Buyer, trunk: 'bench-twilio', number })),
  ];

  for (const emulator of Object.values(bench.emulators)) emulator.faults.rates(FAULTS);
  say(`${purchases.length} purchases from ${buyers.length} organizations at Telnyx and Twilio emulators, ${Math.round((FAULTS.serverError + FAULTS.timeout + FAULTS.slow + FAULTS.lostResponse) * 100)}% of provider requests faulty`);
  const started = process.hrtime.bigint();
  const accepted = (await Promise.all(purchases.map(place))).filter(Boolean).length;
  say(`${accepted} orders placed in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  await restartMidway(bench, accepted);
  const states = await until('every order settled', async () => {
    const current = await purchaseOrderStates(bench.db);
    return settled(current) >= accepted ? current : undefined;
  }, { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 250 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const emulator of Object.values(bench.emulators)) emulator.faults.clear();

  const ledger = await ledgerDifference(bench.db);
  say(`completed: ${states.completed ?? 0}`);
  say(`failed: ${states.failed ?? 0}`);
  say(`numbers bought twice: ${await boughtTwice(bench.emulators, purchases.map((purchase) => purchase.number))}`);
  say(`ledger difference: ${ledger.difference} (charged ${ledger.charged} cents, completed orders cost ${ledger.expected}, reservations left open ${ledger.openReservations})`);
  say(`held at a provider without an active number: ${await heldWithoutRow(bench.db, bench.emulators)}`);
  say(`time taken: ${seconds.toFixed(1)} s`);
}

async function main(): Promise<void> {
  let bench: Bench | undefined;
  try {
    bench = await setUp();
    await Promise.all([bench.api.start(), bench.worker.start()]);
    await run(bench);
  } finally {
    if (bench) await tearDown(bench);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:provisioning failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
