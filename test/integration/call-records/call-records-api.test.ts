// The call records API: filters, cursor pages, CSV, and who sees which calls (calls.read_all, a group manager,
// everyone else). Records are written with the repository the ARI app's recorder uses, at chosen times.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { endCall, insertCallRecord, insertLeg, markCallAnswered, markLegAnswered, type CallOutcome, type NewCallRecord } from '../../../db/repositories/call-records';
import { grantCallsReadAll } from '../../../db/migrations/20261130000021_call_records';
import { addUser, expectStatus, useOrganization } from '../identity/helpers';
import { removeAccountTree, type ApiClient, type ApiResponse } from '../../support/admin-api';

type User = Awaited<ReturnType<typeof addUser>>;

const T0 = Date.parse('2026-11-02T09:00:00.000Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

async function fetchText(api: ApiClient, path: string, accept?: string): Promise<{ status: number; type: string | null; text: string; next: string | null }> {
  const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${api.token ?? ''}`, ...(accept ? { accept } : {}) } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text(), next: response.headers.get('x-next-cursor') };
}

describe('call records API: filters, pages, CSV and visibility', function () {
  this.timeout(60_000);
  const f = useOrganization({ name: 'Call log org', subaccount: 'Call log desk' });
  let unitAdmin: User;
  let manager: User;
  let alice: User;
  let bob: User;
  let carol: User;
  const ids: Record<string, string> = {};
  const calls = (accountId: number, query = ''): string => `/v1/accounts/${accountId}/calls${query}`;

  async function record(name: string, minutes: number, fields: Partial<NewCallRecord> & { fromUserId: number | null }, ending: { outcome: CallOutcome; answeredBy?: User; reason?: string }): Promise<void> {
    const id = randomUUID();
    ids[name] = id;
    const db = f.api.db;
    await insertCallRecord(db, {
      id, accountId: f.subaccountId, direction: 'internal', fromNumber: '300', fromName: null, fromEndpointId: null, toNumber: '301', did: null, trunk: null,
      channelId: `test-${id}`, startedAt: at(minutes), path: [{ type: 'extension', extension: fields.toNumber ?? '301' }], ...fields,
    });
    if (ending.answeredBy) {
      await insertLeg(db, id, { channelId: `${id}-0`, kind: 'device', userId: ending.answeredBy.id, endpointId: null, number: null, trunk: null, startedAt: at(minutes) });
      const answeredAt = new Date(at(minutes).getTime() + 4000);
      await markLegAnswered(db, id, `${id}-0`, answeredAt);
      await markCallAnswered(db, id, answeredAt, { channelId: `${id}-0`, userId: null, number: '301' });
    }
    await endCall(db, id, new Date(at(minutes).getTime() + 64_000), ending.outcome, ending.reason ?? null);
  }

  before(async () => {
    const sub = f.subaccountId;
    unitAdmin = await addUser(f.org.api, sub, 'unit_admin');
    manager = await addUser(f.org.api, sub, 'manager');
    alice = await addUser(f.org.api, sub, 'agent');
    bob = await addUser(f.org.api, sub, 'agent');
    carol = await addUser(f.org.api, sub, 'agent');
    expectStatus(await f.org.api.post(`/v1/accounts/${sub}/groups`, { name: 'Sales', managerUserId: manager.id, memberIds: [alice.id, bob.id] }), 201);
    await record('aliceToBob', 0, { fromUserId: alice.id, fromNumber: '311', toNumber: '312' }, { outcome: 'answered', answeredBy: bob });
    await record('carolMissed', 1, { fromUserId: carol.id, fromNumber: '313', toNumber: '399' }, { outcome: 'no_answer', reason: 'caller hung up while ringing' });
    // Alice's phone rang on that call and she missed it: it is one of her calls too.
    await insertLeg(f.api.db, ids.carolMissed!, { channelId: `${ids.carolMissed}-0`, kind: 'device', userId: alice.id, endpointId: null, number: null, trunk: null, startedAt: at(1) });
    await record('bobBusy', 2, { fromUserId: bob.id, fromNumber: '312', toNumber: '313' }, { outcome: 'busy' });
    await record('inbound', 3, { fromUserId: null, direction: 'inbound', fromNumber: '+14155550100', toNumber: '+15551230001', did: '+15551230001', trunk: 'loopback' }, { outcome: 'answered', answeredBy: alice });
    await record('managerToCarol', 4, { fromUserId: manager.id, fromNumber: '314', toNumber: '313' }, { outcome: 'answered', answeredBy: carol });
    await record('carolRefused', 5, { fromUserId: carol.id, fromNumber: '313', toNumber: '398', fromName: '=HYPERLINK("x")' }, { outcome: 'refused', reason: 'unknown extension' });
    // Two calls in the same millisecond: the cursor's id breaks the tie.
    await record('aliceFailedA', 6, { fromUserId: alice.id, fromNumber: '311' }, { outcome: 'failed' });
    await record('aliceFailedB', 6, { fromUserId: alice.id, fromNumber: '311' }, { outcome: 'failed' });
  });

  const names = (body: { calls: { id: string }[] }): string[] =>
    body.calls.map((call) => Object.keys(ids).find((name) => ids[name] === call.id) ?? call.id);
  const newestFirst = (...list: string[]): string[] => list;
  const tie = (): string[] => [ids.aliceFailedA!, ids.aliceFailedB!].sort().reverse().map((id) => Object.keys(ids).find((name) => ids[name] === id)!);

  it('given an Organization Owner and a unit Admin (calls.read_all), when they list the calls, then they see every call, newest first, with legs and durations', async () => {
    const all = newestFirst(...tie(), 'carolRefused', 'managerToCarol', 'inbound', 'bobBusy', 'carolMissed', 'aliceToBob');
    for (const api of [f.org.api, unitAdmin.api]) {
      const response = await api.get(calls(f.subaccountId));
      expectStatus(response, 200);
      expect(names(response.body)).to.deep.equal(all);
      expect(response.body.nextCursor).to.equal(null);
    }
    const answered = (await f.org.api.get(calls(f.subaccountId, '?outcome=answered&direction=internal&number=312'))).body.calls[0];
    expect(answered).to.include({ id: ids.aliceToBob, fromUserId: alice.id, answeredByUserId: bob.id, answeredByNumber: '301', ringSeconds: 4, talkSeconds: 60, outcome: 'answered' });
    expect(answered.legs).to.have.length(1);
    expect(answered.legs[0]).to.include({ kind: 'device', userId: bob.id, outcome: 'answered' });
  });

  it('given a group manager, when they list the account\'s calls, then they see their own and their group members\' calls only', async () => {
    const response = await manager.api.get(calls(f.subaccountId));
    expectStatus(response, 200);
    expect(names(response.body)).to.deep.equal([...tie(), 'managerToCarol', 'inbound', 'bobBusy', 'carolMissed', 'aliceToBob']);
  });

  it('given an agent, when they list the account\'s calls or their own, then they see only calls they made, answered or missed', async () => {
    expect(names((await carol.api.get(calls(f.subaccountId))).body)).to.deep.equal(['carolRefused', 'managerToCarol', 'carolMissed']);
    expect(names((await alice.api.get('/v1/me/calls')).body)).to.deep.equal([...tie(), 'inbound', 'carolMissed', 'aliceToBob']);
    // Asking for someone else's calls shows nothing more than her own that involve them (she called, Alice rang).
    expect(names((await carol.api.get(calls(f.subaccountId, `?userId=${alice.id}`))).body)).to.deep.equal(['carolMissed']);
  });

  it('given filters, when the owner lists calls, then each narrows the list as documented', async () => {
    const list = async (query: string): Promise<string[]> => {
      const response = await f.org.api.get(calls(f.subaccountId, query));
      expectStatus(response, 200);
      return names(response.body);
    };
    expect(await list('?direction=inbound')).to.deep.equal(['inbound']);
    expect(await list('?outcome=busy')).to.deep.equal(['bobBusy']);
    expect(await list(`?number=${encodeURIComponent('+15551230001')}`)).to.deep.equal(['inbound']);
    expect(await list('?number=313')).to.deep.equal(['carolRefused', 'managerToCarol', 'bobBusy', 'carolMissed']);
    expect(await list(`?userId=${alice.id}`)).to.deep.equal([...tie(), 'inbound', 'carolMissed', 'aliceToBob']);
    expect(await list(`?from=${at(2).toISOString()}&to=${at(5).toISOString()}`)).to.deep.equal(['managerToCarol', 'inbound', 'bobBusy']);
  });

  it('given bad filters, when the owner lists calls, then 400 naming the field', async () => {
    const sub = f.subaccountId;
    expectStatus(await f.org.api.get(calls(sub, `?from=${at(5).toISOString()}&to=${at(2).toISOString()}`)), 400, 'CALL_RANGE_INVALID');
    expectStatus(await f.org.api.get(calls(sub, '?cursor=bm90LWEtY3Vyc29y')), 400, 'CALL_CURSOR_INVALID');
    for (const query of ['?limit=0', '?limit=201', '?direction=sideways', '?from=yesterday', '?userId=abc', '?number=12ab', '?colour=red']) {
      const response = await f.org.api.get(calls(sub, query));
      expect(response.status, `${query}: ${JSON.stringify(response.body)}`).to.equal(400);
    }
  });

  it('given 8 calls, when the owner pages 3 at a time, then the pages join into the full list with no repeat and the last has no cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: ApiResponse<{ calls: { id: string }[]; nextCursor: string | null }> = await f.org.api.get(calls(f.subaccountId, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`));
      expectStatus(response, 200);
      expect(response.body.calls.length).to.be.at.most(3);
      seen.push(...names(response.body));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal([...tie(), 'carolRefused', 'managerToCarol', 'inbound', 'bobBusy', 'carolMissed', 'aliceToBob']);
  });

  it('given format=csv or Accept: text/csv, then the same rows come as CSV with a header line, formulas made inert, and the next page in X-Next-Cursor', async () => {
    const json = await f.org.api.get(calls(f.subaccountId, '?limit=4'));
    for (const csv of [await fetchText(f.org.api, calls(f.subaccountId, '?limit=4&format=csv')), await fetchText(f.org.api, calls(f.subaccountId, '?limit=4'), 'text/csv')]) {
      expect(csv.status, csv.text).to.equal(200);
      expect(csv.type).to.match(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).to.match(/^id,started_at,answered_at,ended_at,direction,from_number,/);
      expect(lines.slice(1).map((line) => line.split(',')[0])).to.deep.equal(json.body.calls.map((call: { id: string }) => call.id));
      expect(csv.text).to.include(`"'=HYPERLINK(""x"")"`);
      expect(csv.next).to.equal(json.body.nextCursor);
    }
    const mine = await fetchText(carol.api, '/v1/me/calls?format=csv');
    expect(mine.text.trim().split('\r\n')).to.have.length(1 + 3);
  });

  it('given a custom role copied before calls.read_all existed but holding users.manage, when the migration\'s grant runs, then its holders see every call', async () => {
    const sub = f.subaccountId;
    const role = await f.org.api.post(`/v1/accounts/${sub}/roles`, { name: 'Legacy admin', type: 'unit', rank: 9, permissions: ['accounts.read', 'users.read', 'users.manage'] });
    expectStatus(role, 201);
    const legacy = await addUser(f.org.api, sub, 'legacy', role.body.id);
    await grantCallsReadAll(f.api.db);
    const response = await legacy.api.get(calls(sub));
    expectStatus(response, 200);
    expect(response.body.calls).to.have.length(8);
    const roles = await f.org.api.get(`/v1/accounts/${sub}/roles`);
    expect(roles.body.roles.find((candidate: { id: number }) => candidate.id === role.body.id).permissions).to.include('calls.read_all');
  });

  it('given another organization, when its owner asks for this account\'s calls, then 404 as for any account not theirs', async () => {
    const other = await f.api.organization('Call log stranger org');
    try {
      expectStatus(await other.api.get(calls(f.subaccountId)), 404, 'ACCOUNT_NOT_FOUND');
      expect((await other.api.get('/v1/me/calls')).body.calls).to.deep.equal([]);
    } finally {
      await removeAccountTree(f.api.db, other.accountId);
    }
  });
});
