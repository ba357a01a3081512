// A call suite's fixture: its own ARI app process, a fresh account with its phones registered, cleanup, and
// the app's log when a test fails.
import { AriAppProcess } from './ari-app-process';
import { provisionPhone, registerOrFail, type Phone } from './phones';
import { createTestAccount, openTestStack, removeTestAccount, type TestStack } from './stack';

export interface CallFixture {
  stack: TestStack;
  app: AriAppProcess;
  accountId: number;
  phones: Record<string, Phone>;
  phone(name: string): Phone;
}

export interface CallFixtureOptions {
  account: string;
  /** Environment of the ARI app process the suite runs (e.g. a short ring timeout). */
  appEnv?: Record<string, string>;
  /** name -> extension; every phone registers unless listed in `unregistered`. */
  phones: Record<string, string>;
  unregistered?: string[];
  /** Stop the ARI app once the account's dialplan is loaded, for suites about the app being down. */
  withoutApp?: boolean;
}

/** Registers the suite's hooks: its own ARI app, a fresh account with its phones, cleanup, and the app's
 *  log on failure. The returned object is filled in before the first test runs. */
export function useCallFixture(options: CallFixtureOptions): CallFixture {
  const fixture = {
    phones: {},
    phone(name: string): Phone {
      const found = this.phones[name];
      if (!found) throw new Error(`no phone named ${name} in this suite`);
      return found;
    },
  } as CallFixture;
  before(async () => {
    fixture.stack = await openTestStack();
    fixture.app = new AriAppProcess({ LOG_LEVEL: 'debug', ...options.appEnv });
    await fixture.app.start();
    fixture.accountId = await createTestAccount(fixture.stack, options.account);
    for (const [name, extension] of Object.entries(options.phones)) {
      fixture.phones[name] = await provisionPhone(fixture.stack, fixture.accountId, extension, name);
    }
    if (options.withoutApp) await fixture.app.stop();
    for (const [name, phone] of Object.entries(fixture.phones)) {
      if (!options.unregistered?.includes(name)) await registerOrFail(phone);
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && !options.withoutApp) {
      process.stderr.write(`ari-app log:\n${fixture.app.output.slice(-6000)}\n`);
    }
  });

  after(async () => {
    for (const phone of Object.values(fixture.phones)) phone.rtp.close();
    await fixture.app?.stop();
    if (fixture.accountId) await removeTestAccount(fixture.stack, fixture.accountId);
    await fixture.stack?.close();
  });
  return fixture;
}
