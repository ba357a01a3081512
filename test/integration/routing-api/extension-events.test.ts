// The extension plan is routing too: when a user's extension is given, changed or freed through the users API,
// the ARI app hears of it as a `routing` change event of the account (it re-reads its cached plan).
import { expect } from 'chai';
import { uniqueName } from '../../support/admin-api';
import { expectStatus, presetRoleId } from '../identity/helpers';
import { routingEventAfter, streamPosition, useRoutingFixture } from './helpers';

describe('routing API: extension changes publish routing events', function () {
  this.timeout(60_000);
  const f = useRoutingFixture('Extension Events Corp');

  it('given a user created with an extension, renumbered, then removed, then each change is followed by a routing change event', async () => {
    let position = await streamPosition(f.api.redis);
    const username = uniqueName('ext');
    const created = await f.admin.api.post(`/v1/accounts/${f.accountId}/users`, {
      username, fullName: 'Extension Holder', email: `${username}@example.test`, roleId: await presetRoleId(f.admin.api, f.accountId, 'agent'), extension: '451',
    });
    expectStatus(created, 201);
    expect(await routingEventAfter(f.api.redis, position, f.accountId)).to.include({ kind: 'routing', accountId: f.accountId });
    position = await streamPosition(f.api.redis);
    expectStatus(await f.admin.api.patch(`/v1/accounts/${f.accountId}/users/${created.body.user.id}`, { extension: '452' }), 200);
    await routingEventAfter(f.api.redis, position, f.accountId);
    position = await streamPosition(f.api.redis);
    expectStatus(await f.admin.api.post(`/v1/accounts/${f.accountId}/users/${created.body.user.id}/remove`, {}), 204);
    await routingEventAfter(f.api.redis, position, f.accountId);
  });
});
