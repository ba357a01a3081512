// Devices belong to users (issue 9): a fixture that provisions a phone "on extension X" gives the extension to a
// user (the user already holding it in the account, or a new Agent named after the phone) and then creates the
// device for that user. Both go through the project's services, acting as the system (admin-api/system-scope.ts).
import { RANK } from '../../core/access';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { generateIdentifier } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { findExtensionOwner } from '../../db/repositories/extensions';
import { findPresetRole } from '../../db/repositories/roles';
import type { ChangeNotifier } from '../../admin-api/notifier';
import type { AccountScope } from '../../admin-api/scope';
import { systemAccountScope } from '../../admin-api/system-scope';
import { UserService } from '../../admin-api/users/service';

/** A fixture's device: on an extension (its user is found or made), or for a given user. */
export interface FixtureDeviceInput {
  label: string;
  kind: 'desk_phone' | 'softphone' | 'webrtc';
  extension?: string;
  /** The device's user; with `extension`, the user is given that extension in the account. */
  userId?: number;
}

/** The system acting in an account. Its membership outranks every role, so the tier rules let a fixture add
 *  Agents (the system scope's rank 0 grants nothing, which is right for the commands that use it). */
export function fixtureScope(accountId: number, log: Logger): AccountScope {
  const scope = systemAccountScope(accountId, 'test-fixture', log);
  return { ...scope, membership: { ...scope.membership, rank: RANK.resellerOwner + 1 } };
}

export class FixtureUsers {
  private readonly users: UserService;

  constructor(private readonly db: Database, notifier: ChangeNotifier, config: Config, private readonly log: Logger) {
    // Fixtures create users and give them extensions: nothing an access cache holds, so there is nothing to drop.
    this.users = new UserService(db, notifier, { userAccessChanged: async () => undefined }, config.passwordPolicy);
  }

  /** A new user of the account (its lowest preset role: Agent, or Admin / Reseller Admin where Agents cannot be
   *  held), with the extension if given; returns the user's id. */
  async create(accountId: number, fields: { fullName: string; extension?: string; username?: string }): Promise<number> {
    const username = fields.username ?? generateIdentifier(`u${fields.extension ?? ''}-`).toLowerCase();
    const kind = (await findAccount(this.db, accountId))?.kind;
    const role = await findPresetRole(this.db, kind === 'reseller' ? 'reseller_admin' : kind === 'organization' ? 'admin' : 'agent');
    const { user } = await this.users.create(fixtureScope(accountId, this.log), {
      username, fullName: fields.fullName, email: `${username}@example.test`, roleId: role.id, ...(fields.extension ? { extension: fields.extension } : {}),
    });
    return Number(user.id);
  }

  /** Sets (or frees, with null) a user's extension in an account, or renames them, as an admin's PATCH does. */
  async update(accountId: number, userId: number, change: { extension?: string | null; fullName?: string }): Promise<void> {
    await this.users.update(fixtureScope(accountId, this.log), userId, change);
  }

  /** The user a device on this extension belongs to: whoever holds it, or a new Agent named `name`. */
  async holderOf(accountId: number, extension: string, name: string): Promise<number> {
    const owner = await findExtensionOwner(this.db, accountId, extension);
    if (owner?.type === 'user') return owner.id;
    if (owner) throw new Error(`extension ${extension} belongs to a ${owner.type}, not a user`);
    return this.create(accountId, { fullName: name, extension });
  }

  /** The user a fixture device goes to (see FixtureDeviceInput). */
  async ownerFor(accountId: number, input: FixtureDeviceInput): Promise<number> {
    // No account, no user to make: the device service answers for the missing account (404 ACCOUNT_NOT_FOUND).
    if (!(await findAccount(this.db, accountId))) return input.userId ?? 0;
    if (input.userId === undefined) return input.extension ? this.holderOf(accountId, input.extension, input.label) : this.create(accountId, { fullName: input.label });
    if (input.extension) await this.update(accountId, input.userId, { extension: input.extension });
    return input.userId;
  }
}
