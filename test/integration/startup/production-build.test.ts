// The production image's shape without Docker: `npm run build`'s output laid out as the Dockerfile copies it,
// beside only the packages `npm ci --omit=dev` installs (read from the lock), runs the compiled admin API, which
// serves the web phone bundled at build time: no esbuild and no JsSIP at run time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseDotenv } from 'dotenv';
import { until } from '../../support/until';

const ROOT = path.resolve(__dirname, '../../..');

interface LockedPackage { dev?: boolean; optional?: boolean; link?: boolean }

/** The top-level packages a production install has: the lock's entries not marked dev-only. */
function productionPackages(): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
  return Object.entries(lock.packages)
    .filter(([key, entry]) => key.startsWith('node_modules/') && !key.slice('node_modules/'.length).includes('node_modules/') && !entry.dev)
    .map(([key]) => key.slice('node_modules/'.length))
    .filter((name) => fs.existsSync(path.join(ROOT, 'node_modules', name)));
}

/** /app of the image: package.json, the build output, and node_modules holding links to the production
 *  packages only. */
function layOutImage(app: string): void {
  fs.cpSync(path.join(ROOT, 'dist'), app, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
  for (const name of productionPackages()) {
    const link = path.join(app, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
  }
}

async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('production build: the web phone is bundled at build time', function () {
  this.timeout(180_000);
  let tmp: string;
  let api: ChildProcess | undefined;
  let output = '';

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'pbx-image-'));
  });

  after(async () => {
    api?.kill('SIGTERM');
    await rm(tmp, { recursive: true, force: true });
  });

  it('given npm run build and only production dependencies, when the compiled admin API serves /phone, then it serves the page and the bundle, and esbuild and JsSIP are not installed', async () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 150_000 });
    expect(build.status, `${build.stdout}\n${build.stderr}`).to.equal(0);
    const app = path.join(tmp, 'app');
    layOutImage(app);
    expect(fs.existsSync(path.join(app, 'node_modules', 'express')), 'a production dependency is there').to.equal(true);
    expect(['esbuild', 'jssip'].filter((name) => fs.existsSync(path.join(app, 'node_modules', name)))).to.deep.equal([]);

    const port = await freeTcpPort();
    const env = { ...parseDotenv(fs.readFileSync(path.join(ROOT, '.env'))), ...process.env, NODE_ENV: 'production', ADMIN_API_HOST: '127.0.0.1', ADMIN_API_PORT: String(port) };
    // --preserve-symlinks: packages resolve their own imports from the image's node_modules, not the repository's.
    api = spawn(process.execPath, ['--preserve-symlinks', 'admin-api/main.js'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    api.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<never>((_, reject) => api?.once('exit', (code) => reject(new Error(`the compiled admin API exited with ${code}: ${output}`))));
    exited.catch(() => undefined);
    await Promise.race([exited, until('the compiled admin API is ready', () => output.includes('"message":"ready"'), { timeoutMs: 30_000 })]);

    const page = await fetch(`http://127.0.0.1:${port}/phone/`);
    expect(page.status, output).to.equal(200);
    expect(await page.text()).to.include('<script src="/phone/phone.js"');
    const script = await fetch(`http://127.0.0.1:${port}/phone/phone.js`);
    expect(script.status, output).to.equal(200);
    expect(script.headers.get('content-type')).to.match(/javascript/);
    const bundle = await script.text();
    expect(bundle).to.equal(fs.readFileSync(path.join(ROOT, 'dist', 'web-phone', 'phone.js'), 'utf8'));
    expect(bundle.length).to.be.above(100_000);
    expect(output).not.to.include('web phone bundled');
  });
});
