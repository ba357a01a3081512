// The routing API's fixture: an organization with two phone systems (subaccounts): "ours", where the tests
// work, with a unit Admin, a Manager and two Agents, and "theirs", with one Agent, for tenant isolation. A trunk
// serving an account is written through TrunkService, as trunks:apply would.
import type { Redis } from 'ioredis';
import { TrunkService } from '../../../admin-api/trunks/service';
import { CHANGES_STREAM, CHANGES_STREAM_FIELD, parseChangeEvent, type ChangeEvent } from '../../../core/change-events';
import type { TestApi } from '../../support/admin-api';
import { removeAccountTree, startTestApi, uniqueName } from '../../support/admin-api';
import { putTrunk, removeTrunk } from '../../support/trunks';
import { until } from '../../support/until';
import { addUser, expectStatus } from '../identity/helpers';

export type TestUser = Awaited<ReturnType<typeof addUser>>;

export interface RoutingFixture {
  api: TestApi;
  org: Awaited<ReturnType<TestApi['organization']>>;
  accountId: number;
  otherAccountId: number;
  admin: TestUser;
  manager: TestUser;
  agent: TestUser;
  agent2: TestUser;
  outsider: TestUser;
  trunks: TrunkService;
  /** Names of the trunks a test made: removed after the suite. */
  madeTrunks: string[];
}

export function useRoutingFixture(name: string): RoutingFixture {
  const f = { madeTrunks: [] } as unknown as RoutingFixture;
  before(async () => {
    f.api = await startTestApi();
    f.trunks = new TrunkService(f.api.db, f.api.notifier);
    f.org = await f.api.organization(name);
    const ours = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: `${name} phones` });
    expectStatus(ours, 201);
    const theirs = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: `${name} other phones` });
    expectStatus(theirs, 201);
    f.accountId = ours.body.id;
    f.otherAccountId = theirs.body.id;
    f.admin = await addUser(f.org.api, f.accountId, 'unit_admin');
    f.manager = await addUser(f.org.api, f.accountId, 'manager');
    f.agent = await addUser(f.org.api, f.accountId, 'agent');
    f.agent2 = await addUser(f.org.api, f.accountId, 'agent');
    f.outsider = await addUser(f.org.api, f.otherAccountId, 'agent');
  });
  after(async () => {
    for (const trunk of f.madeTrunks) await removeTrunk(f.trunks, trunk);
    if (f.org) await removeAccountTree(f.api.db, f.org.accountId);
    await f.api?.close();
  });
  return f;
}

/** A number no other test uses: the same number on two trunks is refused. */
export function uniqueNumber(): string {
  return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

/** A trunk serving the accounts (so they may call external numbers), written as trunks:apply would. */
export async function giveTrunk(f: RoutingFixture, accounts: number[], numbers: { number: string; account: number }[] = []): Promise<string> {
  const name = uniqueName('rt').slice(0, 30);
  await putTrunk(f.trunks, {
    name, source: 'file', password: undefined,
    definition: {
      provider: 'Routing Test Telecom', host: 'sip.example.test', port: 5060, transport: 'udp', register: false,
      inbound: { addresses: ['192.0.2.10'] }, codecs: ['ulaw'], qualifySeconds: 0, accounts, numbers,
    },
  });
  f.madeTrunks.push(name);
  return name;
}

/** The newest entry of the change stream, to read what comes after it. */
export async function streamPosition(redis: Redis): Promise<string> {
  const [last] = await redis.xrevrange(CHANGES_STREAM, '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0-0';
}

/** Waits for a `routing` change event of the account published after `position`. */
export async function routingEventAfter(redis: Redis, position: string, accountId: number): Promise<ChangeEvent> {
  return until(`a routing change event for account ${accountId}`, async () => {
    const entries = await redis.xrange(CHANGES_STREAM, `(${position}`, '+');
    const events = entries.map(([, fields]) => parseChangeEvent(fields[fields.indexOf(CHANGES_STREAM_FIELD) + 1] ?? ''));
    return events.find((event) => event?.kind === 'routing' && event.accountId === accountId);
  });
}
