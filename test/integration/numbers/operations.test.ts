// Running the number business (issue 10): the queue dashboard for platform operators, jobs that fail for good
// in the audit log, the monthly rental run, and reconciliation of the providers' lists with the inventory.
// The suite has a database of its own on the shared MariaDB and a Redis of its own: the rental run and
// reconciliation act on every row and every provider site, so they must see only this suite's, and its worker
// must be the only one taking its jobs. Numbers are bought through the API from the Telnyx and Twilio emulators.
import { expect } from 'chai';
import { Queue } from 'bullmq';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { CHANGES_STREAM } from '../../../core/change-events';
import { queuesOf } from '../../../jobs/registry';
import { chargeMonthlyRental, rentalMonth } from '../../../jobs/numbers/rental';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';
import { WorkerProcess } from '../../support/ari-app-process';
import { startTestApi, type ApiClient, type ApiResponse, type TestApi } from '../../support/admin-api';
import { CHROMIUM_PATH, launchChromium } from '../../support/chromium';
import { NumberSites } from '../../support/number-sites';
import { startTelnyxEmulator, startTwilioEmulator, type TelnyxEmulator, type TwilioEmulator } from '../../support/provider-emulators';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { freeTcpPort, ThrowawayRedis } from '../../support/throwaway-services';
import { until } from '../../support/until';
import { addUser, expectStatus } from '../identity/helpers';

type Organization = Awaited<ReturnType<TestApi['organization']>>;
interface Placed { orderId: number; numberId: number; number: string }
interface AuditRow { action: string; entity: string; entityId: string | null; after: Record<string, unknown> }

const TELNYX_TRUNK = 'ops-telnyx';
const TWILIO_TRUNK = 'ops-twilio';
const POOL_TRUNK = 'ops-pool';
const MONTHLY = { [TELNYX_TRUNK]: 50, [TWILIO_TRUNK]: 70 };

describe('number operations: queue dashboard, failed jobs audited, monthly rental, reconciliation', function () {
  this.timeout(120_000);
  let scratch: ScratchDatabase;
  let redis: ThrowawayRedis;
  let api: TestApi;
  let telnyx: TelnyxEmulator;
  let twilio: TwilioEmulator;
  let sites: NumberSites;
  let worker: WorkerProcess;
  let org: Organization;
  let subaccountId: number;
  let agent: ApiClient;
  let operator: Organization;
  let poolNumber: string;

  before(async function () {
    this.timeout(180_000);
    [scratch, redis] = await Promise.all([createScratchDatabase('pbx_ops'), ThrowawayRedis.create()]);
    await redis.start();
    api = await startTestApi({ db: scratch.config.db, redis: { host: '127.0.0.1', port: redis.port } });
    [telnyx, twilio] = await Promise.all([startTelnyxEmulator({ seed: 61 }), startTwilioEmulator({ seed: 62 })]);
    org = await api.organization('Ops Corp');
    const created = await org.api.post(`/v1/accounts/${org.accountId}/accounts`, { name: 'Ops phones' });
    expectStatus(created, 201);
    subaccountId = created.body.id;
    agent = (await addUser(org.api, subaccountId, 'agent')).api;
    operator = await api.organization('Ops operators');
    await setPlatformOperator(api.db, operator.username, true);
    sites = new NumberSites(api);
    const prices = (trunk: keyof typeof MONTHLY) => ({ accounts: [subaccountId], setupPriceCents: 100, monthlyPriceCents: MONTHLY[trunk] });
    await sites.put(TELNYX_TRUNK, { api: 'telnyx', emulator: telnyx }, { ...prices(TELNYX_TRUNK), ip: '127.0.61.1' });
    await sites.put(TWILIO_TRUNK, { api: 'twilio', emulator: twilio }, { ...prices(TWILIO_TRUNK), ip: '127.0.61.2' });
    poolNumber = '+15550610001';
    await sites.put(POOL_TRUNK, { api: 'static-pool', numbers: [poolNumber] }, { accounts: [subaccountId], setupPriceCents: 0, monthlyPriceCents: 90, ip: '127.0.61.3' });
    // Mail goes to a port nobody listens on: the onboarding job fails on every attempt.
    worker = new WorkerProcess({ ...scratch.env, REDIS_PORT: String(redis.port), SMTP_HOST: '127.0.0.1', SMTP_PORT: String(await freeTcpPort()), ...sites.env });
    await worker.start();
    expectStatus(await operator.api.post(`/v1/accounts/${org.accountId}/credits`, { amountCents: 100_000, note: 'ops test credits' }), 201);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`worker log:\n${worker?.output.slice(-6000)}\n`);
  });

  after(async function () {
    this.timeout(60_000);
    await worker?.stop();
    await api?.close();
    await Promise.all([telnyx?.close(), twilio?.close(), redis?.remove()]);
    await scratch?.drop();
  });

  async function available(trunk: string): Promise<string> {
    const response = await org.api.get(`/v1/accounts/${subaccountId}/available-numbers?trunk=${trunk}&country=US&limit=5`);
    expectStatus(response, 200);
    const found = (response.body.numbers as { number: string }[])[0]?.number;
    if (!found) throw new Error(`no number available at ${trunk}`);
    return found;
  }

  async function order(trunk: string, number?: string, checkout: Record<string, unknown> = {}): Promise<Placed> {
    const response: ApiResponse<{ order: { id: number }; number: { id: number; number: string } }> =
      await org.api.post(`/v1/accounts/${subaccountId}/numbers/purchases`, { trunk, number: number ?? await available(trunk), ...checkout });
    expectStatus(response, 202);
    return { orderId: response.body.order.id, numberId: response.body.number.id, number: response.body.number.number };
  }

  function orderReaches(orderId: number, states: string[]): Promise<{ order: { state: string; error: string | null } }> {
    return until(`order ${orderId} is ${states.join(' or ')}`, async () => {
      const response = await org.api.get(`/v1/accounts/${subaccountId}/numbers/orders/${orderId}`);
      return states.includes(response.body.order?.state) ? response.body : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
  }

  async function buy(trunk: string, checkout: Record<string, unknown> = {}): Promise<Placed> {
    const placed = await order(trunk, undefined, checkout);
    expect((await orderReaches(placed.orderId, ['completed', 'failed'])).order.state).to.equal('completed');
    return placed;
  }

  async function auditRows(accountId: number, action: string): Promise<AuditRow[]> {
    const response = await org.api.get(`/v1/accounts/${accountId}/audit?limit=100`);
    expectStatus(response, 200);
    return (response.body.entries as AuditRow[]).filter((row) => row.action === action);
  }

  describe('the queue dashboard', () => {
    const dashboard = (path = '/admin/queues', init: RequestInit = {}): Promise<Response> => fetch(`${api.client.base}${path}`, { redirect: 'manual', ...init });
    const bearer = (client: ApiClient): RequestInit => ({ headers: { authorization: `Bearer ${client.token}` } });

    async function expectRefused(response: Response, status: number, code: string): Promise<void> {
      expect(response.status).to.equal(status);
      expect(response.headers.get('content-type')).to.match(/application\/json/);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(code);
    }

    it('given no token or an unknown one, when the dashboard, its assets or its API are asked for, then 401 JSON', async () => {
      for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
        await expectRefused(await dashboard(path), 401, 'AUTHENTICATION_REQUIRED');
        await expectRefused(await dashboard(path, { headers: { authorization: 'Bearer pbxs_not-a-token' } }), 401, 'TOKEN_INVALID');
      }
    });

    it('given an agent and the Organization Owner (not operators), when they ask for the dashboard, then 403 JSON, never the board', async () => {
      for (const client of [agent, org.api]) {
        for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/queue/numbers']) {
          await expectRefused(await dashboard(path, bearer(client)), 403, 'PLATFORM_OPERATOR_REQUIRED');
        }
        // Nor can they pause a queue through the board's API.
        await expectRefused(await dashboard('/admin/queues/api/queues/numbers/pause', { method: 'PUT', ...bearer(client) }), 403, 'PLATFORM_OPERATOR_REQUIRED');
      }
    });

    it('given a platform operator, when they open the dashboard, then the page, its scripts and styles and every queue of the job map are served', async () => {
      const page = await dashboard('/admin/queues', bearer(operator.api));
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/text\/html/);
      expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
      const html = await page.text();
      expect(html).to.include('<div id="root">').and.to.include('<base href="/admin/queues/"');
      const assets = [...html.matchAll(/(?:src|href)="(static\/[^"]+\.(?:js|css))"/g)].map((match) => match[1] as string);
      expect(assets.length).to.be.greaterThan(1);
      for (const asset of assets) {
        const response = await dashboard(`/admin/queues/${asset}`, bearer(operator.api));
        expect(response.status, asset).to.equal(200);
        expect(response.headers.get('content-type'), asset).to.match(asset.endsWith('.js') ? /javascript/ : /text\/css/);
      }
      const queues = await dashboard('/admin/queues/api/queues', bearer(operator.api));
      expect(queues.status).to.equal(200);
      const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort();
      expect(names).to.deep.equal([...queuesOf().keys()].sort());
    });

    it('given the sign-in form, when an operator posts their token, then a strict cookie opens the board; not for others, not from another origin, not after revocation', async () => {
      const form = (token: string, origin = api.client.base): RequestInit => ({
        method: 'POST', body: `token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      });
      expect((await dashboard('/admin/queues/login')).status).to.equal(200);
      const refused = await dashboard('/admin/queues/session', form(agent.token ?? ''));
      await expectRefused(refused, 403, 'PLATFORM_OPERATOR_REQUIRED');
      expect(refused.headers.get('set-cookie')).to.equal(null);
      await expectRefused(await dashboard('/admin/queues/session', form(operator.api.token ?? '', 'http://evil.example')), 403, 'CROSS_ORIGIN_REFUSED');

      const signedIn = await dashboard('/admin/queues/session', form(operator.api.token ?? ''));
      expect(signedIn.status).to.equal(303);
      expect(signedIn.headers.get('location')).to.equal('/admin/queues/');
      const cookie = signedIn.headers.get('set-cookie') ?? '';
      expect(cookie).to.match(/HttpOnly/).and.to.match(/SameSite=Strict/).and.to.match(/Path=\/admin\/queues/);
      const withCookie = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), cookie: cookie.split(';')[0] as string } });
      expect((await dashboard('/admin/queues/api/queues', withCookie())).status).to.equal(200);
      // A write the cookie carries from another origin's page is refused, and changes nothing.
      await expectRefused(await dashboard('/admin/queues/api/queues/numbers/pause', withCookie({ method: 'PUT', headers: { origin: 'http://evil.example' } })), 403, 'CROSS_ORIGIN_REFUSED');
      const numbersQueue = new Queue('numbers', { connection: new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }) });
      try {
        expect(await numbersQueue.isPaused()).to.equal(false);
      } finally {
        await numbersQueue.close();
        await numbersQueue.disconnect();
      }
      await setPlatformOperator(api.db, operator.username, false);
      try {
        await expectRefused(await dashboard('/admin/queues/api/queues', withCookie()), 403, 'PLATFORM_OPERATOR_REQUIRED');
      } finally {
        await setPlatformOperator(api.db, operator.username, true);
      }
    });

    it('given a real browser, when an operator signs in, then the board shows every queue with no page error and no blocked resource but the font CDN', async function () {
      if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: npm test installs it`);
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext()).newPage();
        const problems: string[] = [];
        page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`); });
        await page.goto(`${api.client.base}/admin/queues/login`);
        await page.fill('#token', operator.api.token ?? '');
        await page.click('button[type=submit]');
        for (const queue of queuesOf().keys()) await page.getByRole('link', { name: queue, exact: true }).first().waitFor({ timeout: 15_000 });
        // The page's stylesheet link to Google Fonts is refused by design (the operator's browser calls no one else).
        expect(problems.filter((problem) => !problem.includes('fonts.googleapis.com'))).to.deep.equal([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('jobs that fail for good', () => {
    it('given a purchase the provider refuses (4xx), when its job fails, then one audit row in the order\'s account names the job, its id, attempts and error', async () => {
      const number = await available(TELNYX_TRUNK);
      telnyx.faults.next('purchase', 'clientError');
      const placed = await order(TELNYX_TRUNK, number);
      expect((await orderReaches(placed.orderId, ['completed', 'failed'])).order.state).to.equal('failed');
      const row = await until('the failed job\'s audit row', async () => (await auditRows(subaccountId, 'job.failed')).find((entry) => entry.entityId === `number-order-${placed.orderId}`));
      expect(row.entity).to.equal('job');
      expect(row.after).to.include({ job: 'numbers.purchase', jobId: `number-order-${placed.orderId}`, attempts: 1, unrecoverable: true, queue: 'numbers' });
      expect(row.after.error).to.be.a('string').and.not.equal('');
      expect(row.after.payload).to.deep.equal({ orderId: placed.orderId });
    });

    it('given a job that fails on every attempt, when its last attempt fails, then exactly one row, in the payload\'s account, after all attempts', async () => {
      const jobId = `ops-onboarding-${Date.now()}`;
      const email = new Queue('email', { connection: new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }) });
      try {
        await email.add('email.onboarding', { userId: org.userId, accountId: org.accountId }, { jobId, attempts: 3, backoff: { type: 'fixed', delay: 100 } });
        const row = await until('the onboarding job\'s audit row', async () => (await auditRows(org.accountId, 'job.failed')).find((entry) => entry.entityId === jobId));
        expect(row.after).to.include({ job: 'email.onboarding', attempts: 3, maxAttempts: 3, unrecoverable: false });
        expect(await email.getJobState(jobId)).to.equal('failed');
      } finally {
        await email.close();
        await email.disconnect();
      }
      // Written once, for the failure that ended it: the two attempts that were retried wrote nothing.
      expect((await auditRows(org.accountId, 'job.failed')).filter((entry) => entry.entityId === jobId)).to.have.length(1);
    });

    it('given a job whose payload leads to no account, when it fails for good, then its row has no account', async () => {
      const numbers = new Queue('numbers', { connection: new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }) });
      const jobId = `ops-no-order-${Date.now()}`;
      try {
        await numbers.add('numbers.release', { orderId: 987_654_321 }, { jobId, attempts: 5 });
        const row = await until('the orphan job\'s audit row', async () =>
          (await api.db('audit_log').where({ action: 'job.failed', entity_id: jobId }).first('account_id', 'actor_user_id')) as { account_id: number | null; actor_user_id: number | null } | undefined);
        expect(row).to.deep.equal({ account_id: null, actor_user_id: null });
      } finally {
        await numbers.close();
        await numbers.disconnect();
      }
    });
  });

  describe('monthly rental', () => {
    let bought: Placed[];
    const deps = () => ({ db: api.db, logger: api.logger });
    const monthAfter = (date: Date, months: number): Date => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1, 12));

    async function rentalEntries(): Promise<{ entryKey: string; amountCents: number }[]> {
      const response = await org.api.get(`/v1/accounts/${subaccountId}/credits?limit=200`);
      expectStatus(response, 200);
      return (response.body.entries as { kind: string; entryKey: string; amountCents: number }[])
        .filter((entry) => entry.kind === 'rental').map(({ entryKey, amountCents }) => ({ entryKey, amountCents }));
    }

    before(async () => {
      bought = [await buy(TELNYX_TRUNK), await buy(TWILIO_TRUNK)];
      // A spare static-pool number with a price, held by no account: never charged.
      await api.db('phone_numbers').where({ number: poolNumber }).whereNull('account_id').update({ monthly_price_cents: 90 });
    });

    it('given numbers bought this month, when the rental runs this month, then nothing is charged (the purchase covers its month)', async () => {
      const run = await chargeMonthlyRental(deps(), new Date());
      expect(run.charged).to.equal(0);
      expect(await rentalEntries()).to.deep.equal([]);
    });

    it('given the next month, when the rental runs twice, then each number is charged once, at its monthly price, on the organization\'s ledger', async () => {
      const next = monthAfter(new Date(), 1);
      const { month } = rentalMonth(next);
      const first = await chargeMonthlyRental(deps(), next);
      const second = await chargeMonthlyRental(deps(), next);
      expect([first.charged, second.charged]).to.deep.equal([2, 0]);
      expect(first.chargedCents).to.equal(MONTHLY[TELNYX_TRUNK] + MONTHLY[TWILIO_TRUNK]);
      const [telnyxNumber, twilioNumber] = bought as [Placed, Placed];
      expect(await rentalEntries()).to.have.deep.members([
        { entryKey: `rental:${telnyxNumber.numberId}:${month}`, amountCents: -MONTHLY[TELNYX_TRUNK] },
        { entryKey: `rental:${twilioNumber.numberId}:${month}`, amountCents: -MONTHLY[TWILIO_TRUNK] },
      ]);
      const ledger = (await api.db('credit_entries').where({ kind: 'rental' }).select('account_id')) as { account_id: number }[];
      expect(ledger.map((entry) => Number(entry.account_id))).to.deep.equal([org.accountId, org.accountId]);
    });

    it('given the month after, when three runs race, then one more entry per number: two months, two entries each', async () => {
      const later = monthAfter(new Date(), 2);
      const runs = await Promise.all([0, 1, 2].map(() => chargeMonthlyRental(deps(), later)));
      expect(runs.reduce((sum, run) => sum + run.charged, 0)).to.equal(2);
      const entries = await rentalEntries();
      expect(entries).to.have.length(4);
      for (const placed of bought) expect(entries.filter((entry) => entry.entryKey.startsWith(`rental:${placed.numberId}:`))).to.have.length(2);
      expect(await api.db('credit_entries').where({ kind: 'rental' }).whereIn('number_id', api.db('phone_numbers').where({ number: poolNumber }).select('id'))).to.deep.equal([]);
    });
  });

  describe('reconciliation', () => {
    let kept: Placed;
    let dropped: Placed;
    let unknown: string;

    async function reconcile(client: ApiClient, fix: boolean): Promise<Record<string, any>> {
      const started = await client.post('/v1/number-reconciliations', { fix });
      expectStatus(started, 202);
      expect(started.body).to.include({ fix });
      return until(`reconciliation ${started.body.jobId}`, async () => {
        const last = await client.get('/v1/number-reconciliations/last');
        return last.status === 200 && last.body.jobId === started.body.jobId ? last.body : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
    }

    async function numberState(numberId: number): Promise<string> {
      return String((await api.db('phone_numbers').where({ id: numberId }).first('state')).state);
    }

    before(async () => {
      kept = await buy(TELNYX_TRUNK);
      dropped = await buy(TELNYX_TRUNK, { destination: { type: 'hangup' } });
      telnyx.releaseBehindOurBack(dropped.number);
      unknown = '+13125550987';
      twilio.addOwnedBehindOurBack(unknown);
    });

    it('given users who are not operators, when they start a reconciliation or read its report, then 403', async () => {
      for (const client of [agent, org.api]) {
        expectStatus(await client.post('/v1/number-reconciliations', {}), 403, 'PLATFORM_OPERATOR_REQUIRED');
        expectStatus(await client.get('/v1/number-reconciliations/last'), 403, 'PLATFORM_OPERATOR_REQUIRED');
      }
      expectStatus(await operator.api.post('/v1/number-reconciliations', { fix: 'yes' }), 400);
    });

    it('given a number the provider dropped and one we pay for but don\'t hold, when reconciliation reports, then both are listed and nothing changes', async () => {
      const report = await reconcile(operator.api, false);
      expect(report.sites.map((site: { trunk: string; error: string | null }) => [site.trunk, site.error]).sort()).to.deep.equal([[TELNYX_TRUNK, null], [TWILIO_TRUNK, null]]);
      expect(report.notInInventory).to.deep.equal([{ trunk: TWILIO_TRUNK, api: 'twilio', number: unknown, providerRef: twilio.owned().find((holding) => holding.number === unknown)?.providerRef, fixed: false, note: null }]);
      expect(report.releasedByProvider).to.deep.equal([{ trunk: TELNYX_TRUNK, api: 'telnyx', number: dropped.number, numberId: dropped.numberId, accountId: subaccountId, fixed: false, note: null }]);
      expect(report.totals).to.deep.equal({ notInInventory: 1, releasedByProvider: 1, fixed: 0, siteErrors: 0 });
      expect(await numberState(dropped.numberId)).to.equal('active');
      expect(twilio.owned().map((holding) => holding.number)).to.include(unknown);
      const audited = await api.db('audit_log').where({ action: 'numbers.reconcile', entity_id: report.jobId }).first('account_id');
      expect(audited).to.deep.equal({ account_id: null });
    });

    it('given a purchase in flight (bought at the provider, its answer lost), when reconciliation runs, then it is no difference', async () => {
      const number = await available(TELNYX_TRUNK);
      telnyx.faults.next('purchase', 'lostResponse');
      const placed = await order(TELNYX_TRUNK, number);
      await until('the provider holds the number', () => telnyx.owned().some((holding) => holding.number === number), { timeoutMs: 10_000 });
      expect(await numberState(placed.numberId)).to.equal('purchasing');
      const report = await reconcile(operator.api, false);
      expect(report.notInInventory.map((entry: { number: string }) => entry.number)).to.deep.equal([unknown]);
      expect(report.releasedByProvider.map((entry: { number: string }) => entry.number)).to.deep.equal([dropped.number]);
      expect((await orderReaches(placed.orderId, ['completed', 'failed'])).order.state).to.equal('completed');
    });

    it('given fix, when reconciliation runs, then the unknown number is released at the provider and the dropped one is released here, its route gone', async () => {
      expect(await api.db('destinations').where({ owner_type: 'number', owner_id: dropped.numberId })).to.have.length(1);
      const changes = new Redis({ host: '127.0.0.1', port: redis.port });
      const streamEnd = async (): Promise<string> => ((await changes.xrevrange(CHANGES_STREAM, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0');
      const before = await streamEnd();
      const report = await reconcile(operator.api, true);
      expect(report.totals).to.deep.equal({ notInInventory: 1, releasedByProvider: 1, fixed: 2, siteErrors: 0 });
      expect(twilio.owned().map((holding) => holding.number)).not.to.include(unknown);
      expect(await numberState(dropped.numberId)).to.equal('released');
      expect(await numberState(kept.numberId)).to.equal('active');
      expect(await api.db('destinations').where({ owner_type: 'number', owner_id: dropped.numberId })).to.deep.equal([]);
      const audited = await auditRows(subaccountId, 'number.released_by_provider');
      expect(audited.map((row) => row.entityId)).to.deep.equal([String(dropped.numberId)]);
      // The routing change is published, so the ARI app refuses the next call to the number.
      const published = (await changes.xrange(CHANGES_STREAM, `(${before}`, '+')).map(([, fields]) => JSON.parse(fields[1] as string) as { kind: string; accountId?: number });
      changes.disconnect();
      expect(published.filter((event) => event.kind === 'routing' && event.accountId === subaccountId)).to.have.length(1);

      const again = await reconcile(operator.api, false);
      expect(again.totals).to.deep.equal({ notInInventory: 0, releasedByProvider: 0, fixed: 0, siteErrors: 0 });
    });
  });
});
