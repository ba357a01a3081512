// Builds the web phone for browsers: web-phone/phone.ts with JsSIP bundled by esbuild into phone.js, and the
// page template beside it. The build runs it (npm run build:web-phone, part of npm run build and of the image);
// a server running from source runs it when the bundle is missing or older than what it is made of. esbuild and
// JsSIP are dev dependencies: esbuild is loaded here only, and only when a bundle is built.
import { copyFile, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Source paths: this module runs from source only (the build script, a server run with tsx).
const ROOT = path.resolve(__dirname, '../..');
export const WEB_PHONE_SOURCE_DIR = path.join(ROOT, 'web-phone');
/** The bundle inside a build output: dist/web-phone/, which the image holds as /app/web-phone/. */
export const WEB_PHONE_BUILD_DIR = path.join(ROOT, 'dist', 'web-phone');
export const WEB_PHONE_FILES = { page: 'index.html', script: 'phone.js' } as const;

/** Written beside the target, then renamed over it: a server starting meanwhile never reads half a file. */
async function replaceFile(target: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = `${target}.${process.pid}.tmp`;
  await write(temporary);
  await rename(temporary, target);
}

export async function buildWebPhone(outDir = WEB_PHONE_BUILD_DIR, sourceDir = WEB_PHONE_SOURCE_DIR): Promise<{ bytes: number }> {
  const { build } = await import('esbuild');
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
  const script = result.outputFiles[0];
  if (!script) throw new Error('esbuild produced no web phone bundle');
  await mkdir(outDir, { recursive: true });
  await replaceFile(path.join(outDir, WEB_PHONE_FILES.script), (temporary) => writeFile(temporary, script.contents));
  await replaceFile(path.join(outDir, WEB_PHONE_FILES.page), (temporary) => copyFile(path.join(sourceDir, WEB_PHONE_FILES.page), temporary));
  return { bytes: script.contents.byteLength };
}

const modifiedMs = async (file: string): Promise<number | undefined> => (await stat(file).catch(() => undefined))?.mtimeMs;

/** What a bundle is made of: the phone's sources, these build options, and the lock (JsSIP's version). */
async function inputsOf(sourceDir: string): Promise<string[]> {
  const sources = (await readdir(sourceDir)).map((name) => path.join(sourceDir, name));
  return [...sources, __filename, path.join(ROOT, 'package-lock.json')];
}

export async function isWebPhoneBuilt(outDir = WEB_PHONE_BUILD_DIR, sourceDir = WEB_PHONE_SOURCE_DIR): Promise<boolean> {
  const outputs = Object.values(WEB_PHONE_FILES);
  const built = (await Promise.all(outputs.map((name) => modifiedMs(path.join(outDir, name))))).filter((time) => time !== undefined);
  if (built.length < outputs.length) return false;
  const oldestOutput = Math.min(...built);
  const inputs = await Promise.all((await inputsOf(sourceDir)).map(modifiedMs));
  return inputs.every((time) => time === undefined || time <= oldestOutput);
}

/** Builds the bundle unless it is there and newer than its inputs; says whether it built. */
export async function ensureWebPhoneBuilt(outDir = WEB_PHONE_BUILD_DIR, sourceDir = WEB_PHONE_SOURCE_DIR): Promise<{ bytes: number } | undefined> {
  if (await isWebPhoneBuilt(outDir, sourceDir)) return undefined;
  return buildWebPhone(outDir, sourceDir);
}
