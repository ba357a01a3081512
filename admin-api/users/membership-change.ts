// Changes to who holds what in an account (removing a user, changing their role, editing or re-applying a role)
// run one at a time per account: tier rules that count or compare holders must see what the previous change
// committed, not what the request saw when it arrived. Used by the users and roles services.
import type { Permission } from '../../core/access';
import type { Database, Transaction } from '../../db/connection';
import { retryOnDeadlock } from '../../db/deadlock';
import { effectiveMembership, lockAccountMemberships, type EffectiveMembership } from '../../db/repositories/memberships';
import { createError } from '../http/errors';
import type { AccountContext } from '../http/routes';

/** Runs `change` in one transaction holding the account's membership lock, with the actor's membership as it is
 *  now: the one resolved for the request (possibly cached) may predate a concurrent removal or demotion. */
export async function changeMemberships<T>(
  db: Database, ctx: AccountContext, permission: Permission,
  change: (trx: Transaction, actor: EffectiveMembership) => Promise<T>,
): Promise<T> {
  return retryOnDeadlock(
    () => db.transaction(async (trx) => {
      await lockAccountMemberships(trx, ctx.accountId);
      const actor = await effectiveMembership(trx, ctx.actor.user.id, ctx.accountId);
      if (!actor || !actor.permissions.includes(permission)) {
        throw createError('YOUR_ACCESS_CHANGED', 403, `Your membership in this account changed while the request waited (removed or given another role) and no longer holds ${permission}.`, {
          missingPermission: permission,
        });
      }
      return change(trx, actor);
    }),
    () => createError('CONCURRENT_CHANGE', 409, "Another change to this account's users or roles got in the way; try again."),
  );
}
