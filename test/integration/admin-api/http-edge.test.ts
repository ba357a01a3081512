// The admin API's HTTP edge on the real MariaDB and Redis: health, and errors as JSON with codes.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { healthPlugin } from '../../../admin-api/health/plugin';
import { createHttpApp } from '../../../admin-api/http/app';
import { createLogger } from '../../../core/logger';
import { openTestStack, type TestStack } from '../../support/stack';

describe('admin API HTTP edge', () => {
  let stack: TestStack;
  let server: Server;
  let base: string;

  before(async () => {
    stack = await openTestStack();
    const app = createHttpApp(createLogger('admin-api', 'error'), [healthPlugin({ db: stack.db, redis: stack.redis })]);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stack.close();
  });

  it('given the database and Redis are up, when /health is asked, then it answers 200 naming both', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ok', database: 'up', redis: 'up' });
    expect(response.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  // /health is a router beside the route table, which would refuse any query parameter with a 400.
  it('given a query string a load balancer adds, when /health is asked, then it still answers 200', async () => {
    const response = await fetch(`${base}/health?source=lb&ts=1`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('given an unknown route, when called, then a JSON 404 with a code', async () => {
    const response = await fetch(`${base}/v1/nothing-here`);
    expect(response.status).to.equal(404);
    expect(await response.json()).to.deep.include({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /v1/nothing-here.', details: {} } });
  });

  it('given a malformed JSON body, when posted, then a JSON 400, never a 500', async () => {
    const response = await fetch(`${base}/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken":' });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('BODY_INVALID');
  });
});
