// Debian's Chromium, headless, driven by playwright-core: a real browser with a fake microphone (a tone) and
// media permission granted, so a WebRTC page runs as it would for a user, without a person to click "Allow".
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { until } from './until';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  // The test runs as root in a container, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-gpu',
  // This closed network answers no outside request: nothing of the browser's own should wait on one.
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y --no-install-recommends chromium (npm test does it)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 15_000 });
}

export interface BrowserTab {
  page: Page;
  /** The page's console messages and uncaught errors, for a failing test's report. */
  log: string[];
  close(): Promise<void>;
}

/** A fresh context (its own storage) with one page at `url`. */
export async function openTab(browser: Browser, url: string): Promise<BrowserTab> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const log: string[] = [];
  page.on('console', (message) => log.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  await page.goto(url);
  return { page, log, close: () => context.close() };
}

/** A data-* attribute of the element, e.g. the state a page publishes for scripts. */
export async function dataAttribute(page: Page, selector: string, name: string): Promise<string> {
  return (await page.getAttribute(selector, `data-${name}`, { timeout: 2000 })) ?? '';
}

/** Waits until the data-* attribute takes one of `values`, and returns the one it took. */
export function untilData(page: Page, selector: string, name: string, values: string[], timeoutMs = 10_000): Promise<string> {
  let last = '';
  return until(`${selector} data-${name} is ${values.join(' or ')}`, async () => {
    last = await dataAttribute(page, selector, name);
    return values.includes(last) ? last : undefined;
  }, { timeoutMs, intervalMs: 100 }).catch((error: Error) => {
    throw new Error(`${error.message} (it is "${last}")`);
  });
}
