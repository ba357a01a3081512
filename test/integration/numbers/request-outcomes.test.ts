// Number requests resolved by a purchase (issue 10): the request waits in 'purchasing' while the worker buys the
// number at the Telnyx emulator, then the purchase job's final transaction settles it: 'fulfilled' when the
// number is live, back to 'open' with the failure noted when the provider refuses it (a 4xx), for another
// resolution. The requester is mailed each outcome once, also when the worker lost the email's job. Through the
// HTTP API, MariaDB, a Redis of the suite's own, a real worker process and a local SMTP server.
import { Queue } from 'bullmq';
import { expect } from 'chai';
import { JobQueue } from '../../../core/job-queue';
import { createNumberProvider } from '../../../core/number-providers/factory';
import { resolveSecretSource } from '../../../core/trunk-secrets';
import { sendNumberRequestEmail } from '../../../jobs/email/number-request-resolved';
import { Mailer } from '../../../jobs/email/mailer';
import type { NumberJobDeps } from '../../../jobs/numbers/orders';
import { purchaseNumber } from '../../../jobs/numbers/purchase';
import { requestNoticeJobId } from '../../../jobs/numbers/request-outcomes';
import type { ApiClient, ApiResponse } from '../../support/admin-api';
import { uniqueName } from '../../support/admin-api';
import { until } from '../../support/until';
import { addUser, expectStatus } from '../identity/helpers';
import type { ReceivedMail } from '../../support/smtp-sink';
import { mentions, useRequestsFixture } from './requests-fixture';
import { credits } from '../numbers-purchase/numbers-fixture';

type TestUser = Awaited<ReturnType<typeof addUser>>;

interface RequestView {
  id: number;
  state: string;
  resolution: string | null;
  resolvedBy: number | null;
  number: { id: number; number: string; state: string } | null;
  lastFailure: { number: string | null; reason: string | null; at: string } | null;
}


describe('number requests resolved by a purchase: purchasing until the job settles them, then fulfilled or open again, the requester told once', function () {
  this.timeout(180_000);
  const { f, smtp } = useRequestsFixture('Request Outcomes Corp', 1047);

  // A suite inside the fixture's: its after hook runs before the fixture closes the database.
  describe('in a phone system whose trunk sells the emulator\'s numbers', () => {
    const trunk = uniqueName('rqo').slice(0, 30);
    let owner: TestUser;
    let requester: TestUser;
    const offered: string[] = [];

    const requestsPath = (): string => `/v1/accounts/${f.subaccountId}/number-requests`;
    const ask = async (): Promise<RequestView> => {
      const response = await requester.api.post(requestsPath(), { country: 'US', capabilities: { voice: true }, note: 'a desk line' });
      expectStatus(response, 201);
      return response.body as RequestView;
    };
    const buy = (api: ApiClient, requestId: number, number: string): Promise<ApiResponse> =>
      api.post(`${requestsPath()}/${requestId}/resolve`, { resolution: 'purchase', trunk, number });
    const view = async (api: ApiClient, requestId: number): Promise<RequestView> => {
      const response = await api.get(`${requestsPath()}/${requestId}`);
      expectStatus(response, 200);
      return response.body as RequestView;
    };
    const reaches = (api: ApiClient, requestId: number, state: string): Promise<RequestView> =>
      until(`request ${requestId} is ${state}`, async () => {
        const seen = await view(api, requestId);
        return seen.state === state ? seen : undefined;
      }, { timeoutMs: 30_000 });
    const mailsAbout = (requestId: number): ReceivedMail[] => smtp.received.filter((mail) => mentions(mail, requestId));
    const mailTo = (user: TestUser, requestId: number, subject: RegExp): Promise<ReceivedMail> =>
      until(`a mail to ${user.username} about request ${requestId} matching ${subject}`, () =>
        mailsAbout(requestId).find((mail) => mail.to.includes(`${user.username}@example.test`) && subject.test(mail.subject)), { timeoutMs: 20_000 });
    const auditActions = async (requestId: number): Promise<string[]> =>
      (await f.api.db('audit_log').where({ entity: 'number_request', entity_id: String(requestId) }).orderBy('id').pluck('action')) as string[];
    /** The purchase job's dependencies, as the worker builds them, for running a job's attempt in this process. */
    const jobDeps = (jobs: JobQueue): NumberJobDeps => ({
      db: f.api.db, notifier: f.api.notifier, logger: f.api.logger, jobs,
      provider: (site) => createNumberProvider(site, { db: f.api.db, secret: (source) => resolveSecretSource(source) }),
    });

    before(async () => {
      owner = await addUser(f.org.api, f.subaccountId, 'owner');
      requester = await addUser(f.org.api, f.subaccountId, 'agent');
      await f.sellingTrunk(trunk, { accounts: [f.subaccountId], ip: '198.51.100.74', setupPriceCents: 300, monthlyPriceCents: 100 });
      await f.addCredits(f.subaccountId, 10_000);
      offered.push(...(await f.available(owner.api, f.subaccountId, trunk)));
    });

    afterEach(() => {
      f.telnyx.faults.clear();
      f.telnyx.faults.rates({ slowMs: 500 });
    });

    it('given an open request, when an Owner buys a number for it, then it is purchasing with the number purchasing, then fulfilled with the number active, and the requester is mailed once that it is live', async () => {
      const request = await ask();
      const number = offered.shift() as string;
      // The provider takes 2 s to sell it: time to see the request while the purchase runs.
      f.telnyx.faults.rates({ slowMs: 2000 });
      f.telnyx.faults.next('purchase', 'slow');
      const bought = await buy(owner.api, request.id, number);
      expectStatus(bought, 200);
      expect(bought.body).to.include({ state: 'purchasing', resolution: 'purchased', resolvedBy: owner.id, lastFailure: null });
      expect(bought.body.number).to.include({ number, state: 'purchasing' });
      const meanwhile = await view(requester.api, request.id);
      expect(meanwhile).to.include({ state: 'purchasing', resolution: 'purchased' });
      expect(meanwhile.number).to.include({ number, state: 'purchasing' });
      // Not open: it is neither withdrawn nor resolved a second time.
      expectStatus(await requester.api.post(`${requestsPath()}/${request.id}/cancel`), 409, 'REQUEST_ALREADY_RESOLVED');
      expectStatus(await buy(f.org.api, request.id, offered[0] as string), 409, 'REQUEST_ALREADY_RESOLVED');

      const fulfilled = await reaches(requester.api, request.id, 'fulfilled');
      expect(fulfilled).to.include({ resolution: 'purchased', resolvedBy: owner.id, lastFailure: null });
      expect(fulfilled.number).to.include({ number, state: 'active' });
      const owned = await requester.api.get(`/v1/accounts/${f.subaccountId}/numbers/${fulfilled.number?.id}`);
      expect(owned.body).to.include({ number, ownerUserId: requester.id, state: 'active', sharing: 'private' });
      expect(f.telnyx.timesBought(number)).to.equal(1);

      const mail = await mailTo(requester, request.id, /is live/);
      expect(mail.subject).to.include(number);
      expect(mail.body).to.include(number).and.include('bought');
      expect(mailsAbout(request.id)).to.have.length(1);
      expect(await auditActions(request.id)).to.deep.equal(['number_request.create', 'number_request.resolve', 'number_request.fulfil']);
    });

    it('given the provider refuses the purchase (4xx), then the request is open again with the failure noted and the credits back, the requester is mailed; another admin then buys it a number and it is fulfilled', async () => {
      const request = await ask();
      const [refused, second] = [offered.shift() as string, offered.shift() as string];
      const before = await credits(owner.api, f.subaccountId);
      f.telnyx.faults.next('purchase', 'clientError');
      const bought = await buy(owner.api, request.id, refused);
      expectStatus(bought, 200);
      expect(bought.body).to.include({ state: 'purchasing' });
      const failedNumberId: number = bought.body.number.id;

      const reopened = await reaches(owner.api, request.id, 'open');
      expect(reopened).to.include({ resolution: null, resolvedBy: null, number: null });
      expect(reopened.lastFailure?.number).to.equal(refused);
      expect(reopened.lastFailure?.reason).to.match(/answered 4\d\d/);
      expect(Date.parse(reopened.lastFailure?.at ?? '')).to.be.closeTo(Date.now(), 60_000);
      // The requester sees which number failed and when; the provider's words are for the admins.
      const seenByRequester = await view(requester.api, request.id);
      expect(seenByRequester).to.include({ state: 'open' });
      expect(seenByRequester.lastFailure).to.deep.equal({ number: refused, reason: null, at: reopened.lastFailure?.at });
      const listed = (await requester.api.get(requestsPath())).body.requests.find((item: RequestView) => item.id === request.id) as RequestView;
      expect(listed.lastFailure?.reason).to.equal(null);
      const openForAdmins = await owner.api.get(`${requestsPath()}?state=open`);
      expect(openForAdmins.body.requests.map((item: RequestView) => item.id)).to.include(request.id);
      expect((await owner.api.get(`/v1/accounts/${f.subaccountId}/numbers/${failedNumberId}`)).body).to.include({ number: refused, state: 'failed' });
      const after = await credits(owner.api, f.subaccountId);
      expect([after.balanceCents, after.reservedCents]).to.deep.equal([before.balanceCents, before.reservedCents]);
      expect(f.telnyx.timesBought(refused)).to.equal(0);

      const failureMail = await mailTo(requester, request.id, /open again/);
      expect(failureMail.body).to.include(refused).and.include('open again');
      expect(failureMail.body).not.to.match(/answered 4\d\d/);

      // Another admin (the organization's owner) resolves it again.
      const again = await buy(f.org.api, request.id, second);
      expectStatus(again, 200);
      expect(again.body).to.include({ state: 'purchasing', resolvedBy: f.org.userId });
      const fulfilled = await reaches(requester.api, request.id, 'fulfilled');
      expect(fulfilled.number).to.include({ number: second, state: 'active' });
      expect(fulfilled.lastFailure).to.include({ number: refused });
      expect(f.telnyx.timesBought(second)).to.equal(1);
      await mailTo(requester, request.id, /is live/);
      expect(mailsAbout(request.id).map((mail) => mail.subject)).to.have.length(2);
      expect(await auditActions(request.id)).to.deep.equal([
        'number_request.create', 'number_request.resolve', 'number_request.reopen', 'number_request.resolve', 'number_request.fulfil',
      ]);
    });

    it('given a purchase settled by a worker that never got its email enqueued (Redis lost it), then the order\'s job run again or a starting worker enqueues it, and it is sent once; running the job again changes nothing', async () => {
      // The worker stopped, this process runs the order's attempts itself; Redis then "loses" the jobs.
      await f.worker.stop();
      const jobs = new JobQueue(f.api.redis);
      const emailQueue = new Queue('email', { connection: f.api.redis });
      const numbersQueue = new Queue('numbers', { connection: f.api.redis });
      const mailer = new Mailer({ host: '127.0.0.1', port: smtp.port, from: 'pbx@example.test' });
      const mailDeps = { db: f.api.db, mailer, publicUrl: 'http://pbx.example.test' };
      try {
        const request = await ask();
        const number = offered.shift() as string;
        expectStatus(await buy(owner.api, request.id, number), 200);
        const numberId = (await view(owner.api, request.id)).number?.id;
        const orderId = Number((await f.api.db('number_orders').where({ number_id: numberId }).first('id')).id);
        const run = (attemptsMade: number) => purchaseNumber(jobDeps(jobs), orderId, { attemptsMade, opts: { attempts: 8 } });
        expect(await run(0)).to.deep.equal({ orderId, state: 'completed' });
        expect((await view(requester.api, request.id)).state).to.equal('fulfilled');
        const noticeId = Number((await f.api.db('number_request_notices').where({ request_id: request.id }).first('id')).id);
        const sentAt = async (): Promise<unknown> => (await f.api.db('number_request_notices').where({ id: noticeId }).first('sent_at')).sent_at;
        expect(await sentAt()).to.equal(null);
        const emailJobId = requestNoticeJobId({ id: noticeId, requestId: request.id });
        expect((await emailQueue.getJob(emailJobId))?.data).to.deep.equal({ requestId: request.id, noticeId });

        // Lost: the order's job, run again, finds the order settled and the notice unsent, and enqueues it again.
        await (await emailQueue.getJob(emailJobId))?.remove();
        expect(await run(1)).to.deep.equal({ orderId, state: 'already finished' });
        expect((await emailQueue.getJob(emailJobId))?.data).to.deep.equal({ requestId: request.id, noticeId });

        // Lost again, with the order's job: a starting worker enqueues every unsent notice.
        await (await emailQueue.getJob(emailJobId))?.remove();
        await (await numbersQueue.getJob(`number-order-${orderId}`))?.remove();
        await f.worker.start();
        expect(f.worker.logs().find((line) => line.message === 'ready')).to.include({ resumedNotices: 1 });
        const mail = await mailTo(requester, request.id, /is live/);
        expect(mail.body).to.include(number);
        await until('the notice is marked sent', async () => (await sentAt()) !== null);

        // Every later run finds the order settled and the notice sent: nothing moves, nothing is mailed.
        expect(await run(2)).to.deep.equal({ orderId, state: 'already finished' });
        expect(await emailQueue.getJob(emailJobId)).to.equal(undefined);
        expect(await sendNumberRequestEmail(mailDeps, { requestId: request.id, noticeId })).to.deep.equal({ sent: false });
        // Resolved by a purchase: the resolution email has nothing to add to the notice's.
        expect(await sendNumberRequestEmail(mailDeps, { requestId: request.id })).to.deep.equal({ sent: false });
        expect((await view(requester.api, request.id)).state).to.equal('fulfilled');
        expect(await f.api.db('number_request_notices').where({ request_id: request.id }).pluck('id')).to.have.length(1);
        expect(mailsAbout(request.id)).to.have.length(1);
        expect(f.telnyx.timesBought(number)).to.equal(1);
      } finally {
        mailer.close();
        await Promise.all([emailQueue.close(), numbersQueue.close(), jobs.close()]);
      }
    });
  });
});
