import { expect } from 'chai';
import { AriAppProcess, WorkerProcess } from '../../support/ari-app-process';
import type { ApiClient, ApiResponse, TestApi } from '../../support/admin-api';
import { removeAccountTree, startTestApi, uniqueName } from '../../support/admin-api';
import { SmtpSink } from '../../support/smtp-sink';

export async function presetRoleId(api: ApiClient, accountId: number, presetKey: string): Promise<number> {
  const response = await api.get<{ roles: { id: number; presetKey: string | null }[] }>(`/v1/accounts/${accountId}/roles`);
  const role = response.body.roles.find((candidate) => candidate.presetKey === presetKey);
  if (!role) throw new Error(`no preset ${presetKey} offered in account ${accountId}: ${JSON.stringify(response.body)}`);
  return role.id;
}

/** Adds a user with a preset role through the API and logs them in. */
export async function addUser(api: ApiClient, accountId: number, presetKey: string, roleId?: number): Promise<{ id: number; username: string; password: string; api: ApiClient }> {
  const username = uniqueName(presetKey.replace(/_/g, ''));
  const response = await api.post(`/v1/accounts/${accountId}/users`, {
    username, fullName: `${presetKey} user`, email: `${username}@example.test`, roleId: roleId ?? (await presetRoleId(api, accountId, presetKey)),
  });
  expectStatus(response, 201);
  return { id: response.body.user.id, username, password: response.body.password, api: await api.login(username, response.body.password) };
}

export function expectStatus(response: ApiResponse, status: number, code?: string): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(status);
  if (code) expect(response.body?.error?.code, JSON.stringify(response.body)).to.equal(code);
}

export interface OrganizationFixture {
  api: TestApi;
  org: Awaited<ReturnType<TestApi['organization']>>;
  subaccountId: number;
  smtp: SmtpSink;
  ariApp: AriAppProcess | undefined;
}

/** Registers a suite's hooks: the admin API on a real port, an organization with its Organization Owner and
 *  one subaccount; optionally the worker sending mail to a local SMTP server, and the ARI app. */
export function useOrganization(options: { name: string; subaccount: string; mail?: boolean; ariApp?: boolean }): OrganizationFixture {
  const fixture = { smtp: new SmtpSink() } as OrganizationFixture;
  let worker: WorkerProcess | undefined;
  before(async () => {
    fixture.api = await startTestApi();
    if (options.mail) {
      await fixture.smtp.start();
      worker = new WorkerProcess({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(fixture.smtp.port), PUBLIC_URL: fixture.api.client.base });
    }
    fixture.ariApp = options.ariApp ? new AriAppProcess() : undefined;
    await Promise.all([worker?.start(), fixture.ariApp?.start()]);
    fixture.org = await fixture.api.organization(options.name);
    const created = await fixture.org.api.post(`/v1/accounts/${fixture.org.accountId}/accounts`, { name: options.subaccount });
    expectStatus(created, 201);
    fixture.subaccountId = created.body.id;
  });

  after(async () => {
    await Promise.all([worker?.stop(), fixture.ariApp?.stop()]);
    if (options.mail) await fixture.smtp.close();
    if (fixture.org) await removeAccountTree(fixture.api.db, fixture.org.accountId);
    await fixture.api?.close();
  });
  return fixture;
}
