// The web phone as a user runs it: the page the admin API serves, in headless Chromium with a fake microphone,
// registers a WebRTC device over Asterisk's WebSocket transport and calls a SIPp phone of the same account
// through Asterisk and the ARI app (DTLS-SRTP and ICE on the browser's leg, G.711 on the phone's).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { startTestApi, type TestApi } from '../../support/admin-api';
import { dataAttribute, launchChromium, openTab, untilData, type BrowserTab } from '../../support/chromium';
import type { SippAgent, SippResult } from '../../support/sipp';
import type { DeviceProvisioning } from '../../support/stack';
import { until } from '../../support/until';
import { useCallFixture } from '../../support/call-fixture';
import { answerCalls, placeCall, type Phone } from '../../support/phones';

const BROWSER_EXTENSION = '241';
const PHONE_EXTENSION = '242';
const PHONE = '#phone';

describe('WebRTC web phone (headless Chromium through Asterisk to a SIPp phone)', function () {
  this.timeout(60_000);
  const f = useCallFixture({ account: 'Web phone org', phones: { bob: PHONE_EXTENSION } });
  let api: TestApi;
  let browser: Browser;
  let browserDevice: DeviceProvisioning;
  let tab: BrowserTab | undefined;
  let sipp: SippAgent | undefined;

  before(async () => {
    browserDevice = await f.stack.devices.create(f.accountId, { extension: BROWSER_EXTENSION, label: 'Browser', kind: 'webrtc' });
    api = await startTestApi();
    browser = await launchChromium();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && tab) process.stderr.write(`web phone console:\n${tab.log.join('\n')}\n`);
    sipp?.stop();
    sipp = undefined;
    await tab?.close();
    tab = undefined;
  });

  after(async () => {
    await browser?.close();
    await api?.close();
  });

  async function openPhone(): Promise<BrowserTab> {
    tab = await openTab(browser, `${api.client.base}/phone/`);
    return tab;
  }

  async function registerPage(password: string): Promise<string> {
    const { page } = tab ?? (await openPhone());
    await page.fill('#username', browserDevice.sip.username);
    await page.fill('#password', password);
    await page.click('#register');
    return untilData(page, PHONE, 'registration', ['registered', 'failed']);
  }

  /** Bob's RTP peer sends audio to Asterisk's port for Bob's leg, so the browser has something to hear. */
  async function sendAudioFromBob(bob: Phone): Promise<void> {
    const leg = await until("Bob's leg is up in Asterisk", async () => {
      const channels = await f.stack.ari.listChannels();
      return channels.find((channel) => channel.name.startsWith(`PJSIP/${bob.device.sip.username}-`) && channel.state === 'Up');
    });
    const { value } = await f.stack.ari.getVariable(leg.id, 'CHANNEL(rtp,src)');
    const [host, port] = value.split(':');
    bob.rtp.sendTo(host ?? '127.0.0.1', Number(port), 0x33);
  }

  async function packets(direction: 'received' | 'sent'): Promise<number> {
    return Number(await dataAttribute(tab!.page, PHONE, `packets-${direction}`));
  }

  function finished(agent: SippAgent, what: string): Promise<SippResult> {
    let result: SippResult | undefined;
    void agent.done.then((done) => (result = done));
    return until(what, () => result, { timeoutMs: 10_000 });
  }

  it('given a wrong password, when the page registers, then registration fails with the reason shown', async () => {
    expect(await registerPage('not-the-password')).to.equal('failed');
    expect(await tab!.page.textContent('#registration-status')).to.match(/Authentication Error \(401\)/);
    expect(await tab!.page.isDisabled('#call'), 'no call without a registration').to.equal(true);
  });

  it('given the page registered, when it calls the SIPp phone, then the call is answered with media both ways and the page hangs up', async () => {
    const bob = f.phone('bob');
    const { page } = await openPhone();
    expect(await page.inputValue('#ws-url'), 'the default WebSocket URL is Asterisk’s /ws').to.equal(`ws://127.0.0.1:${new URL(f.stack.config.ari.url).port}/ws`);
    expect(await page.inputValue('#domain')).to.equal(f.stack.config.sip.publicHost);
    expect(await registerPage(browserDevice.sip.password)).to.equal('registered');

    sipp = answerCalls(bob, 'callee-answer');
    await page.fill('#number', PHONE_EXTENSION);
    await page.click('#call');
    expect(await untilData(page, PHONE, 'call', ['confirmed', 'failed', 'ended']), await page.textContent('#call-status') ?? '').to.equal('confirmed');
    // ICE and DTLS both done: SRTP can flow between the browser and Asterisk.
    await untilData(page, PHONE, 'media', ['connected']);

    await sendAudioFromBob(bob);
    await until('the browser hears Bob and Bob hears the browser', async () => (await packets('received')) >= 25 && bob.rtp.received >= 25, { timeoutMs: 8000 });

    await page.click('#hangup');
    expect(await untilData(page, PHONE, 'call', ['ended', 'failed'])).to.equal('ended');
    const callee = await finished(sipp, "Bob's phone got the BYE");
    expect(callee.exitCode, callee.errors).to.equal(0);
    expect(callee.logged.from, 'Bob sees who calls').to.equal(BROWSER_EXTENSION);
    expect(await page.textContent('#call-status')).to.equal('you hung up');
    await until('no channel of the call is left in Asterisk', async () => {
      const channels = await f.stack.ari.listChannels();
      return !channels.some((channel) => channel.name.startsWith(`PJSIP/${browserDevice.sip.username}-`) || channel.name.startsWith(`PJSIP/${bob.device.sip.username}-`));
    });
  });

  it('given the page registered, when the SIPp phone calls it and the user answers, then the call connects and ends when the phone hangs up', async () => {
    const bob = f.phone('bob');
    const { page } = await openPhone();
    expect(await registerPage(browserDevice.sip.password)).to.equal('registered');

    sipp = await placeCall(bob, BROWSER_EXTENSION, 3000);
    await untilData(page, PHONE, 'call', ['incoming']);
    expect(await page.textContent('#call-status')).to.equal(`call from ${PHONE_EXTENSION}`);
    await page.click('#answer');
    await untilData(page, PHONE, 'call', ['confirmed']);
    await untilData(page, PHONE, 'media', ['connected']);

    expect(await untilData(page, PHONE, 'call', ['ended', 'failed'])).to.equal('ended');
    expect(await page.textContent('#call-status')).to.equal('the other side hung up');
    const caller = await finished(sipp, "Bob's call ended");
    expect(caller.logged, caller.errors).to.include({ final: '200', hangup: '200' });
  });
});
