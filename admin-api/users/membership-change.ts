// Changes to who holds what in an account (removing a user, changing their role, editing or re-applying a role)
// run one at a time per account: tier rules that count or compare holders must see what the previous change
// committed, not what the request saw when it arrived. Used by the users and roles services.
import type { Permission } from '../../core/access';
import type { Database, Transaction } from '../../db/connection';
import { retryOnDeadlock } from '../../db/deadlock';
import { effectiveMembership, lockAccountMemberships, type EffectiveMembership } from '../../db/repositories/memberships';
import type { AccountScope } from '../scope';
import { userErrors } from './errors';

/** Runs `change` in one transaction holding the account's membership lock, with the actor's membership as it is
 *  now: the one resolved for the request (possibly cached) may predate a concurrent removal or demotion. */
export async function changeMemberships<T>(
  db: Database, scope: AccountScope, permission: Permission,
  change: (trx: Transaction, actor: EffectiveMembership) => Promise<T>,
): Promise<T> {
  return retryOnDeadlock(
    () => db.transaction(async (trx) => {
      await lockAccountMemberships(trx, scope.accountId);
      const actor = await effectiveMembership(trx, scope.actor.user.id, scope.accountId);
      if (!actor || !actor.permissions.includes(permission)) throw userErrors.yourAccessChanged(permission);
      return change(trx, actor);
    }),
    () => userErrors.concurrentChange(),
  );
}
