// The inventory and dialer-access suites' fixture: an organization whose Organization Owner drives the admin
// API, a phone system ("ours") with an Admin (numbers.manage), a unit Admin (numbers.read only) and three
// Agents, a sibling phone system ("theirs") with an Agent, another organization with its own phone system, and a
// trunk whose static pool gives "ours" a few numbers and "theirs" one (written as trunks:apply writes it).
import { TrunkService } from '../../../admin-api/trunks/service';
import type { ApiClient, ApiResponse, TestApi } from '../../support/admin-api';
import { removeAccountTree, startTestApi, uniqueName } from '../../support/admin-api';
import { putTrunk, removeTrunk } from '../../support/trunks';
import { addUser, expectStatus } from '../identity/helpers';
import { uniqueNumber, type TestUser } from '../routing-api/helpers';

// The routing fixture's: a number is unique across every suite's trunks, and a user is made the same way.
export { uniqueNumber, type TestUser };

export interface NumberView {
  id: number;
  number: string;
  ownerUserId: number | null;
  label: string | null;
  sharing: 'private' | 'users' | 'account';
  sharedWithUserIds: number[];
  state: string;
  provider: string;
  trunk: string | null;
  destination: Record<string, unknown> | null;
}

export interface NumbersFixture {
  api: TestApi;
  org: Awaited<ReturnType<TestApi['organization']>>;
  other: Awaited<ReturnType<TestApi['organization']>>;
  accountId: number;
  siblingId: number;
  otherAccountId: number;
  admin: TestUser;
  unitAdmin: TestUser;
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  sibling: TestUser;
  otherAdmin: TestUser;
  trunk: string;
  /** Our numbers, in order, and their ids. */
  numbers: string[];
  ids: Record<string, number>;
  siblingNumberId: number;
}

export function useNumbersFixture(name: string, count = 5): NumbersFixture {
  const f = { ids: {} } as NumbersFixture;
  let trunks: TrunkService;
  before(async () => {
    f.api = await startTestApi();
    trunks = new TrunkService(f.api.db, f.api.notifier);
    f.org = await f.api.organization(name);
    f.other = await f.api.organization(`${name} rival`);
    const ours = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: `${name} phones` });
    const theirs = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: `${name} sibling phones` });
    const rival = await f.other.api.post(`/v1/accounts/${f.other.accountId}/accounts`, { name: `${name} rival phones` });
    for (const created of [ours, theirs, rival]) expectStatus(created, 201);
    f.accountId = ours.body.id;
    f.siblingId = theirs.body.id;
    f.otherAccountId = rival.body.id;
    f.admin = await addUser(f.org.api, f.accountId, 'admin');
    f.unitAdmin = await addUser(f.org.api, f.accountId, 'unit_admin');
    f.alice = await addUser(f.org.api, f.accountId, 'agent');
    f.bob = await addUser(f.org.api, f.accountId, 'agent');
    f.carol = await addUser(f.org.api, f.accountId, 'agent');
    f.sibling = await addUser(f.org.api, f.siblingId, 'agent');
    f.otherAdmin = await addUser(f.other.api, f.otherAccountId, 'admin');
    f.numbers = Array.from({ length: count }, uniqueNumber);
    const siblingNumber = uniqueNumber();
    f.trunk = uniqueName('nt').slice(0, 30);
    await putTrunk(trunks, {
      name: f.trunk, source: 'file', password: undefined,
      definition: {
        provider: 'Numbers Test Telecom', host: 'sip.example.test', port: 5060, transport: 'udp', register: false,
        inbound: { addresses: ['192.0.2.10'] }, codecs: ['ulaw'], qualifySeconds: 0, accounts: [f.accountId, f.siblingId],
        numbers: [...f.numbers.map((number) => ({ number, account: f.accountId })), { number: siblingNumber, account: f.siblingId }],
      },
    });
    const rows = (await f.api.db('phone_numbers').whereIn('number', [...f.numbers, siblingNumber]).whereNotNull('live_number').select('id', 'number')) as { id: number; number: string }[];
    for (const row of rows) f.ids[row.number] = Number(row.id);
    // Lists run by id: our numbers in that order.
    f.numbers.sort((a, b) => (f.ids[a] as number) - (f.ids[b] as number));
    f.siblingNumberId = f.ids[siblingNumber] as number;
  });
  after(async () => {
    if (trunks && f.trunk) await removeTrunk(trunks, f.trunk);
    if (f.org) await removeAccountTree(f.api.db, f.org.accountId);
    if (f.other) await removeAccountTree(f.api.db, f.other.accountId);
    await f.api?.close();
  });
  return f;
}

/** The id of our i-th number. */
export function idOf(f: NumbersFixture, index: number): number {
  return f.ids[f.numbers[index] as string] as number;
}

/** PATCH a number as `client`, expecting 200. */
export async function patchNumber(f: NumbersFixture, client: ApiClient, index: number, change: Record<string, unknown>): Promise<NumberView> {
  const response = await client.patch(`/v1/accounts/${f.accountId}/numbers/${idOf(f, index)}`, change);
  expectStatus(response, 200);
  return response.body as NumberView;
}

/** The numbers of our account that `client` sees (every page). */
export async function visibleNumbers(f: NumbersFixture, client: ApiClient, query = ''): Promise<string[]> {
  const response: ApiResponse<{ numbers: NumberView[] }> = await client.get(`/v1/accounts/${f.accountId}/numbers${query}`);
  expectStatus(response, 200);
  return response.body.numbers.map((number) => number.number).filter((number) => f.numbers.includes(number));
}
