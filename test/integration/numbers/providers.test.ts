// The number provider adapters (issue 10) against what they talk to: the Telnyx and Twilio adapters against
// local emulators of those providers' documented HTTP APIs (with injected faults), the static pool against
// real MariaDB rows, and the factory that picks one from a trunk file's purchasing section.
import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { loadConfig } from '../../../core/config';
import { createNumberProvider, type ProviderSite } from '../../../core/number-providers/factory';
import { ProviderError, type NumberProvider, type OwnedNumber } from '../../../core/number-providers/provider';
import { StaticPoolProvider } from '../../../core/number-providers/static-pool';
import { TelnyxProvider } from '../../../core/number-providers/telnyx';
import { TwilioProvider } from '../../../core/number-providers/twilio';
import { resolveSecretSource } from '../../../core/trunk-secrets';
import { openDatabase, type Database } from '../../../db/connection';
import { openTestStack, type TestStack } from '../../support/stack';
import { startTelnyxEmulator, startTwilioEmulator, type ProviderEmulator, type TelnyxEmulator, type TwilioEmulator } from '../../support/provider-emulators';

const ROUTE = { telnyx: '2345678901234567890', twilio: 'TK0123456789abcdef0123456789abcdef' } as const;

interface AdapterOptions { timeoutMs?: number; pageSize?: number; badSecret?: boolean }

interface Subject {
  name: 'telnyx' | 'twilio';
  start(): Promise<ProviderEmulator>;
  adapter(emulator: ProviderEmulator, options?: AdapterOptions): NumberProvider;
  /** The number as the provider's own API shows it: the reference and routing our requests set. */
  show(emulator: ProviderEmulator, ref: string): Promise<{ reference: string | null; routedTo: string | null }>;
}

const telnyx: Subject = {
  name: 'telnyx',
  start: () => startTelnyxEmulator({ seed: 7 }),
  adapter: (emulator, options = {}) => new TelnyxProvider({
    apiKey: options.badSecret ? 'KEY-wrong' : (emulator as TelnyxEmulator).apiKey, baseUrl: emulator.url, connectionId: ROUTE.telnyx,
    timeoutMs: options.timeoutMs ?? 5_000, pageSize: options.pageSize,
  }),
  async show(emulator, ref) {
    const response = await fetch(`${emulator.url}/phone_numbers/${ref}`, { headers: { Authorization: `Bearer ${(emulator as TelnyxEmulator).apiKey}` } });
    const { data } = (await response.json()) as { data: { customer_reference: string | null; connection_id: string | null } };
    return { reference: data.customer_reference, routedTo: data.connection_id };
  },
};

const twilio: Subject = {
  name: 'twilio',
  start: () => startTwilioEmulator({ seed: 7 }),
  adapter: (emulator, options = {}) => {
    const { accountSid, authToken } = emulator as TwilioEmulator;
    return new TwilioProvider({
      accountSid, authToken: options.badSecret ? 'wrong-token' : authToken, baseUrl: emulator.url, trunkSid: ROUTE.twilio,
      timeoutMs: options.timeoutMs ?? 5_000, pageSize: options.pageSize,
    });
  },
  async show(emulator, ref) {
    const { accountSid, authToken } = emulator as TwilioEmulator;
    const response = await fetch(`${emulator.url}/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${ref}.json`, {
      headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
    });
    const body = (await response.json()) as { friendly_name: string | null; trunk_sid: string | null };
    return { reference: body.friendly_name, routedTo: body.trunk_sid };
  },
};

async function providerError(work: Promise<unknown>): Promise<ProviderError> {
  try {
    await work;
  } catch (error) {
    expect(error).to.be.instanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

/** Available numbers, bought with a key each (as the purchase job does). */
async function buy(adapter: NumberProvider, count: number, areaCode = '312'): Promise<OwnedNumber[]> {
  const found = await adapter.search({ country: 'US', areaCode, limit: count });
  expect(found).to.have.length(count);
  return Promise.all(found.map((number, index) => adapter.purchase(number.number, `number-order-test-${areaCode}-${index}-${randomInt(1e9)}`)));
}

for (const subject of [telnyx, twilio]) {
  describe(`number provider ${subject.name}: the adapter against the emulator of its documented API`, function () {
    this.timeout(30_000);
    let emulator: ProviderEmulator;
    let adapter: NumberProvider;

    before(async () => {
      emulator = await subject.start();
      adapter = subject.adapter(emulator);
    });
    afterEach(() => emulator.faults.clear());
    after(async () => emulator?.close());

    it('given a search by country, region name, locality and capabilities, then only numbers of that place with them, normalised', async () => {
      const found = await adapter.search({ country: 'us', region: 'Illinois', locality: ' chicago ', capabilities: { voice: true, sms: true }, limit: 5 });
      expect(found).to.have.length(5);
      for (const number of found) {
        expect(number.number).to.match(/^\+1(312|773)\d{7}$/);
        expect(number).to.deep.include({ country: 'US', region: 'IL', locality: 'Chicago' });
        expect(number.capabilities).to.include({ voice: true, sms: true });
      }
      const faxes = await adapter.search({ country: 'US', areaCode: '1-415', capabilities: { fax: true, sms: true }, limit: 4 });
      expect(faxes).to.have.length(4);
      for (const number of faxes) {
        expect(number.number).to.match(/^\+1415/);
        expect(number.capabilities).to.include({ fax: true, sms: true });
      }
    });

    it('given a search abroad with a national area code, then numbers of that area; an unknown country gives none; a malformed one is refused before any request', async () => {
      const london = await adapter.search({ country: 'GB', areaCode: '020', limit: 3 });
      expect(london).to.have.length(3);
      for (const number of london) expect(number).to.deep.include({ country: 'GB', locality: 'London', region: null }).and.property('number').to.match(/^\+4420\d{8}$/);
      expect(await adapter.search({ country: 'ZZ', limit: 3 })).to.deep.equal([]);
      const before = emulator.requests().length;
      expect((await providerError(adapter.search({ country: 'USA', limit: 3 }))).kind).to.equal('permanent');
      expect(emulator.requests()).to.have.length(before);
    });

    it('given a purchase, then the number is ours with the order key as reference, routed to our trunk, found by the lookup, and released (twice without error)', async () => {
      const [candidate] = await adapter.search({ country: 'US', areaCode: '212', limit: 1 });
      const number = candidate?.number as string;
      expect(await adapter.findOwned(number)).to.equal(undefined);
      const owned = await adapter.purchase(number, 'number-order-41');
      expect(owned).to.deep.include({ number, routedTo: ROUTE[subject.name] });
      expect(await subject.show(emulator, owned.providerRef)).to.deep.equal({ reference: 'number-order-41', routedTo: ROUTE[subject.name] });
      expect(await adapter.findOwned(number)).to.deep.equal(owned);
      expect(emulator.timesBought(number)).to.equal(1);

      // Routing drifted at the provider (someone edited it): configureRouting points it back at our trunk.
      const drifted = { ...owned, routedTo: null };
      await adapter.configureRouting(drifted);
      expect(emulator.owned().find((entry) => entry.number === number)?.routedTo).to.equal(ROUTE[subject.name]);

      await adapter.release(owned);
      expect(await adapter.findOwned(number)).to.equal(undefined);
      expect(emulator.owned().map((entry) => entry.number)).not.to.include(number);
      await adapter.release(owned);
    });

    it('given a number that is not available (ours already, or never the provider\'s), then buying it is a permanent error and it is bought once', async () => {
      const [owned] = await buy(adapter, 1, '617');
      const again = await providerError(adapter.purchase(owned?.number as string, 'number-order-42'));
      expect(again.kind).to.equal('permanent');
      expect(again.status).to.be.within(400, 499);
      expect(emulator.timesBought(owned?.number as string)).to.equal(1);
      const never = await providerError(adapter.purchase('+13125550000', 'number-order-43'));
      expect(never).to.include({ kind: 'permanent' });
      expect(emulator.timesBought('+13125550000')).to.equal(0);
    });

    it('given more numbers than a page holds, then listOwned reads every page', async () => {
      const paged = subject.adapter(emulator, { pageSize: 4 });
      await buy(adapter, 9, '206');
      const listRequests = () => emulator.requests().filter((request) => request.route === 'list').length;
      const before = listRequests();
      const listed = await paged.listOwned();
      const expected = emulator.owned();
      expect(listed.map((entry) => entry.number).sort()).to.deep.equal(expected.map((entry) => entry.number).sort());
      expect(listed.map((entry) => entry.providerRef).sort()).to.deep.equal(expected.map((entry) => entry.providerRef).sort());
      expect(listRequests() - before).to.equal(Math.ceil(expected.length / 4));
    });

    it('given 5xx, time-outs and lost responses, then transient errors; a 4xx or a bad key, then permanent ones', async () => {
      emulator.faults.next('search', 'serverError');
      const fiveHundred = await providerError(adapter.search({ country: 'US', limit: 1 }));
      expect(fiveHundred.kind).to.equal('transient');
      expect(fiveHundred.status).to.be.within(500, 599);

      const impatient = subject.adapter(emulator, { timeoutMs: 300 });
      emulator.faults.next('search', 'timeout');
      const startedAt = Date.now();
      expect(await providerError(impatient.search({ country: 'US', limit: 1 }))).to.include({ kind: 'transient', status: null });
      expect(Date.now() - startedAt).to.be.below(2_000);

      emulator.faults.next('lookup', 'lostResponse');
      expect(await providerError(adapter.findOwned('+13125550000'))).to.include({ kind: 'transient', status: null });

      const [owned] = await buy(adapter, 1, '303');
      emulator.faults.next('configure', 'clientError');
      expect(await providerError(adapter.configureRouting({ ...(owned as OwnedNumber), routedTo: null }))).to.include({ kind: 'permanent', status: 400 });

      const stranger = subject.adapter(emulator, { badSecret: true });
      expect(await providerError(stranger.search({ country: 'US', limit: 1 }))).to.include({ kind: 'permanent', status: 401 });
    });

    it('given a slow answer, then it succeeds within the deadline and fails transiently past it', async () => {
      emulator.faults.rates({ slow: 1, slowMs: 400 });
      const startedAt = Date.now();
      expect(await adapter.search({ country: 'US', limit: 2 })).to.have.length(2);
      expect(Date.now() - startedAt).to.be.at.least(400);
      const impatient = subject.adapter(emulator, { timeoutMs: 150 });
      expect(await providerError(impatient.search({ country: 'US', limit: 2 }))).to.include({ kind: 'transient' });
    });

    it('given a purchase whose response is lost, then the lookup finds the number, so the retried job buys nothing twice', async () => {
      const [candidate] = await adapter.search({ country: 'US', areaCode: '512', limit: 1 });
      const number = candidate?.number as string;
      emulator.faults.next('purchase', 'lostResponse');
      expect(await providerError(adapter.purchase(number, 'number-order-44'))).to.include({ kind: 'transient' });
      // The job's retry: "already mine?" first.
      const found = await adapter.findOwned(number);
      expect(found).to.include({ number });
      expect(emulator.timesBought(number)).to.equal(1);
      // Ordering it again regardless would be refused, not bought twice.
      expect((await providerError(adapter.purchase(number, 'number-order-44'))).kind).to.equal('permanent');
      expect(emulator.timesBought(number)).to.equal(1);
    });

    it('given a release whose response is lost, then releasing again succeeds (the number is already gone)', async () => {
      const [owned] = await buy(adapter, 1, '305');
      emulator.faults.next('release', 'lostResponse');
      expect(await providerError(adapter.release(owned as OwnedNumber))).to.include({ kind: 'transient' });
      await adapter.release(owned as OwnedNumber);
      expect(await adapter.findOwned((owned as OwnedNumber).number)).to.equal(undefined);
    });

    it('given seeded fault rates, then the same seed fails the same requests', async () => {
      const pattern = async (): Promise<string> => {
        const twin = await subject.start();
        try {
          twin.faults.rates({ serverError: 0.3, lostResponse: 0.2 });
          const client = subject.adapter(twin);
          let outcomes = '';
          for (let index = 0; index < 30; index += 1) {
            outcomes += await client.search({ country: 'US', limit: 1 }).then(() => '.', (error: ProviderError) => (error.status === null ? 'L' : 'E'));
          }
          return outcomes;
        } finally {
          await twin.close();
        }
      };
      const first = await pattern();
      expect(first).to.match(/E/).and.match(/L/).and.match(/\./);
      expect(await pattern()).to.equal(first);
    });

    it('given 500 concurrent purchases, then each number is bought exactly once, quickly', async function () {
      // Generous: the bound catches an emulator that serialises requests, not a busy test machine.
      this.timeout(60_000);
      const found = await adapter.search({ country: 'US', areaCode: '713', limit: 500 });
      expect(found).to.have.length(500);
      const startedAt = Date.now();
      const owned = await Promise.all(found.map((number, index) => adapter.purchase(number.number, `number-order-bulk-${index}`)));
      expect(Date.now() - startedAt).to.be.below(30_000);
      expect(new Set(owned.map((entry) => entry.providerRef)).size).to.equal(500);
      for (const number of found) expect(emulator.timesBought(number.number)).to.equal(1);
    });
  });
}

describe('number provider static-pool: the trunk file\'s free numbers in MariaDB', function () {
  this.timeout(20_000);
  let stack: TestStack;
  let db: Database;
  let trunkId: number;
  let otherTrunkId: number;
  let accountId: number;
  let pool: StaticPoolProvider;
  // A block of numbers of this run only: phone_numbers.live_number is unique across every test's rows.
  const block = String(randomInt(100, 999));
  const n = (last: number): string => `+1312555${block}${last}`;
  const london = `+4420794${block}0`;

  before(async () => {
    stack = await openTestStack();
    db = stack.db;
    const name = `h1-pool-${block}`;
    const definition = JSON.stringify({ provider: 'Pool', host: '198.51.100.7', port: 5060, transport: 'udp', register: false, inbound: { addresses: ['198.51.100.7'] }, codecs: ['ulaw'], qualifySeconds: 0, accounts: [], numbers: [] });
    trunkId = Number((await db('trunks').insert({ name, source: 'file', definition }))[0]);
    otherTrunkId = Number((await db('trunks').insert({ name: `${name}-other`, source: 'file', definition }))[0]);
    accountId = (await stack.accounts.create({ kind: 'reseller', name: `Pool buyer ${block}` })).account.id;
    const row = (number: string, extra: Record<string, unknown> = {}) => ({ trunk_id: trunkId, number, provider: 'static-pool', provider_ref: number, state: 'active', ...extra });
    await db('phone_numbers').insert([
      row(n(1), { country: 'US', region: 'IL', locality: 'Chicago', voice: true, sms: true }),
      row(n(2), { country: 'US', region: 'IL', locality: 'Chicago', voice: true, sms: false }),
      // Written before numbers had a country: told by the number.
      row(n(3)),
      row(n(4), { country: 'US', region: 'IL', sms: true, account_id: accountId }),
      row(n(5), { country: 'US', region: 'IL', sms: true, state: 'released' }),
      row(n(6), { country: 'US', region: 'IL', sms: true, state: 'reserved' }),
      row(london, { country: 'GB', locality: 'London' }),
      { ...row(n(7), { country: 'US' }), trunk_id: otherTrunkId },
    ]);
    pool = new StaticPoolProvider(db, { id: trunkId, name });
  });

  after(async () => {
    if (!stack) return;
    await db('phone_numbers').whereIn('trunk_id', [trunkId, otherTrunkId]).delete();
    await db('trunks').whereIn('id', [trunkId, otherTrunkId]).delete();
    if (accountId) await stack.accounts.remove(accountId);
    await stack.close();
  });

  it('given a search, then only the trunk\'s free numbers in service of that place and capability', async () => {
    const numbers = async (query: Parameters<StaticPoolProvider['search']>[0]) => (await pool.search(query)).map((entry) => entry.number);
    expect(await numbers({ country: 'US', limit: 10 })).to.deep.equal([n(1), n(2), n(3)]);
    expect(await numbers({ country: 'us', region: 'illinois', areaCode: '312', limit: 10 })).to.deep.equal([n(1), n(2)]);
    expect(await numbers({ country: 'US', capabilities: { sms: true }, limit: 10 })).to.deep.equal([n(1)]);
    expect(await numbers({ country: 'US', areaCode: '415', limit: 10 })).to.deep.equal([]);
    expect(await numbers({ country: 'US', limit: 2 })).to.have.length(2);
    expect(await pool.search({ country: 'GB', areaCode: '020', locality: 'london', limit: 10 })).to.deep.equal([
      { number: london, country: 'GB', region: null, locality: 'London', capabilities: { voice: true, sms: false, fax: false } },
    ]);
  });

  it('given the lookup, then held numbers of this trunk whoever holds them, as themselves, routed to the trunk; released or other trunks\' are not', async () => {
    expect(await pool.findOwned(n(4))).to.deep.equal({ number: n(4), providerRef: n(4), routedTo: `h1-pool-${block}` });
    expect(await pool.findOwned(n(1))).to.include({ number: n(1) });
    expect(await pool.findOwned(n(5))).to.equal(undefined);
    expect(await pool.findOwned(n(7))).to.equal(undefined);
    expect((await pool.listOwned()).map((entry) => entry.number).sort()).to.deep.equal([london, n(1), n(2), n(3), n(4), n(6)].sort());
  });

  it('given purchase, routing and release, then nothing changes at the "provider": rows stay as they are', async () => {
    const before = await db('phone_numbers').where({ trunk_id: trunkId }).orderBy('id');
    const owned = await pool.purchase(n(1));
    expect(owned).to.deep.equal({ number: n(1), providerRef: n(1), routedTo: `h1-pool-${block}` });
    await pool.configureRouting();
    await pool.release();
    expect(await db('phone_numbers').where({ trunk_id: trunkId }).orderBy('id')).to.deep.equal(before);
    expect(await providerError(pool.purchase(n(7)))).to.include({ kind: 'permanent' });
  });
});

describe('number providers: the factory builds the adapter a trunk\'s purchasing section names', function () {
  this.timeout(20_000);
  let db: Database;
  let emulator: TelnyxEmulator;
  const env: NodeJS.ProcessEnv = {};
  const deps = () => ({ db, secret: (source: Parameters<typeof resolveSecretSource>[0]) => resolveSecretSource(source, env), timeoutMs: 2_000 });
  const site = (purchasing: Partial<ProviderSite['purchasing']>): ProviderSite => ({
    trunkId: 1, trunkName: 'carrier', purchasing: { api: 'telnyx', setupPriceCents: 100, monthlyPriceCents: 100, ...purchasing },
  });

  before(async () => {
    db = openDatabase(loadConfig().db);
    emulator = await startTelnyxEmulator();
  });
  after(async () => {
    await emulator?.close();
    await db?.destroy();
  });

  it('given each api, then its adapter; the secret is read at each request, and a missing one fails it permanently before it is sent', async () => {
    const provider = createNumberProvider(site({ baseUrl: emulator.url, secret: { env: 'H1_TEST_TELNYX_KEY' }, routeTo: ROUTE.telnyx }), deps());
    expect(provider.api).to.equal('telnyx');
    const before = emulator.requests().length;
    const missing = await providerError(provider.search({ country: 'US', limit: 1 }));
    expect(missing.kind).to.equal('permanent');
    expect(missing.message).to.include('H1_TEST_TELNYX_KEY');
    expect(emulator.requests()).to.have.length(before);
    env.H1_TEST_TELNYX_KEY = emulator.apiKey;
    expect(await provider.search({ country: 'US', limit: 1 })).to.have.length(1);

    const twilioSite = site({ api: 'twilio', accountSid: 'AC0123456789abcdef0123456789abcdef', secret: { env: 'H1_TEST_TWILIO_TOKEN' }, routeTo: ROUTE.twilio });
    expect(createNumberProvider(twilioSite, deps()).api).to.equal('twilio');
    expect(createNumberProvider(site({ api: 'static-pool' }), deps()).api).to.equal('static-pool');
  });

  it('given a section missing what its api needs, then a permanent error naming the field', () => {
    for (const [purchasing, field] of [[{ api: 'twilio', secret: { env: 'X' } }, 'accountSid'], [{ api: 'telnyx' }, 'secret']] as const) {
      let thrown: unknown;
      try {
        createNumberProvider(site(purchasing), deps());
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ProviderError).and.include({ kind: 'permanent' });
      expect((thrown as Error).message).to.include(field);
    }
  });
});
