// The login throttle over HTTP: one user however the database spells them, counted per (user, address) with a
// slower limit per user from anywhere, and the client address taken from X-Forwarded-For only behind a
// configured proxy. Clients connect from different 127.0.0.x addresses (all loopback) to be different clients.
import { expect } from 'chai';
import { removeAccountTree, startTestApi, uniqueName, type ApiClient, type TestApi } from '../../support/admin-api';
import { AddressedClient, clearAddressCounters } from '../../support/addressed-client';
import { expectStatus } from './helpers';

const LOGIN = '/v1/auth/login';
const loopback = (last: number): string => `127.0.0.${last}`;
const range = (first: number, count: number): string[] => Array.from({ length: count }, (_, index) => loopback(first + index));
const ADDRESSES = range(2, 40);
const SPOOFED = [...Array.from({ length: 31 }, (_, index) => `203.0.113.${index + 1}`), '198.51.100.7', '198.51.100.8'];

/** The same name as MariaDB's utf8mb4_general_ci compares it: one letter accented. */
function accented(username: string): string {
  return username.replace('o', 'ó');
}

async function failLogins(client: ApiClient, username: string, times: number): Promise<void> {
  for (let attempt = 0; attempt < times; attempt += 1) {
    expectStatus(await client.post(LOGIN, { username, password: `wrong-guess-${attempt}` }), 401);
  }
}

describe('login throttle: per user however spelled, per address, proxies (HTTP, MariaDB, Redis)', function () {
  this.timeout(60_000);
  let api: TestApi;
  const organizations: number[] = [];
  const from = (address: string): AddressedClient => new AddressedClient(api.client.base, address);

  async function victim(name: string) {
    const org = await api.organization(name);
    organizations.push(org.accountId);
    return org;
  }

  before(async () => {
    api = await startTestApi();
    await clearAddressCounters(api.redis, [...ADDRESSES, ...SPOOFED]);
  });

  after(async () => {
    for (const accountId of organizations) await removeAccountTree(api.db, accountId);
    await clearAddressCounters(api.redis, [...ADDRESSES, ...SPOOFED]);
    await api.close();
  });

  it('given a user locked at an address, when they log in there with a trailing space, an accent or capitals, then 429 for every spelling', async () => {
    const user = await victim('Spelling throttle org');
    // The database takes the accented spelling for the same user: it logs in while nothing is locked.
    expectStatus(await from(loopback(3)).post(LOGIN, { username: accented(user.username), password: user.password }), 200);
    const attacker = from(loopback(2));
    await failLogins(attacker, user.username, 5);
    for (const spelling of [`${user.username} `, accented(user.username), user.username.toUpperCase(), `${accented(user.username)}  `]) {
      const response = await attacker.post(LOGIN, { username: spelling, password: user.password });
      expectStatus(response, 429, 'TOO_MANY_ATTEMPTS');
    }
  });

  it('given failures for an unknown name in several spellings, when one more arrives, then they counted as one name', async () => {
    const name = uniqueName('ghost');
    const client = from(loopback(4));
    for (const spelling of [name, `${name} `, accented(name), name.toUpperCase(), `${accented(name).toUpperCase()} `]) {
      expectStatus(await client.post(LOGIN, { username: spelling, password: 'wrong-password' }), 401);
    }
    expectStatus(await client.post(LOGIN, { username: name, password: 'wrong-password' }), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('given five failures from one address, when the user logs in from their own address, then 200 there while the first stays throttled', async () => {
    const user = await victim('Address throttle org');
    await failLogins(from(loopback(5)), user.username, 5);
    expectStatus(await from(loopback(6)).post(LOGIN, { username: user.username, password: user.password }), 200);
    expectStatus(await from(loopback(5)).post(LOGIN, { username: user.username, password: user.password }), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('given fifty failures spread over ten addresses, when the user logs in from a fresh address, then the global limit refuses them (429)', async () => {
    const user = await victim('Global throttle org');
    await Promise.all(range(10, 10).map((address) => failLogins(from(address), user.username, 5)));
    const refused = await from(loopback(20)).post(LOGIN, { username: user.username, password: user.password });
    expectStatus(refused, 429, 'TOO_MANY_ATTEMPTS');
    expect(refused.body.error.details.retryAfterSeconds).to.be.within(1, 900);
  });

  it('given a parallel burst of twenty wrong passwords from one address, then only five are checked (401) and the rest are 429', async () => {
    const user = await victim('Burst throttle org');
    const client = from(loopback(21));
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => client.post(LOGIN, { username: user.username, password: `burst-${index}` })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 401)).to.have.length(5);
    expect(statuses.filter((status) => status === 429)).to.have.length(15);
  });

  it('given no trusted proxy, when thirty failures from one address each claim another X-Forwarded-For, then that address is throttled all the same', async () => {
    const address = loopback(22);
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const spoofing = from(address).withHeaders({ 'x-forwarded-for': `203.0.113.${attempt + 1}` });
      expectStatus(await spoofing.post(LOGIN, { username: uniqueName('nobody'), password: 'wrong-password' }), 401);
    }
    const next = from(address).withHeaders({ 'x-forwarded-for': '203.0.113.31' });
    expectStatus(await next.post(LOGIN, { username: uniqueName('nobody'), password: 'wrong-password' }), 429, 'TOO_MANY_ATTEMPTS');
  });

  describe('behind a proxy configured as TRUST_PROXY=127.0.0.1', () => {
    let proxied: TestApi;
    before(async () => {
      proxied = await startTestApi({ trustProxy: ['127.0.0.1'] });
    });
    after(async () => {
      await proxied?.close();
    });

    it('given five failures from the client the proxy names, when the user logs in through the proxy as another client, then 200 for them and 429 for the first', async () => {
      const user = await victim('Proxy throttle org');
      const throughProxy = (client: string): AddressedClient => new AddressedClient(proxied.client.base, '127.0.0.1', { 'x-forwarded-for': client });
      await failLogins(throughProxy('198.51.100.7'), user.username, 5);
      expectStatus(await throughProxy('198.51.100.8').post(LOGIN, { username: user.username, password: user.password }), 200);
      expectStatus(await throughProxy('198.51.100.7').post(LOGIN, { username: user.username, password: user.password }), 429, 'TOO_MANY_ATTEMPTS');
    });
  });
});
