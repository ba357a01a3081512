// A bought number records what its provider offered: a search remembers each offer (country, region, locality,
// capabilities) in Redis for half an hour, keyed by the trunk and the number, and the checkout fills the new
// row from it. Without an offer for that trunk (never searched there, expired) or when Redis fails at the
// checkout, the number is bought all the same with the country its E.164 prefix tells, and voice only.
import { expect } from 'chai';
import { offerKey } from '../../../admin-api/number-orders/offers';
import { expectStatus } from '../identity/helpers';
import { useNumbersFixture } from './numbers-fixture';

const TRUNK = 'num-offer';
const OTHER_TRUNK = 'num-offer-alt';

interface Offer {
  number: string;
  country: string;
  region: string | null;
  locality: string | null;
  capabilities: { voice: boolean; sms: boolean; fax: boolean };
}

const COUNTRY_ONLY = { country: 'US', region: null, locality: null, capabilities: { voice: true, sms: false, fax: false } };

describe('bought numbers record what the provider offered (search offers in Redis, Telnyx emulator)', function () {
  this.timeout(120_000);
  const f = useNumbersFixture({ name: 'Numbers offers', seed: 106 });
  let accountId: number;

  async function search(account: number, trunk: string, query: Record<string, string>): Promise<Offer[]> {
    const params = new URLSearchParams({ trunk, country: 'US', limit: '10', ...query });
    const response = await f.org.api.get(`/v1/accounts/${account}/available-numbers?${params.toString()}`);
    expectStatus(response, 200);
    return response.body.numbers as Offer[];
  }

  /** Buys the number on the trunk (202) and answers the number's record as GET .../numbers/:id shows it. */
  async function buy(trunk: string, number: string): Promise<{ id: number; orderId: number; record: Record<string, unknown> }> {
    const placed = await f.org.api.post(`/v1/accounts/${accountId}/numbers/purchases`, { trunk, number });
    expectStatus(placed, 202);
    const id = placed.body.number.id as number;
    const record = await f.org.api.get(`/v1/accounts/${accountId}/numbers/${id}`);
    expectStatus(record, 200);
    return { id, orderId: placed.body.order.id, record: record.body };
  }

  const trunkId = async (name: string): Promise<number> => Number((await f.api.db('trunks').where({ name }).first('id')).id);
  const placeOf = (record: Record<string, unknown>) => ({ country: record.country, region: record.region, locality: record.locality, capabilities: record.capabilities });

  before(async () => {
    accountId = f.subaccountId;
    await f.sellingTrunk(TRUNK, { accounts: [accountId, f.org.accountId], ip: '127.0.63.1' });
    await f.sellingTrunk(OTHER_TRUNK, { accounts: [accountId], ip: '127.0.63.2' });
    await f.addCredits(f.org.accountId, 10_000);
  });

  it('given a search that offered a number with SMS and fax, when it is bought, then its record shows the offered region, locality and capabilities, before and after the order completes', async () => {
    const [offer] = await search(accountId, TRUNK, { areaCode: '312', sms: 'true', fax: 'true' });
    if (!offer) throw new Error('the emulator offered no number with SMS and fax');
    expect(offer).to.deep.include({ country: 'US', region: 'IL', locality: 'Chicago' });
    expect(offer.capabilities).to.include({ sms: true, fax: true });

    const bought = await buy(TRUNK, offer.number);
    const { number: _number, ...offered } = offer;
    expect(placeOf(bought.record)).to.deep.equal(offered);
    const done = await f.orderReaches(f.org.api, accountId, bought.orderId, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
    const active = await f.org.api.get(`/v1/accounts/${accountId}/numbers/${bought.id}`);
    expect(active.body.state).to.equal('active');
    expect(placeOf(active.body)).to.deep.equal(offered);
  });

  it('given another account served by the trunk searched, then its offer serves this account\'s checkout too, and Redis holds only the provider\'s facts, for half an hour', async () => {
    const [offer] = await search(f.org.accountId, TRUNK, { areaCode: '415' });
    if (!offer) throw new Error('the emulator offered no 415 number');
    const stored = await f.api.redis.get(offerKey(await trunkId(TRUNK), offer.number));
    expect(JSON.parse(stored ?? 'null')).to.have.all.keys('country', 'region', 'locality', 'capabilities');
    const ttl = await f.api.redis.ttl(offerKey(await trunkId(TRUNK), offer.number));
    expect(ttl).to.be.within(1700, 1800);

    const bought = await buy(TRUNK, offer.number);
    const { number: _number, ...offered } = offer;
    expect(offered).to.deep.include({ country: 'US', region: 'CA' });
    expect(placeOf(bought.record)).to.deep.equal(offered);
  });

  it('given a number offered only on another trunk, when it is bought on this one, then it records the country of its prefix and voice only', async () => {
    const [offer] = await search(accountId, OTHER_TRUNK, { areaCode: '212', sms: 'true' });
    if (!offer) throw new Error('the emulator offered no 212 number with SMS');
    const bought = await buy(TRUNK, offer.number);
    expect(placeOf(bought.record)).to.deep.equal(COUNTRY_ONLY);
    const done = await f.orderReaches(f.org.api, accountId, bought.orderId, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
  });

  it('given an offer gone from Redis (as after half an hour), or one Redis holds damaged, then the number records its country only', async () => {
    const [expired, damaged] = await search(accountId, TRUNK, { areaCode: '617', sms: 'true' });
    if (!expired || !damaged) throw new Error('the emulator offered too few 617 numbers with SMS');
    const id = await trunkId(TRUNK);
    await f.api.redis.del(offerKey(id, expired.number));
    await f.api.redis.set(offerKey(id, damaged.number), JSON.stringify({ country: 'United States', region: 'MA', locality: 'Boston', capabilities: damaged.capabilities }));
    expect(placeOf((await buy(TRUNK, expired.number)).record)).to.deep.equal(COUNTRY_ONLY);
    expect(placeOf((await buy(TRUNK, damaged.number)).record)).to.deep.equal(COUNTRY_ONLY);
  });

  it('given Redis failing the offer\'s read at checkout, then the purchase goes on: 202, the country only, and the order completes', async () => {
    const [offer] = await search(accountId, TRUNK, { areaCode: '206' });
    if (!offer) throw new Error('the emulator offered no 206 number');
    // A hash where the offer's string should be: Redis answers the checkout's GET with a WRONGTYPE error.
    const key = offerKey(await trunkId(TRUNK), offer.number);
    await f.api.redis.del(key);
    await f.api.redis.hset(key, 'country', 'US');
    const bought = await buy(TRUNK, offer.number);
    expect(placeOf(bought.record)).to.deep.equal(COUNTRY_ONLY);
    const done = await f.orderReaches(f.org.api, accountId, bought.orderId, ['completed', 'failed']);
    expect(done.order.state, done.order.error ?? '').to.equal('completed');
  });
});
