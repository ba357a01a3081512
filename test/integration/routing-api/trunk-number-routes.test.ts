// Trunk numbers route to destinations: through the API (PUT /v1/trunks/:name, platform operators) and through
// files (trunks:apply's path, where `extension` still works and is resolved to its owner when written). The
// destination is checked against the number's account, and what a number routes to cannot be removed (409).
import { expect } from 'chai';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';
import { claimExtension } from '../../../db/repositories/extensions';
import { uniqueName } from '../../support/admin-api';
import { putTrunk } from '../../support/trunks';
import { addUser, expectStatus } from '../identity/helpers';
import { routingEventAfter, streamPosition, uniqueNumber, useRoutingFixture } from './helpers';

describe('routing API: trunk numbers route to destinations', function () {
  this.timeout(60_000);
  const f = useRoutingFixture('Trunk Routes Corp');
  const base = (accounts: number[], numbers: unknown[]) => ({
    provider: 'Routing Test Telecom', host: 'sip.example.test', inbound: { addresses: ['192.0.2.20'] }, qualifySeconds: 0, accounts, numbers,
  });

  before(async () => {
    await setPlatformOperator(f.api.db, f.org.username, true);
  });

  async function apiTrunk(numbers: unknown[]): Promise<{ name: string; status: number; body: any }> {
    const name = uniqueName('rta').slice(0, 30);
    const response = await f.org.api.put(`/v1/trunks/${name}`, base([f.accountId, f.otherAccountId], numbers));
    if (response.status < 300) f.madeTrunks.push(name);
    return { name, status: response.status, body: response.body };
  }

  it('given a number routed to a user through the API, then it is stored as the number\'s route, shown back, and a routing change event follows', async () => {
    const position = await streamPosition(f.api.redis);
    const number = uniqueNumber();
    const trunk = await apiTrunk([{ number, account: f.accountId, destination: { type: 'user', userId: f.agent.id } }]);
    expect(trunk.status, JSON.stringify(trunk.body)).to.equal(201);
    expect(trunk.body.trunk.numbers).to.deep.equal([{ number, account: f.accountId, destination: { type: 'user', userId: f.agent.id } }]);
    const route = await f.api.db('destinations as d').join('phone_numbers as n', 'n.id', 'd.owner_id')
      .where({ 'd.owner_type': 'number', 'n.number': number }).first('d.account_id', 'd.slot', 'd.target_type', 'd.target_id');
    expect(route).to.deep.equal({ account_id: f.accountId, slot: 'route', target_type: 'user', target_id: f.agent.id });
    await routingEventAfter(f.api.redis, position, f.accountId);
    // Written again unchanged: nothing to do; routed elsewhere: the route follows.
    const again = await f.org.api.put(`/v1/trunks/${trunk.name}`, base([f.accountId, f.otherAccountId], [{ number, account: f.accountId, destination: { type: 'user', userId: f.agent.id } }]));
    expect(again.body.action).to.equal('unchanged');
    const moved = await f.org.api.put(`/v1/trunks/${trunk.name}`, base([f.accountId, f.otherAccountId], [{ number, account: f.accountId, destination: { type: 'hangup' } }]));
    expect(moved.body.action).to.equal('update');
    const routes = await f.api.db('destinations as d').join('phone_numbers as n', 'n.id', 'd.owner_id').where({ 'd.owner_type': 'number', 'n.number': number }).pluck('d.target_type');
    expect(routes).to.deep.equal(['hangup']);
  });

  it('given a destination in another account than the number\'s, or both extension and destination, or none of its account, then 422 naming the number', async () => {
    const cases: [unknown, string][] = [
      [{ number: uniqueNumber(), account: f.accountId, destination: { type: 'user', userId: f.outsider.id } }, `in this account to route calls to. (account ${f.accountId})`],
      [{ number: uniqueNumber(), account: f.accountId, extension: '301', destination: { type: 'hangup' } }, 'and extension both given'],
      [{ number: uniqueNumber(), destination: { type: 'hangup' } }, 'needs the account'],
      [{ number: uniqueNumber(), account: f.accountId, destination: { type: 'queue', queueId: 1 } }, 'cannot be routed to a queue'],
    ];
    for (const [entry, message] of cases) {
      const trunk = await apiTrunk([entry]);
      expect(trunk.status, JSON.stringify(trunk.body)).to.equal(422);
      expect(trunk.body.error.code).to.equal('TRUNK_INVALID');
      expect(trunk.body.error.details.fields[0].path).to.equal('/numbers/0/destination');
      expect(trunk.body.error.details.fields[0].message).to.include(message);
    }
    expectStatus(await f.org.api.put(`/v1/trunks/${uniqueName('rtb').slice(0, 30)}`, base([f.accountId], [{ number: uniqueNumber(), account: f.accountId, destination: { type: 'external', number: '12345' } }])), 400, 'VALIDATION_FAILED');
  });

  it('given a file\'s number with an extension, when written, then it routes to the extension\'s owner; removing that user is 409 naming the number', async () => {
    const holder = await addUser(f.org.api, f.accountId, 'agent');
    expect(await claimExtension(f.api.db, f.accountId, { type: 'user', id: holder.id }, '381')).to.equal(undefined);
    const number = uniqueNumber();
    const name = uniqueName('rtf').slice(0, 30);
    await putTrunk(f.trunks, {
      name, source: 'file', password: undefined,
      definition: { ...base([f.accountId], []), numbers: [{ number, account: f.accountId, extension: '381' }], port: 5060, transport: 'udp', register: false, codecs: ['ulaw'] },
    });
    f.madeTrunks.push(name);
    const route = await f.api.db('destinations as d').join('phone_numbers as n', 'n.id', 'd.owner_id')
      .where({ 'd.owner_type': 'number', 'n.number': number }).first('d.target_type', 'd.target_id');
    expect(route).to.deep.equal({ target_type: 'user', target_id: holder.id });
    const refused = await f.admin.api.post(`/v1/accounts/${f.accountId}/users/${holder.id}/remove`, {});
    expectStatus(refused, 409, 'DESTINATION_IN_USE');
    expect(refused.body.error.details.referrers).to.deep.equal([{ ownerType: 'number', ownerId: refused.body.error.details.referrers[0].ownerId, name: number, slot: 'route' }]);
  });

  it('given a trunk deleted, then its numbers\' routes go with it', async () => {
    const number = uniqueNumber();
    const trunk = await apiTrunk([{ number, account: f.accountId, destination: { type: 'hangup' } }]);
    expect(trunk.status).to.equal(201);
    expectStatus(await f.org.api.delete(`/v1/trunks/${trunk.name}`), 204);
    const orphans = await f.api.db('destinations').where({ owner_type: 'number' }).whereNotIn('owner_id', f.api.db('phone_numbers').select('id')).count('* as n').first();
    expect(orphans).to.deep.equal({ n: 0 });
  });
});
