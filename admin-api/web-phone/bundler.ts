// The web phone's page and browser bundle, read from the build output on first request and kept in memory.
// The build bundles it (npm run build:web-phone, admin-api/web-phone/build.ts), so production needs neither
// esbuild nor JsSIP; a server running from source (npm start, tests) first builds it if missing or stale.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../core/logger';
import { ensureWebPhoneBuilt } from './build';

// Compiled, this file sits in the build output (dist/, or /app in the image) at admin-api/web-phone/, and the
// bundle at web-phone/ of that same output. From source, the build output is dist/ beside the sources.
const RUNS_FROM_SOURCE = path.extname(__filename) === '.ts';
const WEB_PHONE_BUNDLE_DIR = path.resolve(__dirname, RUNS_FROM_SOURCE ? '../../dist/web-phone' : '../../web-phone');

export interface WebPhoneAssetOptions {
  /** Where the bundle is read from. */
  bundleDir?: string;
  /** Build the bundle first when it is missing or older than its sources (true when running from source). */
  buildIfStale?: boolean;
  /** The phone's sources, for that build. */
  sourceDir?: string;
}

export interface PageDefaults {
  /** Asterisk's HTTP port, where SIP over WebSocket listens at /ws. */
  webSocketPort: string;
  sipDomain: string;
}

export interface WebPhoneAssets {
  page(): Promise<string>;
  script(): Promise<string>;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

async function renderPage(bundleDir: string, defaults: PageDefaults): Promise<string> {
  const template = await readFile(path.join(bundleDir, 'index.html'), 'utf8');
  const values: Record<string, string> = { WS_PORT: defaults.webSocketPort, SIP_DOMAIN: defaults.sipDomain };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`web-phone/index.html: unknown placeholder ${placeholder}`);
    return escapeHtml(value);
  });
}

/** Runs `produce` once; a failure is not kept, so the next request tries again. */
function once<T>(produce: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= produce().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function webPhoneAssets(defaults: PageDefaults, logger: Logger, options: WebPhoneAssetOptions = {}): WebPhoneAssets {
  const bundleDir = options.bundleDir ?? WEB_PHONE_BUNDLE_DIR;
  const built = once(async () => {
    if (!(options.buildIfStale ?? RUNS_FROM_SOURCE)) return;
    const started = process.hrtime.bigint();
    // esbuild, a dev dependency the image does not have, is loaded only when a bundle is built.
    const result = await ensureWebPhoneBuilt(bundleDir, options.sourceDir);
    if (result) logger.info('web phone bundled', { bytes: result.bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 });
  });
  return {
    page: once(async () => {
      await built();
      return renderPage(bundleDir, defaults);
    }),
    script: once(async () => {
      await built();
      return readFile(path.join(bundleDir, 'phone.js'), 'utf8');
    }),
  };
}
