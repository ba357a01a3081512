// Trunk files as the source of number providers and of the static pool (issue 10): the `purchasing:` section
// (validated by file, line and field; never taken by the API), the provider sites an account may buy from, and
// a re-apply that keeps each number by number, so what the numbers API set on it (owner, label, sharing,
// shares, route, an assignment from the pool) survives, while a number gone from the file is released.
// Files are loaded and applied per trunk, as trunks:apply does (loadTrunkFile, then TrunkService.problems and
// put): a whole-directory apply would delete other suites' file trunks running beside this one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { formatProblem, loadTrunkFile, type FileProblem } from '../../../admin-api/trunks/files';
import type { TrunkPlan } from '../../../admin-api/trunks/service';
import { systemScope } from '../../../admin-api/system-scope';
import { allProviderSites, providerSiteOfTrunk, providerSitesOfAccount } from '../../../db/repositories/number-providers';
import { setPlatformOperator } from '../../../db/repositories/platform-operators';
import { findTrunkNumberRoute, setDestination } from '../../../db/repositories/routing';
import { claimExtension } from '../../../db/repositories/extensions';
import { createLogger } from '../../../core/logger';
import { resolveSecretSource } from '../../../core/trunk-secrets';
import { uniqueName } from '../../support/admin-api';
import { expectStatus } from '../identity/helpers';
import { uniqueNumber, useRoutingFixture } from '../routing-api/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const ENV = { TEST_TELNYX_KEY: 'KEY-telnyx-test-0123456789', TEST_TWILIO_TOKEN: 'twilio-token-0123456789' };

describe('trunk files: purchasing section, provider sites and the static pool kept by number', function () {
  this.timeout(60_000);
  const f = useRoutingFixture('Trunk File Numbers');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trunk-numbers-'));
  const scope = systemScope('test-fixture', createLogger('test-fixture', process.env.TEST_LOG_LEVEL ?? 'error'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    await setPlatformOperator(f.api.db, f.org.username, true);
  });

  function trunkFile(accounts: number[], extra: string[], numbers: string[] = []): string[] {
    return [
      'provider: Pool Telecom', 'host: sip.pool.example.test', 'inbound:', '  addresses: [192.0.2.40]', 'qualifySeconds: 0',
      `accounts: [${accounts.join(', ')}]`, ...extra, ...(numbers.length > 0 ? ['numbers:', ...numbers] : []),
    ];
  }

  /** Each trunk's file in a folder of its own, so trunks:apply --dry-run can be pointed at it alone. */
  const folderOf = (name: string): string => path.join(dir, name);

  /** Writes <name>.yaml and loads it: the trunk, or every problem formatted as trunks:apply prints them. */
  async function load(name: string, lines: string[]) {
    fs.mkdirSync(folderOf(name), { recursive: true });
    fs.writeFileSync(path.join(folderOf(name), `${name}.yaml`), `${lines.join('\n')}\n`);
    const loaded = loadTrunkFile(folderOf(name), `${name}.yaml`, ENV);
    const problems: FileProblem[] = [...loaded.problems];
    if (loaded.trunk) {
      const { trunk } = loaded;
      for (const found of await f.trunks.problems(scope, trunk.write)) problems.push({ file: trunk.file, line: trunk.lineOf(found.path), field: found.path, message: found.message });
    }
    return { trunk: loaded.trunk, problems: problems.map(formatProblem) };
  }

  /** trunks:apply for one file: its plan (dry run) or the write. */
  async function apply(name: string, lines: string[], dryRun = false): Promise<TrunkPlan> {
    const { trunk, problems } = await load(name, lines);
    expect(problems).to.deep.equal([]);
    if (!f.madeTrunks.includes(name)) f.madeTrunks.push(name);
    return dryRun ? f.trunks.plan(scope, trunk!.write) : f.trunks.put(scope, trunk!.write);
  }

  const trunkName = (): string => uniqueName('tfn').slice(0, 30);
  const numberRow = (number: string) => f.api.db('phone_numbers').where({ number }).orderBy('id').select('id', 'account_id', 'owner_user_id', 'label', 'sharing', 'state', 'released_at', 'provider', 'provider_ref', 'monthly_price_cents', 'country', 'trunk_id', 'extension');
  const routeOf = (numberId: number) => f.api.db('destinations').where({ owner_type: 'number', owner_id: numberId, slot: 'route' }).first('target_type', 'target_id');

  it('given a purchasing section for telnyx, twilio or the static pool, then it is accepted and stored; the trunk becomes a provider site', async () => {
    const name = trunkName();
    const telnyx = ['allowPrivateAddresses: true', 'purchasing:', '  api: telnyx', '  baseUrl: http://127.0.0.1:9', '  secret: { env: TEST_TELNYX_KEY }', '  routeTo: "1494404757140276705"', '  setupPriceCents: 100', '  monthlyPriceCents: 250'];
    const plan = await apply(name, trunkFile([f.accountId], telnyx));
    expect(plan.action).to.equal('create');
    const trunkId = Number((await f.api.db('trunks').where({ name }).first('id')).id);
    expect(await providerSiteOfTrunk(f.api.db, trunkId)).to.deep.equal({
      trunkId, trunkName: name,
      purchasing: { api: 'telnyx', baseUrl: 'http://127.0.0.1:9', secret: { env: 'TEST_TELNYX_KEY' }, routeTo: '1494404757140276705', setupPriceCents: 100, monthlyPriceCents: 250 },
    });
    // The worker resolves the secret when it calls the provider; nothing stores it.
    expect(resolveSecretSource({ env: 'TEST_TELNYX_KEY' }, ENV)).to.equal(ENV.TEST_TELNYX_KEY);
    expect(JSON.stringify(await f.api.db('trunks').where({ name }).first('definition'))).to.not.include(ENV.TEST_TELNYX_KEY);
    expect((await apply(name, trunkFile([f.accountId], telnyx), true)).action).to.equal('unchanged');
    const twilio = ['purchasing:', '  api: twilio', '  secret: { env: TEST_TWILIO_TOKEN }', '  accountSid: AC0123456789abcdef0123456789abcdef', '  routeTo: TK0123456789abcdef0123456789abcdef', '  setupPriceCents: 0', '  monthlyPriceCents: 115'];
    expect((await load(trunkName(), trunkFile([f.accountId], twilio))).problems).to.deep.equal([]);
    const pool = ['purchasing:', '  api: static-pool', '  setupPriceCents: 0', '  monthlyPriceCents: 0'];
    expect((await load(trunkName(), trunkFile([f.accountId], pool))).problems).to.deep.equal([]);
  });

  it('given a purchasing section missing what its api needs, with fields it has no use for, or a private or plain-http URL, then each problem names the file, line and field', async () => {
    const name = trunkName();
    const file = path.join(folderOf(name), `${name}.yaml`);
    const header = trunkFile([f.accountId], []).length;
    const line = (offset: number): string => `${file}:${header + offset}:`;
    const cases: [string[], string[]][] = [
      [['purchasing:', '  api: telnyx', '  setupPriceCents: 0', '  monthlyPriceCents: 0'],
        // A missing field is reported at its section's first line.
        [`${line(2)} /purchasing/secret is required for api telnyx`, `${line(2)} /purchasing/routeTo is required for api telnyx`]],
      [['purchasing:', '  api: twilio', '  secret: { env: TEST_TWILIO_TOKEN }', '  routeTo: TK1', '  setupPriceCents: 0', '  monthlyPriceCents: 0'],
        [`${line(2)} /purchasing/accountSid is required for api twilio`]],
      [['purchasing:', '  api: static-pool', '  secret: { env: TEST_TELNYX_KEY }', '  accountSid: AC0123456789', '  setupPriceCents: 0', '  monthlyPriceCents: 0'],
        [`${line(3)} /purchasing/secret does not apply to api static-pool`, `${line(4)} /purchasing/accountSid does not apply to api static-pool`]],
      [['purchasing:', '  api: telnyx', '  baseUrl: http://127.0.0.1:9', '  secret: { env: TEST_TELNYX_KEY }', '  routeTo: "1"', '  setupPriceCents: 0', '  monthlyPriceCents: 0'],
        [`${line(3)} /purchasing/baseUrl http://127.0.0.1:9 must use https`]],
      [['purchasing:', '  api: telnyx', '  baseUrl: https://10.1.2.3/v2', '  secret: { env: TEST_TELNYX_KEY }', '  routeTo: "1"', '  setupPriceCents: 0', '  monthlyPriceCents: 0'],
        [`${line(3)} /purchasing/baseUrl 10.1.2.3 is private: a provider API's base URL must be a public address`]],
      [['purchasing:', '  api: telnyx', '  secret: { env: UNSET_TELNYX_KEY }', '  routeTo: "1"', '  setupPriceCents: 0', '  monthlyPriceCents: 0'],
        [`${line(3)} /purchasing/secret names environment variable UNSET_TELNYX_KEY, which is not set`]],
      [['purchasing:', '  api: bandwidth', '  setupPriceCents: -1', '  monthlyPriceCents: 1.5', '  apiKey: inline-secret'],
        [`${line(2)} /purchasing/api must be one of: telnyx, twilio, static-pool`, `${line(3)} /purchasing/setupPriceCents must be >= 0`, `${line(4)} /purchasing/monthlyPriceCents must be integer`, `${line(5)} /purchasing/apiKey is not a known field`]],
    ];
    for (const [section, expected] of cases) {
      const { problems } = await load(name, trunkFile([f.accountId], section));
      expect(problems.length, problems.join('\n')).to.equal(expected.length);
      for (const prefix of expected) expect(problems.some((problem) => problem.startsWith(prefix)), `${prefix} in\n${problems.join('\n')}`).to.equal(true);
    }
    expect(await f.api.db('trunks').where({ name }).first()).to.equal(undefined);
  });

  it('given a trunk through the API with a purchasing section, then 400 TRUNK_PURCHASING_IN_FILES_ONLY and nothing is written', async () => {
    const name = trunkName();
    const refused = await f.org.api.put(`/v1/trunks/${name}`, {
      provider: 'P', host: 'sip.example.test', inbound: { addresses: ['192.0.2.41'] }, accounts: [f.accountId],
      purchasing: { api: 'static-pool', setupPriceCents: 0, monthlyPriceCents: 0 },
    });
    expectStatus(refused, 400, 'TRUNK_PURCHASING_IN_FILES_ONLY');
    expect(refused.body.error.details.fields).to.deep.equal([{ path: '/purchasing', message: 'is kept in trunk files only' }]);
    expect(await f.api.db('trunks').where({ name }).first()).to.equal(undefined);
  });

  it('given several trunks, then an account\'s provider sites are the trunks serving it that have a purchasing section, by name', async () => {
    const section = (api: string): string[] => ['purchasing:', `  api: ${api}`, ...(api === 'telnyx' ? ['  secret: { env: TEST_TELNYX_KEY }', '  routeTo: "77"'] : []), '  setupPriceCents: 10', '  monthlyPriceCents: 20'];
    // Accounts of their own: other tests' trunks serve the fixture's.
    const [first, second] = await Promise.all(['sites one', 'sites two'].map(async (label) => {
      const created = await f.org.api.post(`/v1/accounts/${f.org.accountId}/accounts`, { name: `Trunk File Numbers ${label}` });
      expectStatus(created, 201);
      return Number(created.body.id);
    }));
    const [ours, theirs, plain] = ['tfna', 'tfnb', 'tfnc'].map((prefix) => uniqueName(prefix).slice(0, 30));
    await apply(ours!, trunkFile([first!], section('telnyx')));
    await apply(theirs!, trunkFile([second!], section('static-pool')));
    await apply(plain!, trunkFile([first!, second!], []));
    expect((await providerSitesOfAccount(f.api.db, first!)).map((site) => [site.trunkName, site.purchasing.api])).to.deep.equal([[ours, 'telnyx']]);
    expect((await providerSitesOfAccount(f.api.db, second!)).map((site) => [site.trunkName, site.purchasing.api])).to.deep.equal([[theirs, 'static-pool']]);
    expect(await providerSitesOfAccount(f.api.db, f.org.accountId)).to.deep.equal([]);
    const all = (await allProviderSites(f.api.db)).map((site) => site.trunkName);
    expect(all).to.include.members([ours, theirs]).and.not.include(plain);
    const plainId = Number((await f.api.db('trunks').where({ name: plain }).first('id')).id);
    expect(await providerSiteOfTrunk(f.api.db, plainId)).to.equal(undefined);
  });

  it('given numbers the numbers API changed (owner, label, sharing, shares, route, a pool number taken), when the unchanged file is applied again, then it reports no change and all of it survives', async () => {
    const name = trunkName();
    const [assigned, pooled] = [uniqueNumber(), uniqueNumber()];
    const pool = ['purchasing:', '  api: static-pool', '  setupPriceCents: 0', '  monthlyPriceCents: 300'];
    const lines = trunkFile([f.accountId], pool, [`  - number: "${assigned}"`, `    account: ${f.accountId}`, `  - number: "${pooled}"`]);
    await apply(name, lines);
    const [before] = await numberRow(assigned);
    expect(before).to.include({ account_id: f.accountId, provider: 'static-pool', provider_ref: assigned, state: 'active', monthly_price_cents: 300, country: 'US', sharing: 'account' });
    // What the numbers API does: owner, label, private sharing with a listed user, a route; the pool number
    // taken for the account and routed too.
    const [pool1] = await numberRow(pooled);
    await f.api.db('phone_numbers').where({ id: before.id }).update({ owner_user_id: f.agent.id, label: 'Sales line', sharing: 'users' });
    await f.api.db('phone_number_shares').insert({ number_id: before.id, user_id: f.agent2.id });
    await setDestination(f.api.db, f.accountId, { type: 'number', id: before.id }, 'route', { type: 'user', userId: f.agent.id });
    await f.api.db('phone_numbers').where({ id: pool1.id }).update({ account_id: f.accountId, owner_user_id: f.agent2.id });
    await setDestination(f.api.db, f.accountId, { type: 'number', id: pool1.id }, 'route', { type: 'hangup' });

    expect(await apply(name, lines, true)).to.deep.equal({ name, action: 'unchanged', changes: [] });
    expect((await apply(name, lines)).action).to.equal('unchanged');
    const dry = spawnSync(process.execPath, ['--import', 'tsx', 'admin-api/trunks/apply.ts', '--dir', folderOf(name), '--dry-run'], { cwd: ROOT, env: { ...process.env, ...ENV }, encoding: 'utf8', timeout: 30_000 });
    expect(dry.stdout, dry.stderr).to.include(`unchanged trunk ${name}`);
    // A change elsewhere in the file writes the trunk: the numbers still keep everything.
    const edited = lines.map((line) => line.replace('qualifySeconds: 0', 'qualifySeconds: 30'));
    expect((await apply(name, edited)).action).to.equal('update');
    const [after] = await numberRow(assigned);
    expect(after).to.deep.equal({ ...before, owner_user_id: f.agent.id, label: 'Sales line', sharing: 'users' });
    expect(await f.api.db('phone_number_shares').where({ number_id: before.id }).pluck('user_id')).to.deep.equal([f.agent2.id]);
    expect(await routeOf(before.id)).to.deep.equal({ target_type: 'user', target_id: f.agent.id });
    const [pool2] = await numberRow(pooled);
    expect(pool2).to.include({ id: pool1.id, account_id: f.accountId, owner_user_id: f.agent2.id, state: 'active' });
    expect(await routeOf(pool1.id)).to.deep.equal({ target_type: 'hangup', target_id: null });
    expect(await findTrunkNumberRoute(f.api.db, `trunk-${name}`, pooled)).to.deep.include({ accountId: f.accountId, trunkNumberId: pool1.id, destination: { type: 'hangup' } });

    // The file routing the number (an extension) sets its route; the owner, label and sharing stay.
    const holder = f.manager;
    expect(await claimExtension(f.api.db, f.accountId, { type: 'user', id: holder.id }, '482')).to.equal(undefined);
    const routed = edited.map((line) => (line === `    account: ${f.accountId}` ? `${line}\n    extension: "482"` : line));
    const plan = await apply(name, routed, true);
    expect(plan.changes).to.deep.equal([
      `numbers ${assigned} extension: (none) -> "482"`,
      `numbers ${assigned} destination: {"type":"user","userId":${f.agent.id}} -> {"type":"user","userId":${holder.id}}`,
    ]);
    await apply(name, routed);
    expect(await routeOf(before.id)).to.deep.equal({ target_type: 'user', target_id: holder.id });
    expect((await numberRow(assigned))[0]).to.include({ id: before.id, owner_user_id: f.agent.id, label: 'Sales line', sharing: 'users', extension: '482' });
  });

  it('given a number removed from the file, then it is released, no call reaches it, and listed again it is a fresh row', async () => {
    const name = trunkName();
    const [kept, removed] = [uniqueNumber(), uniqueNumber()];
    const entry = (number: string): string[] => [`  - number: "${number}"`, `    account: ${f.accountId}`, '    destination: { type: hangup }'];
    await apply(name, trunkFile([f.accountId], [], [...entry(kept), ...entry(removed)]));
    const [row] = await numberRow(removed);
    await f.api.db('dialer_access').insert({ account_id: f.accountId, user_id: f.agent.id, default_number_id: row.id }).onConflict(['account_id', 'user_id']).merge();
    expect(await findTrunkNumberRoute(f.api.db, `trunk-${name}`, removed)).to.deep.include({ trunkNumberId: row.id, destination: { type: 'hangup' } });

    const plan = await apply(name, trunkFile([f.accountId], [], entry(kept)), true);
    expect(plan.changes).to.deep.equal([`numbers ${removed}: release (no longer listed)`]);
    await apply(name, trunkFile([f.accountId], [], entry(kept)));
    const [released] = await numberRow(removed);
    expect(released).to.include({ id: row.id, state: 'released' });
    expect(released.released_at).to.not.equal(null);
    expect(await routeOf(row.id)).to.equal(undefined);
    expect(await findTrunkNumberRoute(f.api.db, `trunk-${name}`, removed)).to.equal(undefined);
    expect(await f.api.db('dialer_access').where({ account_id: f.accountId, user_id: f.agent.id }).first('default_number_id')).to.deep.equal({ default_number_id: null });
    expect(await findTrunkNumberRoute(f.api.db, `trunk-${name}`, kept)).to.not.equal(undefined);

    // Released numbers hold nothing: another trunk may list it, and this one again later, as a new row.
    const other = trunkName();
    await apply(other, trunkFile([f.accountId], [], [`  - number: "${removed}"`]));
    await f.trunks.remove(scope, other, 'file');
    await apply(name, trunkFile([f.accountId], [], [...entry(kept), ...entry(removed)]));
    const rows = await numberRow(removed);
    expect(rows.map((found: { state: string }) => found.state)).to.deep.equal(['released', 'released', 'active']);
    expect(rows[2].id).to.not.equal(row.id);
    expect(await findTrunkNumberRoute(f.api.db, `trunk-${name}`, removed)).to.deep.include({ trunkNumberId: rows[2].id });
  });

  it('given a number moved to another account in the file, then its owner, label, shares, default caller ID and route are reset and sharing is the account again', async () => {
    const name = trunkName();
    const number = uniqueNumber();
    const lines = (account: number): string[] => trunkFile([f.accountId, f.otherAccountId], [], [`  - number: "${number}"`, `    account: ${account}`]);
    await apply(name, lines(f.accountId));
    const [row] = await numberRow(number);
    await f.api.db('phone_numbers').where({ id: row.id }).update({ owner_user_id: f.agent.id, label: 'Agent line', sharing: 'private' });
    await f.api.db('phone_number_shares').insert({ number_id: row.id, user_id: f.agent2.id });
    await f.api.db('dialer_access').insert({ account_id: f.accountId, user_id: f.agent2.id, default_number_id: row.id }).onConflict(['account_id', 'user_id']).merge();
    await setDestination(f.api.db, f.accountId, { type: 'number', id: row.id }, 'route', { type: 'user', userId: f.agent.id });

    expect((await apply(name, lines(f.otherAccountId), true)).changes).to.deep.equal([
      `numbers ${number} account: ${f.accountId} -> ${f.otherAccountId}`,
      `numbers ${number} destination: {"type":"user","userId":${f.agent.id}} -> (none)`,
    ]);
    await apply(name, lines(f.otherAccountId));
    const [moved] = await numberRow(number);
    expect(moved).to.include({ id: row.id, account_id: f.otherAccountId, owner_user_id: null, label: null, sharing: 'account', state: 'active' });
    expect(await f.api.db('phone_number_shares').where({ number_id: row.id }).first()).to.equal(undefined);
    expect(await f.api.db('dialer_access').where({ account_id: f.accountId, user_id: f.agent2.id }).first('default_number_id')).to.deep.equal({ default_number_id: null });
    expect(await routeOf(row.id)).to.equal(undefined);
    expect(await findTrunkNumberRoute(f.api.db, `trunk-${name}`, number)).to.deep.include({ accountId: f.otherAccountId, destination: null });
  });

  it('given a trunk deleted, then its static pool is released and numbers bought at its provider keep their rows without a trunk; a file may not list a bought number', async () => {
    const name = trunkName();
    const [listed, bought] = [uniqueNumber(), uniqueNumber()];
    const telnyx = ['purchasing:', '  api: telnyx', '  secret: { env: TEST_TELNYX_KEY }', '  routeTo: "5"', '  setupPriceCents: 0', '  monthlyPriceCents: 100'];
    await apply(name, trunkFile([f.accountId], telnyx, [`  - number: "${listed}"`, `    account: ${f.accountId}`]));
    const trunkId = Number((await f.api.db('trunks').where({ name }).first('id')).id);
    // A number the purchase job bought at the trunk's provider.
    const [boughtId] = await f.api.db('phone_numbers').insert({ trunk_id: trunkId, number: bought, account_id: f.accountId, provider: 'telnyx', provider_ref: 'tn-1', state: 'active', monthly_price_cents: 100 });
    const listingBought = await load(name, trunkFile([f.accountId], telnyx, [`  - number: "${listed}"`, `  - number: "${bought}"`]));
    expect(listingBought.problems).to.have.length(1);
    expect(listingBought.problems[0]).to.include(`/numbers/1/number ${bought} was bought through telnyx on this trunk`);
    expect(await load(trunkName(), trunkFile([f.accountId], [], [`  - number: "${bought}"`])).then((found) => found.problems[0])).to.include(`is carried by trunk ${name}`);
    // The file applied again without the bought number's line: the bought number is not the file's.
    expect((await apply(name, trunkFile([f.accountId], telnyx, [`  - number: "${listed}"`]), true)).action).to.equal('unchanged');

    await f.trunks.remove(scope, name, 'file');
    expect((await numberRow(listed))[0]).to.include({ state: 'released', trunk_id: null });
    expect((await numberRow(bought))[0]).to.include({ id: Number(boughtId), state: 'active', trunk_id: null, provider: 'telnyx' });
    const orphan = await load(trunkName(), trunkFile([f.accountId], [], [`  - number: "${bought}"`]));
    expect(orphan.problems[0]).to.include('was bought through telnyx on a trunk since removed');
    await f.api.db('phone_numbers').where({ id: boughtId }).update({ state: 'released' });
  });
});
