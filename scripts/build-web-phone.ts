// npm run build:web-phone: bundles the web phone into dist/web-phone/ (admin-api/web-phone/build.ts).
// --if-stale (npm start, npm test) builds only when the bundle is missing or older than its sources.
import { buildWebPhone, ensureWebPhoneBuilt, WEB_PHONE_BUILD_DIR } from '../admin-api/web-phone/build';

async function main(): Promise<void> {
  const started = Date.now();
  const built = process.argv.includes('--if-stale') ? await ensureWebPhoneBuilt() : await buildWebPhone();
  const where = WEB_PHONE_BUILD_DIR;
  process.stderr.write(built ? `web phone bundled into ${where} (${built.bytes} bytes, ${Date.now() - started} ms)\n` : `web phone bundle in ${where} is up to date\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`web phone build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
