// The routing suites' fixture: their own ARI app, a fresh organization whose owner drives the admin API, users
// with extensions and phones (SIPp user agents registered through Asterisk), and routing set up through the
// API (call settings, ring groups), then a `routing` change event of the account acknowledged by the ARI app:
// change events apply in order, so the API's own change is in force once that one is.
import path from 'node:path';
import { ChangeNotifier } from '../../../admin-api/notifier';
import { createLogger } from '../../../core/logger';
import { insertMemberships } from '../../../db/repositories/memberships';
import { findPresetRole } from '../../../db/repositories/roles';
import { setExtensionOwner } from '../../../db/repositories/routing';
import { insertUser } from '../../../db/repositories/users';
import { AriAppProcess } from '../../support/ari-app-process';
import { registerOrFail, type Phone } from '../../support/phones';
import { freeRtpPort, freeUdpPort } from '../../support/ports';
import { RtpPeer } from '../../support/rtp-peer';
import { SippAgent, type SippResult } from '../../support/sipp';
import { openTestStack, removeTestAccount, type TestStack } from '../../support/stack';
import { startTestApi, type ApiClient, type TestApi } from '../../support/admin-api';
import { expectStatus } from '../identity/helpers';
import type { Destination } from '../../../core/destinations';

const scenario = (name: string): string => path.join(__dirname, 'scenarios', `${name}.xml`);

export interface RoutingFixture {
  stack: TestStack;
  app: AriAppProcess;
  accountId: number;
  /** A user of the account (Agent) holding `extension`. */
  addUser(name: string, extension?: string): Promise<number>;
  /** A desk phone of the user, registered unless `registered` is false. */
  addPhone(userId: number, label: string, options?: { registered?: boolean }): Promise<Phone>;
  /** Publishes the account's routing change and waits until the ARI app applied it; returns how long that took. */
  routingChanged(): Promise<number>;
  /** The organization's owner on the admin API. */
  admin: ApiClient;
  /** PUT .../users/:userId/call-settings with these changes over the current settings; then applied by the app. */
  callSettings(userId: number, change: CallSettingsChange): Promise<number>;
  /** POST .../ring-groups (ring times of at least 5 s); then applied by the app. */
  ringGroup(body: Record<string, unknown>): Promise<{ id: number; extension: string }>;
}

export type ForwardKey = 'always' | 'busy' | 'noAnswer' | 'unreachable';
export interface CallSettingsChange {
  dnd?: boolean;
  noAnswerSeconds?: number;
  forwarding?: Partial<Record<ForwardKey, Destination | null>>;
}

export function useRoutingFixture(options: { account: string; appEnv?: Record<string, string> }): RoutingFixture {
  const phones: Phone[] = [];
  let notifier: ChangeNotifier;
  let api: TestApi;
  const fixture = {} as RoutingFixture;
  before(async () => {
    fixture.stack = await openTestStack();
    notifier = new ChangeNotifier(fixture.stack.redis, createLogger('test', 'error'));
    fixture.app = new AriAppProcess({ LOG_LEVEL: 'debug', RING_TIMEOUT_SECONDS: '4', ...options.appEnv });
    await fixture.app.start();
    api = await startTestApi();
    const organization = await api.organization(options.account);
    await fixture.stack.applied(organization.changeId);
    fixture.accountId = organization.accountId;
    fixture.admin = organization.api;
  });
  fixture.addUser = async (name, extension) => {
    const { db } = fixture.stack;
    const username = `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const userId = await insertUser(db, { username, fullName: name, email: `${username}@example.test`, passwordHash: null, status: 'active', phoneMode: 'sip' });
    const agent = await findPresetRole(db, 'agent');
    await insertMemberships(db, [{ userId, accountId: fixture.accountId, role: agent, status: 'active' }]);
    if (extension) await setExtensionOwner(db, fixture.accountId, extension, { ownerType: 'user', ownerId: userId });
    return userId;
  };
  fixture.addPhone = async (userId, label, { registered = true } = {}) => {
    const device = await fixture.stack.devices.create(fixture.accountId, { label, kind: 'desk_phone', userId });
    const rtp = new RtpPeer(await freeRtpPort());
    await rtp.start();
    const phone: Phone = { device, uasPort: await freeUdpPort(), rtp };
    phones.push(phone);
    if (registered) await registerOrFail(phone);
    return phone;
  };
  fixture.callSettings = async (userId, change) => {
    const path = `/v1/accounts/${fixture.accountId}/users/${userId}/call-settings`;
    const read = await fixture.admin.get(path);
    expectStatus(read, 200);
    const current = read.body as Required<CallSettingsChange>;
    const body = { ...current, ...change, forwarding: { ...current.forwarding, ...change.forwarding } };
    expectStatus(await fixture.admin.put(path, body), 200);
    return fixture.routingChanged();
  };
  fixture.ringGroup = async (body) => {
    const created = await fixture.admin.post(`/v1/accounts/${fixture.accountId}/ring-groups`, body);
    expectStatus(created, 201);
    await fixture.routingChanged();
    return { id: Number(created.body.id), extension: String(body.extension) };
  };
  fixture.routingChanged = async () => {
    const started = Date.now();
    await fixture.stack.applied(await notifier.routingChanged(fixture.accountId), 5000);
    return Date.now() - started;
  };

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`ari-app log:\n${fixture.app.output.slice(-8000)}\n`);
  });
  after(async () => {
    for (const phone of phones) phone.rtp.close();
    await fixture.app?.stop();
    if (fixture.accountId) await removeTestAccount(fixture.stack, fixture.accountId);
    await api?.close();
    await fixture.stack?.close();
  });
  return fixture;
}

/** A phone's user agent for one incoming call: `answer` (after answerDelayMs) or `ring` until cancelled. */
export function expectCall(phone: Phone, behaviour: 'answer' | 'ring', answerDelayMs = 300): SippAgent {
  const name = behaviour === 'answer' ? 'callee-answer-logged' : 'callee-ring-until-cancel';
  return new SippAgent({ scenario: scenario(name), localPort: phone.uasPort, keys: { rtp_port: phone.rtp.port }, pauseMs: answerDelayMs, timeoutSeconds: 40 });
}

/** A call from a phone to `dialed`, holding `holdMs` once answered. Takes 483 and 603 as well. */
export async function dial(from: Phone, dialed: string, holdMs = 1000): Promise<SippAgent> {
  return new SippAgent({
    scenario: scenario('caller'), localPort: await freeUdpPort(), service: dialed,
    authUser: from.device.sip.username, authPassword: from.device.sip.password,
    keys: { rtp_port: from.rtp.port, caller_user: from.device.sip.username }, pauseMs: holdMs, timeoutSeconds: 40,
  });
}

/** When the phone got its INVITE (ms since the epoch), from its scenario's log. */
export function invitedAt(result: SippResult): number {
  return Number(result.logged.invite_s) * 1000 + Math.floor(Number(result.logged.invite_us) / 1000);
}

/** Stops a user agent that should never have been called and tells whether an INVITE reached it. */
export async function wasInvited(agent: SippAgent): Promise<boolean> {
  agent.stop();
  const result = await agent.done;
  return result.logged.invited === 'yes';
}
