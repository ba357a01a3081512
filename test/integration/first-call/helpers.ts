// The parties of a first-call test: devices provisioned through the project's code, registered by SIPp, and
// each with a UAS port where its SIPp answers and an RTP peer where its audio goes.
import path from 'node:path';
import { expect } from 'chai';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { runSipp, SippAgent, type SippResult } from '../../support/sipp';
import { AriAppProcess } from '../../support/ari-app-process';
import { createTestAccount, openTestStack, removeTestAccount, type DeviceProvisioning, type TestStack } from '../../support/stack';

export const scenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);

export interface Phone {
  device: DeviceProvisioning;
  /** Where this phone's SIPp user agent receives calls (its registered Contact). */
  uasPort: number;
  rtp: RtpPeer;
}

export async function provisionPhone(stack: TestStack, accountId: number, extension: string, label: string): Promise<Phone> {
  const device = await stack.devices.create(accountId, { extension, label, kind: 'desk_phone' });
  const rtp = new RtpPeer(await freeRtpPort());
  await rtp.start();
  return { device, uasPort: await freeUdpPort(), rtp };
}

export async function register(phone: Phone, password = phone.device.sip.password, localIp?: string): Promise<SippResult> {
  return runSipp({
    localIp,
    scenario: scenario('register'),
    // From the port it takes calls on, as a real phone does (Asterisk rewrites the Contact to the source).
    localPort: phone.uasPort,
    service: phone.device.sip.username,
    authUser: phone.device.sip.username,
    authPassword: password,
    keys: { contact_port: phone.uasPort, expires: 600 },
    timeoutSeconds: 10,
  });
}

export async function registerOrFail(phone: Phone): Promise<void> {
  const result = await register(phone);
  expect(result.logged.final, result.errors).to.equal('200');
}

/** The called phone's user agent, waiting for an INVITE on its registered port. */
export function answerCalls(phone: Phone, scenarioName: string, answerDelayMs = 200): SippAgent {
  return new SippAgent({ scenario: scenario(scenarioName), localPort: phone.uasPort, keys: { rtp_port: phone.rtp.port }, pauseMs: answerDelayMs, timeoutSeconds: 30 });
}

export async function placeCall(from: Phone, extension: string, holdMs = 3000): Promise<SippAgent> {
  return new SippAgent({
    scenario: scenario('caller'),
    localPort: await freeUdpPort(),
    service: extension,
    authUser: from.device.sip.username,
    authPassword: from.device.sip.password,
    keys: { rtp_port: from.rtp.port, caller_user: from.device.sip.username },
    pauseMs: holdMs,
    timeoutSeconds: 30,
  });
}

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
