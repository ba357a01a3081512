// The web phone's assets: read from the build output; a server running from source builds them first when they
// are missing or older than their sources, a compiled one never builds (it has no esbuild).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { webPhoneAssets, type WebPhoneAssetOptions } from '../../admin-api/web-phone/bundler';
import { createLogger } from '../../core/logger';

const ROOT = path.resolve(__dirname, '../..');
const DEFAULTS = { webSocketPort: '8088', sipDomain: 'pbx.example.test' };

describe('web phone bundle', function () {
  this.timeout(30_000);
  let work: string;
  let sourceDir: string;
  let bundleDir: string;
  const assets = (options: WebPhoneAssetOptions) => webPhoneAssets(DEFAULTS, createLogger('admin-api', 'error'), { sourceDir, bundleDir, ...options });

  beforeEach(() => {
    // Inside the repository, so the bundler finds JsSIP in its node_modules.
    fs.mkdirSync(path.join(ROOT, 'test/.artifacts'), { recursive: true });
    work = fs.mkdtempSync(path.join(ROOT, 'test/.artifacts/web-phone-'));
    sourceDir = path.join(work, 'src');
    bundleDir = path.join(work, 'dist');
    fs.cpSync(path.join(ROOT, 'web-phone'), sourceDir, { recursive: true });
  });

  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('given no bundle, when a server running from source serves the phone, then it bundles it first and serves page and script', async () => {
    const phone = assets({ buildIfStale: true });
    const [page, script] = await Promise.all([phone.page(), phone.script()]);
    expect(page).to.include('data-default-domain="pbx.example.test"').and.include('data-default-ws-port="8088"');
    expect(script).to.equal(fs.readFileSync(path.join(bundleDir, 'phone.js'), 'utf8'));
    expect(script).to.include('pbx-web-phone:');
  });

  it('given a bundle older than a changed source, when a server from source starts, then it rebuilds; given a fresh one, it does not', async () => {
    await assets({ buildIfStale: true }).script();
    const first = fs.statSync(path.join(bundleDir, 'phone.js')).mtimeMs;
    await assets({ buildIfStale: true }).script();
    expect(fs.statSync(path.join(bundleDir, 'phone.js')).mtimeMs, 'a fresh bundle is kept').to.equal(first);

    const phoneSource = path.join(sourceDir, 'phone.ts');
    fs.appendFileSync(phoneSource, "\nconsole.info('changed-after-the-bundle');\n");
    const later = new Date(first + 5_000);
    fs.utimesSync(phoneSource, later, later);
    expect(await assets({ buildIfStale: true }).script()).to.include('changed-after-the-bundle');
  });

  it('given a compiled server and no bundle, when the phone is asked for, then it fails (a 503 at the route) rather than building', async () => {
    const error = await assets({ buildIfStale: false }).script().then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(Error).with.property('code', 'ENOENT');
    expect(fs.existsSync(bundleDir)).to.equal(false);
  });
});
