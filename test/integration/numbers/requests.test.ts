// Number requests (issue 10) through the HTTP API, MariaDB, a Redis of the suite's own and a real worker process
// that buys at the Telnyx emulator and mails outcomes to a local SMTP server (the number-buying suites'
// fixture). A phone system ("ours") with an Owner and an Admin, two Agents (the requester and a colleague); a
// sibling phone system of the same organization with its own Admin and a number; another organization. The
// inventory is a trunk file's static pool, written as trunks:apply writes it; new numbers are sold by a trunk
// whose purchasing section points at the emulator.
import { expect } from 'chai';
import type { ApiClient, ApiResponse } from '../../support/admin-api';
import { uniqueName } from '../../support/admin-api';
import { putTrunk, removeTrunk } from '../../support/trunks';
import { until } from '../../support/until';
import { addUser, expectStatus } from '../identity/helpers';
import type { ReceivedMail } from '../../support/smtp-sink';
import { mentions, useRequestsFixture } from './requests-fixture';
import { credits, type Organization } from '../numbers-purchase/numbers-fixture';

type TestUser = Awaited<ReturnType<typeof addUser>>;

interface RequestView {
  id: number;
  requesterUserId: number;
  country: string;
  region: string | null;
  state: string;
  resolution: string | null;
  reason: string | null;
  number: { id: number; number: string; state: string } | null;
}


/** A number no other test uses, in a country by its calling code. */
function uniqueNumber(prefix: '+1555' | '+44207946'): string {
  const digits = prefix === '+1555' ? 7 : 4;
  return `${prefix}${String(Math.floor(Math.random() * 10 ** digits)).padStart(digits, '0')}`;
}

describe('number requests: users ask, admins buy, assign or reject once, the requester is told', function () {
  this.timeout(180_000);
  const { f, smtp } = useRequestsFixture('Request Corp', 1010);

  // A suite inside the fixture's: its after hook runs before the fixture closes the database.
  describe('in a phone system with a static pool of numbers and a provider to buy from', () => {
    const inventoryTrunk = uniqueName('rqi').slice(0, 30);
    const sellingTrunk = uniqueName('rqs').slice(0, 30);
    let owner: TestUser;
    let admin: TestUser;
    let requester: TestUser;
    let colleague: TestUser;
    let siblingAccountId: number;
    let siblingAdmin: TestUser;
    let stranger: Organization;
    /** Our phone system's static-pool numbers by country, and one of the sibling's. */
    const inventory = { US: [] as string[], GB: [] as string[], sibling: '' };
    const ids = new Map<string, number>();

    const base = (accountId = f.subaccountId): string => `/v1/accounts/${accountId}/number-requests`;
    const ask = async (user: { api: ApiClient }, body: Record<string, unknown> = { country: 'US', capabilities: { voice: true } }): Promise<RequestView> => {
      const response = await user.api.post(base(), body);
      expectStatus(response, 201);
      return response.body as RequestView;
    };
    const resolve = (user: { api: ApiClient }, requestId: number, body: Record<string, unknown>, accountId = f.subaccountId): Promise<ApiResponse> =>
      user.api.post(`${base(accountId)}/${requestId}/resolve`, body);
    const mailAbout = (user: TestUser, requestId: number): Promise<ReceivedMail> =>
      until(`the outcome of request ${requestId} mailed to ${user.username}`, () =>
        smtp.received.find((mail) => mail.to.includes(`${user.username}@example.test`) && mentions(mail, requestId)), { timeoutMs: 20_000 });
    /** The number as its owner sees it through the numbers API. */
    const numberSeenBy = async (user: TestUser, numberId: number): Promise<{ number: string; ownerUserId: number | null; state: string }> => {
      const response = await user.api.get(`/v1/accounts/${f.subaccountId}/numbers/${numberId}`);
      expectStatus(response, 200);
      return response.body;
    };

    before(async () => {
      owner = await addUser(f.org.api, f.subaccountId, 'owner');
      admin = await addUser(f.org.api, f.subaccountId, 'admin');
      requester = await addUser(f.org.api, f.subaccountId, 'agent');
      colleague = await addUser(f.org.api, f.subaccountId, 'agent');
      const sibling = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: 'Request Sibling Phones' });
      expectStatus(sibling, 201);
      siblingAccountId = sibling.body.id;
      siblingAdmin = await addUser(f.org.api, siblingAccountId, 'admin');
      stranger = await f.organization('Request Strangers');
      inventory.US = Array.from({ length: 14 }, () => uniqueNumber('+1555'));
      inventory.GB = Array.from({ length: 2 }, () => uniqueNumber('+44207946'));
      inventory.sibling = uniqueNumber('+1555');
      await putTrunk(f.trunks, {
        name: inventoryTrunk, source: 'file', password: undefined,
        definition: {
          provider: 'Request Test Telecom', host: 'sip.example.test', port: 5060, transport: 'udp', register: false,
          inbound: { addresses: ['198.51.100.71'] }, codecs: ['ulaw'], qualifySeconds: 0, accounts: [f.subaccountId, siblingAccountId],
          numbers: [
            ...[...inventory.US, ...inventory.GB].map((number) => ({ number, account: f.subaccountId })),
            { number: inventory.sibling, account: siblingAccountId },
          ],
        },
      });
      const rows = (await f.api.db('phone_numbers').whereIn('live_number', [...inventory.US, ...inventory.GB, inventory.sibling]).select('id', 'number')) as { id: number; number: string }[];
      for (const row of rows) ids.set(row.number, Number(row.id));
      // A trunk file says nothing of a number's region and town; a provider's records do. Two of ours are placed
      // in Chicago, as such a record would place them.
      await f.api.db('phone_numbers').whereIn('id', inventory.US.slice(0, 2).map((number) => ids.get(number) as number)).update({ region: 'IL', locality: 'Chicago' });
      await f.sellingTrunk(sellingTrunk, { accounts: [f.subaccountId], ip: '198.51.100.72', setupPriceCents: 300, monthlyPriceCents: 100 });
    });

    after(async () => {
      await removeTrunk(f.trunks, inventoryTrunk);
    });

    it('given a member without admin rights, when they ask for a number, then they see their request open and can withdraw it once', async () => {
      const created = await ask(requester, { country: 'us', region: 'Illinois', locality: 'Chicago', areaCode: '312', capabilities: { voice: true, sms: true }, note: 'For the\nChicago desk' });
      expect(created).to.include({ requesterUserId: requester.id, country: 'US', region: 'IL', state: 'open', resolution: null, number: null });
      const mine = await requester.api.get(base());
      expectStatus(mine, 200);
      expect(mine.body.requests.map((request: RequestView) => request.id)).to.include(created.id);
      expect(mine.body.requests.every((request: RequestView) => request.requesterUserId === requester.id)).to.equal(true);
      const one = await requester.api.get(`${base()}/${created.id}`);
      expect(one.body).to.include({ state: 'open', note: 'For the\nChicago desk', areaCode: '312' });
      expect(one.body.capabilities).to.deep.equal({ voice: true, sms: true, fax: false });

      const cancelled = await requester.api.post(`${base()}/${created.id}/cancel`);
      expectStatus(cancelled, 200);
      expect(cancelled.body.state).to.equal('cancelled');
      expectStatus(await requester.api.post(`${base()}/${created.id}/cancel`), 409, 'REQUEST_ALREADY_RESOLVED');
      expectStatus(await resolve(owner, created.id, { resolution: 'reject', reason: 'too late' }), 409, 'REQUEST_ALREADY_RESOLVED');
    });

    it('given requests of several users, when an admin lists them, then they see all of the account, filtered by state; a non-admin sees only their own', async () => {
      const theirs = await ask(colleague);
      const ours = await ask(requester);
      const all = await admin.api.get(`${base()}?state=open`);
      expectStatus(all, 200);
      const listed = all.body.requests.map((request: RequestView) => request.id);
      expect(listed).to.include.members([theirs.id, ours.id]);
      expect(all.body.requests.every((request: RequestView) => request.state === 'open')).to.equal(true);
      expect(listed.indexOf(ours.id)).to.be.lessThan(listed.indexOf(theirs.id)); // newest first
      const cancelledOnly = await admin.api.get(`${base()}?state=cancelled`);
      expect(cancelledOnly.body.requests.every((request: RequestView) => request.state === 'cancelled')).to.equal(true);
      const oneUser = await admin.api.get(`${base()}?requesterUserId=${colleague.id}`);
      expect(oneUser.body.requests.map((request: RequestView) => request.requesterUserId)).to.deep.equal(oneUser.body.requests.map(() => colleague.id));

      const page = await admin.api.get(`${base()}?limit=1`);
      expect(page.body.requests).to.have.length(1);
      const next = await admin.api.get(`${base()}?limit=1&beforeId=${page.body.nextBeforeId}`);
      expect(next.body.requests[0].id).to.be.lessThan(page.body.requests[0].id);

      const colleagueView = await colleague.api.get(base());
      expect(colleagueView.body.requests.map((request: RequestView) => request.id)).to.include(theirs.id).and.not.include(ours.id);
      expectStatus(await colleague.api.get(`${base()}?requesterUserId=${requester.id}`), 403, 'PERMISSION_DENIED');
      expectStatus(await colleague.api.get(`${base()}/${ours.id}`), 404, 'NUMBER_REQUEST_NOT_FOUND');
      expectStatus(await colleague.api.post(`${base()}/${ours.id}/cancel`), 404, 'NUMBER_REQUEST_NOT_FOUND');
      // An admin sees it but does not withdraw it for the user: they reject it, with a reason the user is told.
      expectStatus(await admin.api.post(`${base()}/${ours.id}/cancel`), 403, 'NOT_YOUR_REQUEST');
    });

    it('given an open request, when an admin rejects it with a reason, then the requester sees it rejected and receives the reason by email', async () => {
      const request = await ask(requester, { country: 'GB', capabilities: { voice: true }, note: 'London office' });
      expectStatus(await resolve(admin, request.id, { resolution: 'reject' }), 400, 'VALIDATION_FAILED');
      expectStatus(await resolve(admin, request.id, { resolution: 'reject', reason: '   ' }), 400, 'VALIDATION_FAILED');
      const rejected = await resolve(admin, request.id, { resolution: 'reject', reason: 'We have no budget for London this quarter.' });
      expectStatus(rejected, 200);
      expect(rejected.body).to.include({ state: 'rejected', resolution: 'rejected', reason: 'We have no budget for London this quarter.', resolvedBy: admin.id });
      const seen = await requester.api.get(`${base()}/${request.id}`);
      expect(seen.body).to.include({ state: 'rejected', reason: 'We have no budget for London this quarter.' });
      const mail = await mailAbout(requester, request.id);
      expect(mail.subject).to.match(/declined/);
      expect(mail.body).to.include('We have no budget for London this quarter.');
    });

    it('given a request for a place, when an admin asks for candidates, then they are the account\'s unowned active numbers there; the admin may look elsewhere', async () => {
      const request = await ask(requester, { country: 'US', region: 'il', locality: 'Chicago', capabilities: { voice: true } });
      const chicago = await admin.api.get(`${base()}/${request.id}/candidates`);
      expectStatus(chicago, 200);
      expect(chicago.body.location).to.deep.equal({ country: 'US', region: 'IL', locality: 'Chicago' });
      expect(chicago.body.numbers.map((number: { number: string }) => number.number)).to.have.members([inventory.US[0], inventory.US[1]]);

      const anywhereInUs = await admin.api.get(`${base()}/${request.id}/candidates?region=&locality=`);
      const usNumbers = anywhereInUs.body.numbers.map((number: { number: string }) => number.number);
      expect(usNumbers).to.include.members(inventory.US.slice(0, 6)).and.not.include.members(inventory.GB);
      expect(usNumbers).not.to.include(inventory.sibling);
      const london = await admin.api.get(`${base()}/${request.id}/candidates?country=GB&region=&locality=`);
      expect(london.body.numbers.map((number: { number: string }) => number.number)).to.have.members(inventory.GB);
      // Asking for SMS: the pool's numbers carry voice only.
      const sms = await ask(requester, { country: 'US', capabilities: { sms: true } });
      expect((await admin.api.get(`${base()}/${sms.id}/candidates`)).body.numbers).to.deep.equal([]);
    });

    it('given an open request, when an admin assigns an available number, then the requester owns it, sees it on the request, and is emailed; an owned number is no longer a candidate', async () => {
      const request = await ask(requester, { country: 'US', region: 'IL', capabilities: { voice: true } });
      const chosen = inventory.US[0] as string;
      const assigned = await resolve(admin, request.id, { resolution: 'assign', numberId: ids.get(chosen) });
      expectStatus(assigned, 200);
      expect(assigned.body).to.include({ state: 'fulfilled', resolution: 'assigned' });
      expect(assigned.body.number).to.deep.equal({ id: ids.get(chosen), number: chosen, state: 'active' });
      expect(await numberSeenBy(requester, ids.get(chosen) as number)).to.include({ number: chosen, ownerUserId: requester.id, state: 'active' });
      const seen = await requester.api.get(`${base()}/${request.id}`);
      expect(seen.body.number).to.include({ number: chosen, state: 'active' });
      const mail = await mailAbout(requester, request.id);
      expect(mail.body).to.include(chosen).and.include('assigned');

      const another = await ask(colleague, { country: 'US', region: 'IL', locality: 'Chicago', capabilities: { voice: true } });
      const left = await admin.api.get(`${base()}/${another.id}/candidates`);
      expect(left.body.numbers.map((number: { number: string }) => number.number)).to.deep.equal([inventory.US[1]]);
      expectStatus(await resolve(admin, another.id, { resolution: 'assign', numberId: ids.get(chosen) }), 409, 'NUMBER_NOT_AVAILABLE');
      expectStatus(await resolve(admin, another.id, { resolution: 'assign', numberId: ids.get(inventory.sibling) }), 422, 'NUMBER_NOT_IN_ACCOUNT');
      expectStatus(await resolve(admin, another.id, { resolution: 'assign', numberId: 999_999_999 }), 422, 'NUMBER_NOT_IN_ACCOUNT');
      // The failed attempts wrote nothing: the request is still open.
      expect((await colleague.api.get(`${base()}/${another.id}`)).body.state).to.equal('open');
    });

    it('given an open request, when an Owner buys a number for it, then the order runs as a job and the requester owns the number, sees it go active, and is emailed', async () => {
      const request = await ask(requester, { country: 'US', capabilities: { voice: true } });
      const [number] = await f.available(owner.api, f.subaccountId, sellingTrunk);
      if (!number) throw new Error('the emulator offers no number');
      // Without credits: 402 before anything is ordered, and the request stays open.
      expectStatus(await resolve(owner, request.id, { resolution: 'purchase', trunk: sellingTrunk, number }), 402, 'INSUFFICIENT_CREDITS');
      expectStatus(await resolve(owner, request.id, { resolution: 'purchase', trunk: inventoryTrunk, number }), 404, 'NUMBER_PROVIDER_NOT_FOUND');
      expect((await requester.api.get(`${base()}/${request.id}`)).body).to.include({ state: 'open', number: null });
      await f.addCredits(f.subaccountId, 10_000);

      const bought = await resolve(owner, request.id, { resolution: 'purchase', trunk: sellingTrunk, number, label: 'Chicago desk' });
      expectStatus(bought, 200);
      // Purchasing until the job settles it (request-outcomes.test.ts follows that in detail).
      expect(bought.body).to.include({ state: 'purchasing', resolution: 'purchased' });
      expect(bought.body.number).to.include({ number, state: 'purchasing' });
      const seen = await until('the requester sees the request fulfilled and the bought number active', async () => {
        const view = (await requester.api.get(`${base()}/${request.id}`)).body as RequestView;
        return view.state === 'fulfilled' && view.number?.state === 'active' ? view : undefined;
      }, { timeoutMs: 30_000 });
      expect(await numberSeenBy(requester, seen.number?.id as number)).to.include({ number, ownerUserId: requester.id, state: 'active', label: 'Chicago desk', sharing: 'private' });
      expect(f.telnyx.timesBought(number)).to.equal(1);
      const mail = await mailAbout(requester, request.id);
      expect(mail.body).to.include(number).and.include('bought');
    });

    it('given two admins resolving the same request at once, when both send, then one wins and the other gets 409 having written and ordered nothing, ten times over', async () => {
      const offered = await f.available(owner.api, f.subaccountId, sellingTrunk);
      const reservations = async (): Promise<number> => (await credits(owner.api, f.subaccountId)).entries.filter((entry) => entry.kind === 'reservation').length;
      const reservedBefore = await reservations();
      const winners: string[] = [];
      const tried: string[] = [];
      for (let run = 0; run < 10; run += 1) {
        const request = await ask(requester);
        // Even runs: two purchases of different numbers; odd runs: an assignment against a rejection.
        const buying = run % 2 === 0;
        const [first, second] = buying ? [offered.shift() as string, offered.shift() as string] : ['', ''];
        if (buying) tried.push(first, second);
        const numberId = ids.get(inventory.US[2 + run] as string) as number;
        const [a, b] = await Promise.all([
          resolve(f.org, request.id, buying ? { resolution: 'purchase', trunk: sellingTrunk, number: first } : { resolution: 'assign', numberId }),
          resolve(owner, request.id, buying ? { resolution: 'purchase', trunk: sellingTrunk, number: second } : { resolution: 'reject', reason: `run ${run}` }),
        ]);
        expect([a.status, b.status].sort(), `run ${run}: ${JSON.stringify([a.body, b.body])}`).to.deep.equal([200, 409]);
        const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
        expect(loser.body.error.code).to.equal('REQUEST_ALREADY_RESOLVED');
        const final = (await requester.api.get(`${base()}/${request.id}`)).body as RequestView;
        // A purchase's job may settle the request (and its number) between the answer and this read.
        const settled = (view: RequestView): unknown => (buying ? { ...view, state: 'settled', updatedAt: 'settled', number: view.number && { ...view.number, state: 'settled' } } : view);
        expect(settled(final)).to.deep.equal(settled(winner.body));
        if (buying) {
          const [won, lost] = winner === a ? [first, second] : [second, first];
          expect(final.number?.number).to.equal(won);
          winners.push(won);
          // The loser's number was never held, let alone ordered.
          expect(await f.api.db('phone_numbers').where({ live_number: lost }).first('id')).to.equal(undefined);
        } else if (winner === a) {
          expect(await numberSeenBy(requester, numberId)).to.include({ ownerUserId: requester.id });
        } else {
          expect(final).to.include({ state: 'rejected', reason: `run ${run}` });
          expect(await numberSeenBy(owner, numberId)).to.include({ ownerUserId: null });
        }
      }
      expect(await reservations()).to.equal(reservedBefore + winners.length);
      await until('every bought number is active', async () => {
        const states = await f.api.db('phone_numbers').whereIn('live_number', winners).pluck('state');
        return states.length === winners.length && states.every((state) => state === 'active');
      }, { timeoutMs: 30_000 });
      expect(winners).to.have.length(5);
      for (const number of tried) expect(f.telnyx.timesBought(number), number).to.equal(winners.includes(number) ? 1 : 0);
    });

    it("given another phone system's admin or another organization, when they reach for our requests, then 404 and nothing changes", async () => {
      const request = await ask(requester);
      for (const intruder of [siblingAdmin.api, stranger.api]) {
        expectStatus(await intruder.get(base()), 404, 'ACCOUNT_NOT_FOUND');
        expectStatus(await intruder.get(`${base()}/${request.id}`), 404, 'ACCOUNT_NOT_FOUND');
        expectStatus(await intruder.post(`${base()}/${request.id}/resolve`, { resolution: 'reject', reason: 'mine now' }), 404, 'ACCOUNT_NOT_FOUND');
      }
      // Through their own account's path, our request id is no request of theirs.
      expectStatus(await siblingAdmin.api.get(`${base(siblingAccountId)}/${request.id}`), 404, 'NUMBER_REQUEST_NOT_FOUND');
      expectStatus(await resolve(siblingAdmin, request.id, { resolution: 'reject', reason: 'mine now' }, siblingAccountId), 404, 'NUMBER_REQUEST_NOT_FOUND');
      expectStatus(await siblingAdmin.api.get(`${base(siblingAccountId)}/${request.id}/candidates`), 404, 'NUMBER_REQUEST_NOT_FOUND');
      expect((await siblingAdmin.api.get(base(siblingAccountId))).body.requests.map((item: RequestView) => item.id)).not.to.include(request.id);
      // A member without numbers.manage resolves nothing, not even their own request.
      expectStatus(await resolve(colleague, request.id, { resolution: 'reject', reason: 'no' }), 403, 'PERMISSION_DENIED');
      expectStatus(await resolve(requester, request.id, { resolution: 'assign', numberId: ids.get(inventory.US[13] as string) }), 403, 'PERMISSION_DENIED');
      expectStatus(await colleague.api.get(`${base()}/${request.id}/candidates`), 403, 'PERMISSION_DENIED');
      expect((await requester.api.get(`${base()}/${request.id}`)).body.state).to.equal('open');
    });

    it('given a requester removed from the account, when an admin resolves their request, then no number is given them but a rejection still is', async () => {
      const leaver = await addUser(f.org.api, f.subaccountId, 'agent');
      const request = await ask(leaver);
      expectStatus(await f.org.api.post(`/v1/accounts/${f.subaccountId}/users/${leaver.id}/remove`), 204);
      // Their only membership gone, the user is deactivated: their token no longer works (401), or, were they
      // still a member elsewhere, this account is out of reach (404).
      expect([401, 404]).to.include((await leaver.api.get(base())).status);
      const numberId = ids.get(inventory.US[13] as string) as number;
      expectStatus(await resolve(admin, request.id, { resolution: 'assign', numberId }), 409, 'REQUESTER_NOT_ACTIVE');
      expect(await numberSeenBy(admin, numberId)).to.include({ ownerUserId: null });
      expectStatus(await resolve(admin, request.id, { resolution: 'reject', reason: 'You left the team.' }), 200);
    });

    it('given bad input, when it is sent, then a 4xx with a code saying what to fix, and nothing written', async () => {
      const before = (await admin.api.get(`${base()}?limit=200`)).body.requests.length;
      expectStatus(await requester.api.post(base(), { country: 'US', capabilities: {} }), 400, 'CAPABILITY_REQUIRED');
      expectStatus(await requester.api.post(base(), { country: 'US', capabilities: { voice: false } }), 400, 'CAPABILITY_REQUIRED');
      expectStatus(await requester.api.post(base(), { country: 'USA', capabilities: { voice: true } }), 400, 'VALIDATION_FAILED');
      expectStatus(await requester.api.post(base(), { capabilities: { voice: true } }), 400, 'VALIDATION_FAILED');
      expectStatus(await requester.api.post(base(), { country: 'US', capabilities: { voice: 'yes' } }), 400, 'VALIDATION_FAILED');
      expectStatus(await requester.api.post(base(), { country: 'US', capabilities: { voice: true }, owner: 1 }), 400, 'VALIDATION_FAILED');
      expectStatus(await requester.api.post(base(), { country: 'US', areaCode: '31a', capabilities: { voice: true } }), 400, 'VALIDATION_FAILED');
      expectStatus(await requester.api.post(base(), { country: 'US', region: 'a\u0007b', capabilities: { voice: true } }), 400, 'TEXT_NOT_ALLOWED');
      expectStatus(await requester.api.post(base(), { country: 'US', note: 'x'.repeat(501), capabilities: { voice: true } }), 400, 'VALIDATION_FAILED');
      expectStatus(await requester.api.request('POST', base(), 'country=US', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectStatus(await requester.api.get(`${base()}/abc`), 400, 'INVALID_ID');
      expectStatus(await requester.api.get(`${base()}/999999999`), 404, 'NUMBER_REQUEST_NOT_FOUND');
      expectStatus(await admin.api.get(`${base()}?state=lost`), 400, 'VALIDATION_FAILED');
      expectStatus(await admin.api.get(`${base()}?limit=0`), 400, 'VALIDATION_FAILED');
      expect((await admin.api.get(`${base()}?limit=200`)).body.requests.length).to.equal(before);

      const request = await ask(requester);
      const invalid = await resolve(admin, request.id, { resolution: 'reject', reason: 'x', numberId: 1 });
      expectStatus(invalid, 400, 'VALIDATION_FAILED');
      expect(invalid.body.error.details.fields).to.deep.equal([{ path: '/numberId', message: 'is not a known field' }]);
      expectStatus(await resolve(admin, request.id, { resolution: 'steal' }), 400, 'VALIDATION_FAILED');
      expectStatus(await resolve(admin, request.id, {}), 400, 'VALIDATION_FAILED');
      expectStatus(await resolve(admin, request.id, { resolution: 'assign', numberId: '12' }), 400, 'VALIDATION_FAILED');
      expectStatus(await resolve(admin, request.id, { resolution: 'purchase', trunk: 'Bad Name', number: '+13125550100' }), 400, 'VALIDATION_FAILED');
      expectStatus(await resolve(admin, request.id, { resolution: 'purchase', trunk: 'pool', number: '3125550100' }), 400, 'VALIDATION_FAILED');
      // An Admin (numbers.manage) assigns and rejects; buying spends credits and needs numbers.purchase.
      const purchase = await resolve(admin, request.id, { resolution: 'purchase', trunk: 'pool', number: '+13125550100' });
      expectStatus(purchase, 403, 'PERMISSION_DENIED');
      expect(purchase.body.error.details.missingPermission).to.equal('numbers.purchase');
      expectStatus(await admin.api.get(`${base()}/${request.id}/candidates?country=USA`), 400, 'VALIDATION_FAILED');
      expectStatus(await admin.api.get(`${base()}/${request.id}/candidates?owner=1`), 400, 'VALIDATION_FAILED');
      expect((await requester.api.get(`${base()}/${request.id}`)).body.state).to.equal('open');
    });

    it('given every resolution so far, then each requester was mailed each outcome once, and never for a cancellation', async () => {
      const resolved = (await f.org.api.get(`${base()}?limit=200`)).body.requests.filter((request: RequestView) => request.resolution !== null) as RequestView[];
      await until('every outcome mailed', () => resolved.every((request) => smtp.received.some((mail) => mentions(mail, request.id))));
      for (const request of resolved) expect(smtp.received.filter((mail) => mentions(mail, request.id)), `request ${request.id}`).to.have.length(1);
      const cancelled = (await f.org.api.get(`${base()}?state=cancelled`)).body.requests as RequestView[];
      expect(cancelled).not.to.be.empty;
      for (const request of cancelled) expect(smtp.received.some((mail) => mentions(mail, request.id)), `request ${request.id}`).to.equal(false);
    });
  });
});
