// A user on many devices (issue 9): calling the user's extension rings their desk phone, softphone and web phone
// at once (SIPp parties and the web phone in headless Chromium, through Asterisk and the ARI app), and the caller
// ID their devices present follows the user's name.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { startTestApi, type TestApi } from '../../support/admin-api';
import { asteriskCli } from '../../support/asterisk-control';
import { launchChromium, openTab, untilData, type BrowserTab } from '../../support/chromium';
import { useCallFixture } from '../../support/call-fixture';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { answerCalls, placeCall, registerOrFail, type Phone } from '../../support/phones';
import { RtpPeer } from '../../support/rtp-peer';
import { until } from '../../support/until';

const CALLER_EXTENSION = '451';
const USER_EXTENSION = '452';
const PHONE = '#phone';

describe("a user's devices all ring on the user's extension (SIPp, web phone, Asterisk, ARI app)", function () {
  this.timeout(90_000);
  const f = useCallFixture({ account: 'User devices org', phones: { alice: CALLER_EXTENSION } });
  let api: TestApi;
  let browser: Browser;
  let tab: BrowserTab | undefined;
  let desk: Phone;
  let softphone: Phone;
  let userId: number;

  async function sippPhone(kind: 'desk_phone' | 'softphone', label: string): Promise<Phone> {
    const device = await f.stack.devices.create(f.accountId, { label, kind, userId });
    const phone = { device, uasPort: await freeUdpPort(), rtp: new RtpPeer(await freeRtpPort()) };
    await phone.rtp.start();
    await registerOrFail(phone);
    return phone;
  }

  before(async () => {
    userId = await f.stack.users.create(f.accountId, { fullName: 'Uma User', extension: USER_EXTENSION });
    desk = await sippPhone('desk_phone', 'Uma desk');
    softphone = await sippPhone('softphone', 'Uma laptop');
    const webPhone = await f.stack.devices.create(f.accountId, { label: 'Uma browser', kind: 'webrtc', userId });
    [api, browser] = await Promise.all([startTestApi(), launchChromium()]);
    tab = await openTab(browser, `${api.client.base}/phone/`);
    await tab.page.fill('#username', webPhone.sip.username);
    await tab.page.fill('#password', webPhone.sip.password);
    await tab.page.click('#register');
    expect(await untilData(tab.page, PHONE, 'registration', ['registered', 'failed'])).to.equal('registered');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && tab) process.stderr.write(`web phone console:\n${tab.log.join('\n')}\n`);
  });

  after(async () => {
    desk?.rtp.close();
    softphone?.rtp.close();
    await tab?.close();
    await browser?.close();
    await api?.close();
  });

  it("given a user with a desk phone, a softphone and a web phone, when their extension is called, then all three ring and the one that answers takes the call", async () => {
    const deskAnswers = answerCalls(desk, 'callee-answer', 1500);
    const softphoneRings = answerCalls(softphone, 'callee-ring-forever');
    const caller = await placeCall(f.phone('alice'), USER_EXTENSION, 1000);
    expect(await untilData(tab!.page, PHONE, 'call', ['incoming'], 10_000), 'the web phone rings').to.equal('incoming');
    const [callerResult, deskResult, softphoneResult] = await Promise.all([caller.done, deskAnswers.done, softphoneRings.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200', hangup: '200' });
    expect(deskResult.exitCode, deskResult.errors).to.equal(0);
    expect(softphoneResult.exitCode, `the softphone rang and was cancelled: ${softphoneResult.errors}`).to.equal(0);
    expect(await untilData(tab!.page, PHONE, 'call', ['ended', 'failed']), 'the web phone stops ringing').to.be.oneOf(['ended', 'failed']);
    await until('no channel of the call is left in Asterisk', async () => {
      const endpoints = [desk, softphone, f.phone('alice')].map((phone) => phone.device.sip.username);
      return !(await f.stack.ari.listChannels()).some((channel) => endpoints.some((endpoint) => channel.name.startsWith(`PJSIP/${endpoint}-`)));
    });
  });

  it("given the caller's user renamed, then Asterisk presents the new name with the extension, and the called devices see it", async () => {
    const alice = f.phone('alice');
    await f.stack.users.update(f.accountId, alice.device.userId!, { fullName: 'Alice Renamed' });
    // Asterisk caches endpoints: the change event makes the ARI app expire this one.
    await until('Asterisk shows the new caller ID', async () => /callerid\s+:\s+"Alice Renamed" <451>/.test(await asteriskCli(`pjsip show endpoint ${alice.device.sip.username}`)), { timeoutMs: 5000, intervalMs: 200 });
    const deskAnswers = answerCalls(desk, 'callee-answer');
    const softphoneRings = answerCalls(softphone, 'callee-ring-forever');
    const caller = await placeCall(alice, USER_EXTENSION, 500);
    const [callerResult, deskResult] = await Promise.all([caller.done, deskAnswers.done, softphoneRings.done]);
    expect(callerResult.logged, callerResult.errors).to.include({ final: '200' });
    expect(deskResult.logged.from, 'the extension').to.equal(CALLER_EXTENSION);
    expect(deskResult.messages).to.match(/From:\s*"Alice Renamed"\s*<sip:451@/);
  });
});
