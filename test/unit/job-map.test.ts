// The job map: one handler per declared job, enforced by the compiler (npm test type-checks this file), and
// handlers receiving their payload typed and checked, never an untyped job.data.
import { expect } from 'chai';
import { UnrecoverableError, type Job } from 'bullmq';
import { jobProcessor, queuesOf, scheduleOf, type JobHandlers } from '../../jobs/registry';

const job = (name: string, data: unknown): Job => ({ name, data }) as Job;

function recordingHandlers(): { handlers: JobHandlers; calls: unknown[] } {
  const calls: unknown[] = [];
  const handlers: JobHandlers = {
    'email.invitation': async (data) => calls.push(['invitation', data.invitationId]),
    'email.onboarding': async (data) => calls.push(['onboarding', data.userId, data.accountId]),
    'live-calls.prune': async () => calls.push(['prune']),
    'email.emergency-call': async (data) => calls.push(['emergency', data.accountId, data.number]),
    'numbers.purchase': async (data) => calls.push(['purchase', data.orderId]),
    'numbers.release': async (data) => calls.push(['release', data.orderId]),
    'numbers.resume-orders': async () => calls.push(['resume-orders']),
    'numbers.rental': async () => calls.push(['rental']),
    'numbers.reconcile': async (data) => calls.push(['reconcile', data.fix ?? false]),
    'email.number-request-resolved': async (data) => calls.push(['request-resolved', data.requestId]),
  };
  return { handlers, calls };
}

describe('job map', () => {
  it('given a job without a handler, a job with two, or a handler reading a field its payload lacks, then the map does not compile', () => {
    const handler = async (): Promise<void> => undefined;
    const numberJobs = {
      'numbers.purchase': handler, 'numbers.release': handler, 'numbers.resume-orders': handler, 'numbers.rental': handler, 'numbers.reconcile': handler,
      'email.number-request-resolved': handler,
    };
    // @ts-expect-error live-calls.prune has no handler
    const missing: JobHandlers = { ...numberJobs, 'email.invitation': handler, 'email.onboarding': handler, 'email.emergency-call': handler };
    const twice: JobHandlers = {
      ...numberJobs,
      'email.invitation': handler, 'email.onboarding': handler, 'live-calls.prune': handler, 'email.emergency-call': handler,
      // @ts-expect-error a second handler for the same job
      'email.invitation': handler,
    };
    const untyped: JobHandlers = {
      ...numberJobs,
      'email.onboarding': handler, 'live-calls.prune': handler, 'email.emergency-call': handler,
      // @ts-expect-error an invitation's payload carries no userId
      'email.invitation': async (data) => data.userId,
    };
    expect([missing, twice, untyped].map((map) => typeof map['email.invitation'])).to.deep.equal(['function', 'function', 'function']);
  });

  it('given jobs of each name, when processed, then each handler receives its own payload, typed', async () => {
    const { handlers, calls } = recordingHandlers();
    const process = jobProcessor(handlers);
    await process(job('email.invitation', { invitationId: 7 }));
    await process(job('email.onboarding', { userId: 3, accountId: 9 }));
    await process(job('live-calls.prune', undefined));
    // As the ARI app enqueues it: the call's time as an ISO date-time.
    await process(job('email.emergency-call', { accountId: 4, userId: null, device: 'd1', number: '911', placedAt: '2026-11-30T04:00:00.000Z', callId: 'c1' }));
    expect(calls).to.deep.equal([['invitation', 7], ['onboarding', 3, 9], ['prune'], ['emergency', 4, '911']]);
  });

  it('given a malformed payload or an undeclared job, when processed, then it fails without retries and no handler runs', async () => {
    const { handlers, calls } = recordingHandlers();
    const process = jobProcessor(handlers);
    for (const bad of [job('email.invitation', { invitationId: 'x' }), job('email.onboarding', { userId: 3 }), job('mystery.job', {}),
      job('email.emergency-call', { accountId: 4, userId: null, device: 'd1', number: '911', placedAt: 'yesterday', callId: 'c1' })]) {
      const error = await process(bad).then(() => undefined, (caught: unknown) => caught);
      expect(error, bad.name).to.be.instanceOf(UnrecoverableError);
    }
    expect(calls).to.deep.equal([]);
  });

  it('given the declared jobs, then the worker serves each queue with its jobs and schedules only the periodic ones', () => {
    expect(Object.fromEntries(queuesOf())).to.deep.equal({
      email: ['email.invitation', 'email.onboarding', 'email.emergency-call', 'email.number-request-resolved'],
      maintenance: ['live-calls.prune'],
      numbers: ['numbers.purchase', 'numbers.release', 'numbers.resume-orders', 'numbers.rental', 'numbers.reconcile'],
    });
    expect([
      scheduleOf('email.invitation'), scheduleOf('live-calls.prune'), scheduleOf('numbers.purchase'), scheduleOf('numbers.resume-orders'), scheduleOf('numbers.rental'),
      scheduleOf('numbers.reconcile'),
    ]).to.deep.equal([undefined, 600_000, undefined, 60_000, 3_600_000, 86_400_000]);
  });
});
