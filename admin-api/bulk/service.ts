// Bulk provisioning: every row is checked before anything is written; if any row is bad nothing is created and
// every bad row is reported with its line and reason. Otherwise users, memberships, each user's extension (given
// or the next free one) and a SIP device each (in the account's context, presenting the user's name and
// extension) are written in one transaction; the generated passwords are
// returned once, and onboarding emails are queued.
import type { EndpointMediaPolicy } from '../../core/config';
import { mayAdd, roleAssignableIn } from '../../core/access';
import type { JobQueue } from '../../core/job-queue';
import { generateIdentifier, generatePassword } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { findAccount, type AccountRow } from '../../db/repositories/accounts';
import { insertDevices } from '../../db/repositories/devices';
import { insertExtensions, usedExtensions } from '../../db/repositories/extensions';
import { insertMemberships } from '../../db/repositories/memberships';
import { insertDeviceEndpoints } from '../../db/repositories/pjsip';
import { listRolesForAccount } from '../../db/repositories/roles';
import type { Role } from '../../core/access';
import { existingUsernames, insertUsers } from '../../db/repositories/users';
import { hashPassword, passwordProblems, type PasswordPolicy } from '../auth/passwords';
import { EXTENSION_PATTERN } from '../devices/schemas';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope } from '../scope';
import { USERNAME_PATTERN } from '../users/schemas';
import { bulkErrors } from './errors';
import { MAX_ROWS, type BulkRow, type RowProblem } from './rows';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EXTENSION = new RegExp(EXTENSION_PATTERN);
const FIRST_AUTO_EXTENSION = 1000;
// Hashing runs on libuv's threadpool: enough at once to keep every core busy, not so many that memory spikes.
const HASH_CONCURRENCY = 8;

interface PlannedUser {
  row: BulkRow;
  username: string;
  role: Role;
  phoneMode: 'sip' | 'webrtc';
  extension: string;
  password: string;
  sipUsername: string;
  sipPassword: string;
}

export interface BulkResult {
  created: number;
  users: { line: number; id: number; username: string; password: string; extension: string; sip: { username: string; password: string } }[];
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(runners);
  return results;
}

export class BulkProvisioningService {
  constructor(
    private readonly db: Database,
    private readonly notifier: ChangeNotifier,
    private readonly jobs: JobQueue,
    private readonly policy: PasswordPolicy,
    /** The devices' media time-outs and session timers (config.sip.endpointMedia); defaults when absent. */
    private readonly media?: EndpointMediaPolicy,
  ) {}

  async provision(scope: AccountScope, rows: BulkRow[], defaultRoleId: number | undefined): Promise<BulkResult> {
    if (rows.length === 0) throw bulkErrors.empty();
    if (rows.length > MAX_ROWS) throw bulkErrors.tooLarge(MAX_ROWS);
    const account = await findAccount(this.db, scope.accountId);
    if (!account) throw bulkErrors.accountGone();
    const plan = await this.plan(scope, account, rows, defaultRoleId);
    const hashes = await mapLimited(plan, HASH_CONCURRENCY, (user) => hashPassword(user.password));
    const ids = await this.db.transaction(async (trx) => {
      const userIds = await insertUsers(trx, plan.map((user, index) => ({
        username: user.username, fullName: user.row.fullName, email: user.row.email, passwordHash: hashes[index] ?? null, status: 'active', phoneMode: user.phoneMode,
      })));
      await insertMemberships(trx, plan.map((user, index) => ({ userId: userIds[index] as number, accountId: account.id, role: user.role, status: 'active' as const })));
      await insertExtensions(trx, plan.map((user, index) => ({ accountId: account.id, extension: user.extension, owner: { type: 'user' as const, id: userIds[index] as number } })));
      await insertDevices(trx, plan.map((user, index) => ({
        accountId: account.id, userId: userIds[index], label: user.row.fullName, kind: user.phoneMode === 'webrtc' ? 'webrtc' : 'desk_phone', endpointId: user.sipUsername,
      })));
      await insertDeviceEndpoints(trx, plan.map((user) => ({
        endpointId: user.sipUsername, password: user.sipPassword, context: account.dialplan_context, kind: user.phoneMode === 'webrtc' ? 'webrtc' : 'desk_phone',
        callerIdName: user.row.fullName, callerIdNumber: user.extension, media: this.media,
      })));
      await scope.audit(trx, { action: 'user.bulk_create', entity: 'user', entityId: null, after: { count: plan.length, usernames: plan.map((user) => user.username) } });
      return userIds;
    });
    await this.notifier.devicesChanged(account.id, plan.map((user) => user.sipUsername), { created: true });
    await this.jobs.enqueueMany('email.onboarding', ids.map((userId) => ({ data: { userId, accountId: account.id }, jobId: `onboarding-${account.id}-${userId}` })));
    return {
      created: plan.length,
      users: plan.map((user, index) => ({
        line: user.row.line, id: ids[index] as number, username: user.username, password: user.password, extension: user.extension,
        sip: { username: user.sipUsername, password: user.sipPassword },
      })),
    };
  }

  /** Validates every row against the input rules, the account and the actor's tier; throws with all problems. */
  private async plan(scope: AccountScope, account: AccountRow, rows: BulkRow[], defaultRoleId: number | undefined): Promise<PlannedUser[]> {
    const problems: RowProblem[] = [];
    const roles = await listRolesForAccount(this.db, account.id);
    const taken = await existingUsernames(this.db, rows.map((row) => row.username.toLowerCase()));
    const extensionsInUse = await usedExtensions(this.db, account.id);
    const seenUsernames = new Map<string, number>();
    const seenExtensions = new Set<string>();
    const usernamePattern = new RegExp(USERNAME_PATTERN);
    const planned: Omit<PlannedUser, 'extension'>[] = [];
    const explicitExtensions = new Map<BulkRow, string>();

    for (const row of rows) {
      const report = (field: string, message: string): void => void problems.push({ line: row.line, field, message });
      const username = row.username.toLowerCase();
      if (!usernamePattern.test(row.username)) report('username', 'must be 3 to 120 letters, digits or . _ @ + -');
      else if (taken.has(username)) report('username', 'is taken');
      else if (seenUsernames.has(username)) report('username', `repeats line ${seenUsernames.get(username)}`);
      seenUsernames.set(username, seenUsernames.get(username) ?? row.line);
      if (!row.fullName || row.fullName.length > 120) report('full_name', 'is required (at most 120 characters)');
      if (!EMAIL.test(row.email) || row.email.length > 254) report('email', 'is not an email address');
      const phoneMode = row.phoneMode ?? 'sip';
      if (phoneMode !== 'sip' && phoneMode !== 'webrtc') report('phone_mode', 'must be sip or webrtc');
      if (row.extension !== undefined) {
        if (!EXTENSION.test(row.extension)) report('extension', 'must be 2 to 6 digits, not starting with 0');
        else if (extensionsInUse.has(row.extension)) report('extension', 'is already in use in this account');
        else if (seenExtensions.has(row.extension)) report('extension', 'is given to another row');
        else {
          seenExtensions.add(row.extension);
          explicitExtensions.set(row, row.extension);
        }
      }
      const role = this.roleFor(row, roles, defaultRoleId, account, report);
      if (role) {
        const verdict = mayAdd(scope.membership, role);
        if (!verdict.allowed) report('role', verdict.message);
      }
      const password = generatePassword(20);
      if (passwordProblems(password, this.policy, username).length > 0) report('username', 'collides with the generated password policy');
      if (role) planned.push({ row, username, role, phoneMode: phoneMode === 'webrtc' ? 'webrtc' : 'sip', password, sipUsername: generateIdentifier('d'), sipPassword: generatePassword() });
    }
    if (problems.length > 0) throw bulkErrors.rowsInvalid(problems, rows.length);
    return this.assignExtensions(planned, explicitExtensions, extensionsInUse);
  }

  private roleFor(row: BulkRow, roles: Role[], defaultRoleId: number | undefined, account: AccountRow, report: (field: string, message: string) => void): Role | undefined {
    const wanted = row.role ?? (defaultRoleId !== undefined ? String(defaultRoleId) : undefined);
    if (wanted === undefined) {
      report('role', 'is required: give a role column or a default role for all rows');
      return undefined;
    }
    const assignable = roles.filter((role) => roleAssignableIn(role, account.kind));
    const byId = /^[0-9]+$/.test(wanted) ? assignable.find((role) => role.id === Number(wanted)) : undefined;
    const byName = assignable.filter((role) => role.name.toLowerCase() === wanted.toLowerCase());
    const role = byId ?? (byName.length === 1 ? byName[0] : undefined);
    if (!role) report('role', byName.length > 1 ? `"${wanted}" names several roles here: use its id` : `no role "${wanted}" can be held in this ${account.kind}`);
    return role;
  }

  /** Rows without an extension get the next free ones from 1000, skipping those in use or given in the file. */
  private assignExtensions(planned: Omit<PlannedUser, 'extension'>[], explicit: Map<BulkRow, string>, inUse: Set<string>): PlannedUser[] {
    const taken = new Set([...inUse, ...explicit.values()]);
    let candidate = FIRST_AUTO_EXTENSION;
    return planned.map((user) => {
      let extension = explicit.get(user.row);
      if (!extension) {
        while (taken.has(String(candidate))) candidate += 1;
        extension = String(candidate);
        taken.add(extension);
      }
      return { ...user, extension };
    });
  }
}
