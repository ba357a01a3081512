// You, the signed-in user: your profile and preferences, and the accounts you can reach. Every method acts on
// the scope's own user and no one else, so none takes an account or a permission.
import type { Database } from '../../db/connection';
import { listAccountRecords, type AccountRecord } from '../../db/repositories/accounts';
import { refreshUserCallerIds } from '../../db/repositories/devices';
import { extensionsOfUser } from '../../db/repositories/extensions';
import { reachableAccounts } from '../../db/repositories/memberships';
import { findUser, updateUser, type UserRecord } from '../../db/repositories/users';
import type { AccessInvalidator } from '../auth/access-cache';
import type { ChangeNotifier } from '../notifier';
import { publishCallerIdChanges } from '../users/caller-ids';
import type { UserScope } from '../scope';
import { meErrors } from './errors';
import type { UpdateProfileInput } from './schemas';

/** An account you reach, with the role you hold there (or inherit from an account above it). */
export interface ReachableAccount extends AccountRecord {
  role: string | undefined;
  rank: number | undefined;
  inherited: boolean;
}

/** You, with your extension in each account that gave you one (set by its admins). */
export interface Me extends UserRecord {
  extensions: { accountId: number; extension: string }[];
}

export class MeService {
  constructor(private readonly db: Database, private readonly access: AccessInvalidator, private readonly notifier: ChangeNotifier) {}

  async profile(scope: UserScope): Promise<Me> {
    return { ...scope.actor.user, extensions: await extensionsOfUser(this.db, scope.actor.user.id) };
  }

  /** A new name is the new caller ID of your devices in every account. */
  async updateProfile(scope: UserScope, input: UpdateProfileInput): Promise<Me> {
    const { user } = scope.actor;
    const callerIds = await this.db.transaction(async (trx) => {
      await updateUser(trx, user.id, input);
      await scope.audit(trx, { accountId: null, action: 'me.update', entity: 'user', entityId: user.id, before: user, after: input });
      const renamed = input.fullName !== undefined && input.fullName !== user.fullName;
      return renamed ? refreshUserCallerIds(trx, user.id) : new Map<number, string[]>();
    });
    // Cached access carries the user's profile (name, status): drop it so the next request sees the edit.
    await this.access.userAccessChanged([user.id]);
    await publishCallerIdChanges(this.notifier, callerIds);
    const updated = await findUser(this.db, user.id);
    if (!updated) throw meErrors.userNotFound(user.id);
    return { ...updated, extensions: await extensionsOfUser(this.db, user.id) };
  }

  /** Accounts where you hold a membership, and those below the ones whose role reaches descendants. */
  async reachableAccounts(scope: UserScope): Promise<ReachableAccount[]> {
    const reached = await reachableAccounts(this.db, scope.actor.user.id);
    const accounts = await listAccountRecords(this.db, reached.map((entry) => entry.accountId));
    return accounts.map((account) => {
      const entry = reached.find((candidate) => candidate.accountId === account.id);
      return { ...account, role: entry?.membership.roleName, rank: entry?.membership.rank, inherited: entry?.inherited ?? false };
    });
  }
}
