// The number-requests suites' fixture: the number-buying suites' one (admin API, a Redis of its own, a real
// worker process, the Telnyx emulator) with a local SMTP server the worker mails the requesters' outcomes to.
import { SmtpSink, type ReceivedMail } from '../../support/smtp-sink';
import { useNumbersFixture, type NumbersFixture } from '../numbers-purchase/numbers-fixture';

/** Whether a mail is about this request: its link ends with the request's id. */
export const mentions = (mail: ReceivedMail, requestId: number): boolean => new RegExp(`/number-requests/${requestId}(\\D|$)`).test(mail.body);

/** Call at the top of a describe: starts the SMTP sink before the fixture's worker, which mails to it. */
export function useRequestsFixture(name: string, seed: number): { f: NumbersFixture; smtp: SmtpSink } {
  const smtp = new SmtpSink();
  // Filled in before the fixture starts its worker (this hook runs first).
  const workerEnv: Record<string, string> = {};
  before(async () => {
    await smtp.start();
    Object.assign(workerEnv, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
  });
  after(() => smtp.close());
  return { f: useNumbersFixture({ name, seed, workerEnv }), smtp };
}
