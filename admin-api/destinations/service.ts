// Destinations for every domain that routes calls (call settings, ring groups, trunk numbers; later numbers,
// queues and menus): whether a destination may be used in an account, storing one in an owner's slot, and the
// rule that nothing a destination points at goes away (409 DESTINATION_IN_USE, naming each referrer).
//
// Stateless: each method takes the transaction of the change it belongs to, so the check and the write commit
// together. Writers of routing first lock the account (lockAccountRouting), the same row lock the users service
// takes to remove someone: a forwarding to a user and that user's removal cannot both pass their checks.
import { extensionOwnerOf, type Destination } from '../../core/destinations';
import type { Queryable, Transaction } from '../../db/connection';
import { deleteCallSettings } from '../../db/repositories/call-settings';
import {
  accountHasTrunk, accountsReferringToUser, accountsWithUserRouting, isActiveMember, putDestination, referrersOf,
  type DestinationOwner, type Referrer, type RoutingTarget,
} from '../../db/repositories/destinations';
import { effectiveMembership, lockAccountMemberships } from '../../db/repositories/memberships';
import { ringGroupExists } from '../../db/repositories/ring-groups';
import type { ApiError } from '../http/errors';
import { destinationErrors } from './errors';

/** Serializes routing changes of an account with each other and with removals of its users. Take it first. */
export async function lockAccountRouting(trx: Transaction, accountId: number): Promise<void> {
  await lockAccountMemberships(trx, accountId);
}

export class DestinationService {
  /** What stops calls of the account from going to this destination, if anything. */
  async problem(db: Queryable, accountId: number, destination: Destination, path?: string): Promise<ApiError | undefined> {
    if (destination.type === 'hangup') return undefined;
    if (destination.type === 'external') return (await accountHasTrunk(db, accountId)) ? undefined : destinationErrors.noTrunk(destination, path);
    const target = extensionOwnerOf(destination);
    if (!target) return undefined;
    if (target.ownerType === 'user') {
      return (await isActiveMember(db, accountId, target.ownerId)) ? undefined : destinationErrors.notFound(destination, { type: 'user', id: target.ownerId }, path);
    }
    if (target.ownerType === 'ring_group') {
      return (await ringGroupExists(db, accountId, target.ownerId)) ? undefined : destinationErrors.notFound(destination, { type: 'ring_group', id: target.ownerId }, path);
    }
    // Queues, auto-receptionists and voicemail boxes come with the next issue.
    return destinationErrors.notAvailable(destination, path);
  }

  /** 422 unless the destination's target exists in this account (and an external number has a trunk). */
  async assertUsable(db: Queryable, accountId: number, destination: Destination, path?: string): Promise<void> {
    const problem = await this.problem(db, accountId, destination, path);
    if (problem) throw problem;
  }

  /** Points the owner's slot at the destination (checked first), or clears it with null. */
  async put(trx: Transaction, accountId: number, owner: DestinationOwner, slot: string, destination: Destination | null, path?: string): Promise<void> {
    if (destination) await this.assertUsable(trx, accountId, destination, path);
    await putDestination(trx, accountId, owner, slot, destination);
  }

  referrersOf(db: Queryable, accountId: number, target: RoutingTarget): Promise<Referrer[]> {
    return referrersOf(db, accountId, target);
  }

  /** 409 DESTINATION_IN_USE when anything of the account routes calls to the target. */
  async assertNotReferenced(db: Queryable, accountId: number, target: RoutingTarget): Promise<void> {
    const referrers = await referrersOf(db, accountId, target);
    if (referrers.length > 0) throw destinationErrors.inUse(target, referrers);
  }

  /**
   * After a user's membership was deactivated (removed from an account, or from an organization and its
   * subaccounts): in every account they no longer reach, nothing may still route calls to them (409), and their
   * own forwarding and settings there go. (An Organization Owner's settings in a subaccount they reach through
   * the organization stay.)
   */
  async releaseUser(trx: Transaction, userId: number): Promise<void> {
    const accounts = [...new Set([...(await accountsReferringToUser(trx, userId)), ...(await accountsWithUserRouting(trx, userId))])];
    for (const accountId of accounts) {
      if (await effectiveMembership(trx, userId, accountId)) continue;
      await this.assertNotReferenced(trx, accountId, { type: 'user', id: userId });
      await deleteCallSettings(trx, accountId, userId);
    }
  }
}

/** For the users service's removal path: see DestinationService.releaseUser. */
export function releaseRemovedUser(trx: Transaction, userId: number): Promise<void> {
  return new DestinationService().releaseUser(trx, userId);
}
