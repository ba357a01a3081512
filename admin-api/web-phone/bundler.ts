// The web phone's page and browser bundle, built from web-phone/ with esbuild on first request and kept in
// memory: the admin API starts as fast as before, and only a server that serves the phone pays for it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import type { Logger } from '../../core/logger';

// The repository root in development and /app in the image both hold web-phone/ two levels up.
const WEB_PHONE_SOURCE_DIR = path.resolve(__dirname, '../../web-phone');

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

async function renderPage(sourceDir: string, defaults: PageDefaults): Promise<string> {
  const template = await readFile(path.join(sourceDir, 'index.html'), 'utf8');
  const values: Record<string, string> = { WS_PORT: defaults.webSocketPort, SIP_DOMAIN: defaults.sipDomain };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`web-phone/index.html: unknown placeholder ${placeholder}`);
    return escapeHtml(value);
  });
}

async function bundleScript(sourceDir: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(sourceDir, 'phone.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // Browsers with the WebRTC API JsSIP relies on (unified plan, RTCPeerConnection events).
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no web phone bundle');
  return output.text;
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

export function webPhoneAssets(defaults: PageDefaults, logger: Logger, sourceDir = WEB_PHONE_SOURCE_DIR): WebPhoneAssets {
  return {
    page: once(() => renderPage(sourceDir, defaults)),
    script: once(async () => {
      const started = process.hrtime.bigint();
      const script = await bundleScript(sourceDir);
      logger.info('web phone bundled', { bytes: script.length, ms: Number(process.hrtime.bigint() - started) / 1e6 });
      return script;
    }),
  };
}
