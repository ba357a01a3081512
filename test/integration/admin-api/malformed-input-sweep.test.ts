// The malformed-input sweep: every route of the route table (so a new route is covered the day it is added),
// called by its most powerful legitimate user with wrong types, missing and unknown fields, 1 MB strings, deep
// nesting, invalid JSON, wrong content types, odd ids and text Asterisk or MariaDB can't take. No answer may be
// a 5xx, and afterwards Asterisk must load every PJSIP object the sweep's accounts own.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import type { VerifyReport } from '../../../consistency/verify';
import { AmiClient } from '../../../core/asterisk/ami';
import { expireCachedObjects } from '../../../core/asterisk/sorcery-cache';
import type { RouteSpec } from '../../../admin-api/http/routes';
import type { ApiClient } from '../../support/admin-api';
import { removeAccountTree, startTestApi, type TestApi } from '../../support/admin-api';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';
import { malformedRequests, type SweepRequest } from '../../support/malformed-requests';
import { addUser, expectStatus } from '../identity/helpers';

interface SweepFigures {
  requests: number;
  byClass: Record<string, number>;
  failures: string[];
  accepted: string[];
}

describe('malformed-input sweep over every route', function () {
  this.timeout(600_000);
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi['organization']>>;
  const ids: Record<string, string> = {};

  before(async () => {
    api = await startTestApi();
    org = await api.organization('Sweep Corp');
    // Also a platform operator: the operator routes (trunks) are swept past their access check too.
    await setPlatformOperator(api.db, org.username, true);
    const sub = await org.api.post(`/v1/accounts/${org.accountId}/accounts`, { name: 'Sweep Phones' });
    ids.subaccountId = String(sub.body.id);
    const agent = await addUser(org.api, sub.body.id, 'agent');
    ids.userId = String(agent.id);
    const role = await org.api.post(`/v1/accounts/${sub.body.id}/roles`, { name: 'Sweep Role', type: 'unit', rank: 3, permissions: ['accounts.read'] });
    ids.roleId = String(role.body.id);
    const group = await org.api.post(`/v1/accounts/${sub.body.id}/groups`, { name: 'Sweep Team', memberIds: [agent.id] });
    ids.groupId = String(group.body.id);
    const device = await org.api.post(`/v1/accounts/${sub.body.id}/devices`, { label: 'Sweep desk', kind: 'desk_phone', userId: agent.id });
    ids.deviceId = String(device.body.id);
    const key = await org.api.post('/v1/me/api-keys', { name: 'Sweep key' });
    ids.keyId = String(key.body.id);
  });

  after(async () => {
    if (org) await removeAccountTree(api.db, org.accountId);
    await api?.close();
  });

  function pathOf(route: RouteSpec, override: Record<string, string> = {}): string {
    return route.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
      if (override[name] !== undefined) return encodeURIComponent(override[name]);
      if (name === 'accountId') return ids.subaccountId!;
      if (name === 'token') return 'pbxi_not-a-real-token';
      if (name === 'name') return `sweep-${process.pid}`;
      return ids[name] ?? '1';
    });
  }

  async function send(client: ApiClient, route: RouteSpec, request: SweepRequest): Promise<number> {
    const url = `${client.base}${pathOf(route, request.params)}${request.query ?? ''}`;
    const response = await fetch(url, {
      method: route.method.toUpperCase(),
      headers: { authorization: `Bearer ${client.token}`, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      body: route.method === 'get' ? undefined : request.body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function sweep(): Promise<SweepFigures> {
    const figures: SweepFigures = { requests: 0, byClass: {}, failures: [], accepted: [] };
    for (const route of api.routes) {
      // A fresh session per route: a sweep of logout or password change must not end the next route's sweep.
      const client = await api.client.login(org.username, org.password);
      for (const request of malformedRequests(route)) {
        const status = await send(client, route, request);
        figures.requests += 1;
        const statusClass = `${Math.floor(status / 100)}xx`;
        figures.byClass[statusClass] = (figures.byClass[statusClass] ?? 0) + 1;
        if (status < 300) figures.accepted.push(`${route.method.toUpperCase()} ${route.path} ${request.label}: ${status}`);
        if (status >= 500) figures.failures.push(`${route.method.toUpperCase()} ${route.path} ${request.label}: ${status}`);
      }
    }
    return figures;
  }

  it('given every route and a battery of malformed requests, when each is sent, then none answers 5xx', async () => {
    const figures = await sweep();
    console.log(`      sweep: ${figures.requests} requests over ${api.routes.length} routes; ${Object.entries(figures.byClass).sort().map(([key, count]) => `${key} ${count}`).join(', ')}; 5xx = ${figures.failures.length}`);
    expect(figures.requests).to.be.greaterThan(api.routes.length * 10);
    if (process.env.SWEEP_VERBOSE) console.log(figures.accepted.join('\n'));
    expect(figures.failures).to.deep.equal([]);
  });

  it('given the sweep ran, when the fixtures are read back, then names and labels hold no control characters', async () => {
    const callerIds = await api.db('ps_endpoints')
      .join('devices', 'devices.endpoint_id', 'ps_endpoints.id')
      .where('devices.account_id', Number(ids.subaccountId))
      .pluck('ps_endpoints.callerid');
    for (const callerId of callerIds) expect(String(callerId)).to.match(/^("[^"\\<>\p{Cc}]*" )?<[0-9+*#]*>$/u);
    const user = await org.api.get(`/v1/accounts/${ids.subaccountId}/users/${ids.userId}`);
    expectStatus(user, 200);
    expect(JSON.stringify(user.body)).not.to.match(/\\u0000|\\ud800/i);
  });

  it('given the sweep ran, when asterisk:verify compares the database with Asterisk, then none of the sweep account\'s endpoints differ', async () => {
    const endpointIds = (await api.db('devices').where({ account_id: Number(ids.subaccountId) }).pluck('endpoint_id')).map(String);
    expect(endpointIds.length).to.be.greaterThan(0);
    // No ARI app runs in this suite to apply change events: expire the cached objects as it would.
    const { ami: settings } = api.config;
    const ami = await AmiClient.connect({ host: settings.host, port: settings.port, username: settings.username, secret: settings.password });
    try {
      await expireCachedObjects(ami, endpointIds);
    } finally {
      ami.close();
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'consistency/verify.ts', '--json'], { cwd: path.resolve(__dirname, '../../..'), encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(run.stdout) as VerifyReport;
    expect(report.differences, `asterisk:verify did not compare: ${run.stdout} ${run.stderr}`).to.be.an('array');
    // "Not tracked by ARI" only says no ARI app ran here to reload res_pjsip after the creations; every other
    // difference (a row Asterisk can't load, a caller ID it reads differently) is what the sweep must not cause.
    const ours = report.differences.filter((difference) => difference.field !== 'ari' && endpointIds.some((id) => difference.object.id.startsWith(id)));
    expect(ours, JSON.stringify(ours, null, 2)).to.deep.equal([]);
  });
});
