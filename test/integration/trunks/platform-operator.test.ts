// The platform operator: a property of the user, granted and revoked only from the command line, that no
// account role holds. It opens the trunk routes; an Organization Owner's roles never do.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ALL_PERMISSIONS, PRESETS } from '../../../core/access';
import { removeAccountTree, startTestApi, type TestApi } from '../../support/admin-api';
import { expectStatus } from '../identity/helpers';

const ROOT = path.resolve(__dirname, '../../..');

async function bootstrapCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'admin-api/bootstrap.ts', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('platform operators (command line) and trunk routes', function () {
  this.timeout(60_000);
  let api: TestApi;
  let org: Awaited<ReturnType<TestApi['organization']>>;

  before(async () => {
    api = await startTestApi();
    org = await api.organization('Operator Org');
  });
  after(async () => {
    if (org) await removeAccountTree(api.db, org.accountId);
    await api?.close();
  });

  it('given the role catalogue and an Organization Owner, then no role or membership holds any trunk permission', async () => {
    expect(ALL_PERMISSIONS.filter((permission) => permission.startsWith('trunks'))).to.deep.equal([]);
    for (const preset of PRESETS) expect(preset.permissions, preset.key).to.not.include('trunks.manage');
    const roles = (await api.db('roles').where('permissions', 'like', '%trunks.%').pluck('name')) as string[];
    const memberships = (await api.db('memberships').where('permissions', 'like', '%trunks.%').count({ n: '*' }).first()) as { n: number };
    expect(roles).to.deep.equal([]);
    expect(Number(memberships.n)).to.equal(0);
    expectStatus(await org.api.get('/v1/trunks'), 403, 'PLATFORM_OPERATOR_REQUIRED');
  });

  it('given --grant-operator, then that user reaches the trunk routes at once; given --revoke-operator, then 403 at once', async () => {
    const granted = await bootstrapCli('--grant-operator', org.username);
    expect(granted.code, granted.stderr).to.equal(0);
    expect(granted.stdout).to.include(`${org.username} is now a platform operator`);
    expectStatus(await org.api.get('/v1/trunks'), 200);
    const revoked = await bootstrapCli('--revoke-operator', org.username);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expectStatus(await org.api.get('/v1/trunks'), 403, 'PLATFORM_OPERATOR_REQUIRED');
    const unknown = await bootstrapCli('--grant-operator', 'nobody-by-this-name');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('no user named nobody-by-this-name');
  });

  it('given the OpenAPI document, then the trunk operations are marked for platform operators', async () => {
    const document = (await api.client.get('/openapi.json')).body;
    expect(document.paths['/v1/trunks/{name}'].put['x-platform-operator']).to.equal(true);
    expect(document.paths['/v1/trunks'].get['x-platform-operator']).to.equal(true);
  });
});
