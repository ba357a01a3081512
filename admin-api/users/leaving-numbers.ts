// What a removed user leaves behind in an account they no longer reach (removed from it, or from its
// organization together with its subaccounts): their dialer access there, their place on the lists of its
// numbers, and the ownership of its numbers (each stays with the account, ownerless, for an admin to give to
// someone else). Left in place, a user added back later would call out and present those numbers again without
// anyone granting it. Runs in the removal's transaction, one audit row per account cleared.
import type { Transaction } from '../../db/connection';
import { deleteDialerAccess, findDialerAccess, type DialerAccessRecord } from '../../db/repositories/dialer-access';
import { effectiveMembership, lockAccountMemberships } from '../../db/repositories/memberships';
import { disownNumbers, numbersListing, numbersOwnedBy, removeUserFromShares } from '../../db/repositories/phone-numbers';
import type { AccountScope } from '../scope';

interface Leftovers {
  dialerAccess: DialerAccessRecord | null;
  ownedNumbers: { id: number; number: string }[];
  sharedNumberIds: number[];
}

async function leftoversIn(trx: Transaction, accountId: number, userId: number): Promise<Leftovers | undefined> {
  const dialerAccess = (await findDialerAccess(trx, accountId, userId)) ?? null;
  const ownedNumbers = await numbersOwnedBy(trx, accountId, userId);
  const sharedNumberIds = await numbersListing(trx, accountId, userId);
  return dialerAccess || ownedNumbers.length > 0 || sharedNumberIds.length > 0 ? { dialerAccess, ownedNumbers, sharedNumberIds } : undefined;
}

/** Clears the user's numbers and dialer access in each of `accountIds` they no longer reach (an Organization
 *  Owner kept as a subaccount's Owner keeps theirs there). Returns the accounts where anything was cleared. */
export async function releaseNumbersOfLeaver(trx: Transaction, scope: AccountScope, userId: number, accountIds: number[]): Promise<number[]> {
  const cleared: number[] = [];
  for (const accountId of accountIds) {
    if (await effectiveMembership(trx, userId, accountId)) continue;
    if (!(await leftoversIn(trx, accountId, userId))) continue;
    // The removal holds its own account's lock; another account's keeps its grants and number changes from
    // interleaving with this (and what was left is read again under it).
    if (accountId !== scope.accountId) await lockAccountMemberships(trx, accountId);
    const before = await leftoversIn(trx, accountId, userId);
    if (!before) continue;
    await deleteDialerAccess(trx, accountId, userId);
    await removeUserFromShares(trx, accountId, userId);
    await disownNumbers(trx, accountId, userId);
    await scope.audit(trx, { accountId, action: 'user.numbers_released', entity: 'user', entityId: userId, before, after: { dialerAccess: null, ownedNumbers: [], sharedNumberIds: [] } });
    cleared.push(accountId);
  }
  return cleared;
}
