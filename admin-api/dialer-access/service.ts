// Dialer access (issue 10; shared/DESIGN.md "Dialer access"): what lets a user place outbound calls in an
// account. An admin (numbers.manage) grants it with a number to call from, and revokes it only once every number
// the user owns there is handed to someone else. Within the tier rules: yourself, or users ranked below you by
// their effective rank (an Organization Owner holding a low direct membership stays above a subaccount's Admin).
//
// Granting with an existing number: an ownerless number becomes the user's; a number someone owns is shared with
// them instead (sharing 'users' lists them, 'private' becomes 'users' listing them, 'account' covers them
// already), so granting never takes a number from its owner; and only the number of an owner ranked below you
// (or your own) is shared out this way (403 NUMBER_OWNER_ABOVE_YOU), as for every change of a number. Granting with a purchase buys the number in the
// same transaction (NumberOrderService.placePurchase), owned by the user, and enqueues its order after commit.
// Either way the number becomes the user's default caller ID.
//
// Every grant, revocation and default change of an account takes the account's routing lock first, so two of
// them for one user queue: exactly one outcome each, never half of one.
import { isNumberUsableBy } from '../../core/numbers';
import type { Database, Transaction } from '../../db/connection';
import {
  deleteDialerAccess, findDialerAccess, listDialerAccess, putDialerAccess, type DialerAccessRecord,
} from '../../db/repositories/dialer-access';
import { effectiveMembership } from '../../db/repositories/memberships';
import {
  activeMembersAmong, addNumberShare, findNumberRecord, lockNumber, numbersOwnedBy, removeUserFromShares, setNumberOwnership, transferNumber,
} from '../../db/repositories/phone-numbers';
import { lockAccountRouting } from '../destinations/service';
import type { ChangeNotifier } from '../notifier';
import type { NumberOrderService, PlacedOrder } from '../number-orders/service';
import { assertOwnerBelowYou, isHeld, numberViews, type NumberView } from '../numbers/service';
import type { AccountScope } from '../scope';
import { dialerAccessErrors } from './errors';
import { handOverPlan, type HandOver } from './hand-over';
import type { GrantInput, RevokeInput } from './schemas';

export interface GrantResult {
  dialerAccess: DialerAccessRecord;
  /** The number granted, now the user's default caller ID. */
  number: NumberView;
  /** The purchase placed with the grant, if any: the number is 'purchasing' until it completes. */
  order: PlacedOrder | null;
}

export interface RevokeResult {
  userId: number;
  handedOver: HandOver[];
}

export class DialerAccessService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly orders: NumberOrderService) {}

  async list(scope: AccountScope): Promise<DialerAccessRecord[]> {
    return listDialerAccess(this.db, scope.accountId);
  }

  async grant(scope: AccountScope, userId: number, input: GrantInput): Promise<GrantResult> {
    if ('purchase' in input && !scope.membership.permissions.includes('numbers.purchase')) throw dialerAccessErrors.purchaseNotAllowed();
    const result = await this.db.transaction(async (trx) => {
      await lockAccountRouting(trx, scope.accountId);
      if (!(await activeMembersAmong(trx, scope.accountId, [userId])).has(userId)) throw dialerAccessErrors.userNotFound(userId);
      await this.assertBelowYou(trx, scope, userId);
      const before = (await findDialerAccess(trx, scope.accountId, userId)) ?? null;
      const order = 'purchase' in input
        ? await this.orders.placePurchase(trx, scope, { ...input.purchase, ownerUserId: userId, sharing: 'private' })
        : null;
      const numberId = order ? order.numberId : await this.giveNumber(trx, scope, userId, (input as { numberId: number }).numberId);
      await putDialerAccess(trx, scope.accountId, userId, { defaultNumberId: numberId, grantedBy: scope.actor.user.id > 0 ? scope.actor.user.id : null });
      const dialerAccess = (await findDialerAccess(trx, scope.accountId, userId)) as DialerAccessRecord;
      await scope.audit(trx, { action: 'dialer_access.grant', entity: 'user', entityId: userId, before, after: { ...dialerAccess, orderId: order?.orderId ?? null } });
      const record = await findNumberRecord(trx, scope.accountId, numberId);
      const [number] = await numberViews(trx, scope.accountId, record ? [record] : []);
      return { dialerAccess, number: number as NumberView, order };
      // READ COMMITTED, as NumberOrderService.transaction: a purchase's ledger read takes record locks, not gap locks.
    }, { isolationLevel: 'read committed' });
    if (result.order) await this.orders.enqueue(scope, result.order);
    await this.notifier.routingChanged(scope.accountId);
    return result;
  }

  async revoke(scope: AccountScope, userId: number, input: RevokeInput): Promise<RevokeResult> {
    const handedOver = await this.db.transaction(async (trx) => {
      await lockAccountRouting(trx, scope.accountId);
      await this.assertBelowYou(trx, scope, userId);
      const before = await findDialerAccess(trx, scope.accountId, userId);
      if (!before) throw dialerAccessErrors.notGranted(userId);
      const owned = await numbersOwnedBy(trx, scope.accountId, userId);
      const plan = handOverPlan(owned, input, userId);
      await this.assertRecipients(trx, scope.accountId, plan, input.handOverTo !== undefined ? '/handOverTo' : '/handOver');
      for (const move of plan) await transferNumber(trx, move.numberId, move.toUserId);
      await removeUserFromShares(trx, scope.accountId, userId);
      await deleteDialerAccess(trx, scope.accountId, userId);
      await scope.audit(trx, { action: 'dialer_access.revoke', entity: 'user', entityId: userId, before: { ...before, owned }, after: { handedOver: plan } });
      return plan;
    });
    // Nothing cached to drop (outbound calls read dialer access fresh), but the change is announced like every
    // routing change, so whoever waits for it knows it is in force.
    await this.notifier.routingChanged(scope.accountId);
    return { userId, handedOver };
  }

  /** An existing number for the user: theirs if it has no owner, else shared with them. Returns its id. */
  private async giveNumber(trx: Transaction, scope: AccountScope, userId: number, numberId: number): Promise<number> {
    if (!(await lockNumber(trx, scope.accountId, numberId))) throw dialerAccessErrors.numberNotFound(numberId);
    const record = await findNumberRecord(trx, scope.accountId, numberId);
    if (!record) throw dialerAccessErrors.numberNotFound(numberId);
    if (!isHeld(record)) throw dialerAccessErrors.numberNotHeld(numberId, record.state);
    if (record.ownerUserId === null) {
      await setNumberOwnership(trx, numberId, { ownerUserId: userId, sharing: record.sharing, sharedWithUserIds: record.sharedWithUserIds });
    } else if (!isNumberUsableBy(record, userId)) {
      // Sharing someone's number out changes it: only theirs to change, or a higher rank's. (A number they
      // already let the user present is granted as it is.)
      await assertOwnerBelowYou(trx, scope, record);
      if (record.sharing === 'users') await addNumberShare(trx, numberId, userId);
      else await setNumberOwnership(trx, numberId, { ownerUserId: record.ownerUserId, sharing: 'users', sharedWithUserIds: [userId] });
    }
    return numberId;
  }

  /** Yourself, or a user ranked below you by their effective rank. A user no longer in the account has no rank
   *  here: their leftover access may be revoked by any holder of numbers.manage. */
  private async assertBelowYou(trx: Transaction, scope: AccountScope, userId: number): Promise<void> {
    if (userId === scope.actor.user.id) return;
    const membership = await effectiveMembership(trx, userId, scope.accountId);
    if (membership && membership.rank >= scope.membership.rank) throw dialerAccessErrors.targetNotBelowYou(membership.rank, scope.membership.rank);
  }

  private async assertRecipients(trx: Transaction, accountId: number, plan: HandOver[], path: string): Promise<void> {
    const recipients = [...new Set(plan.map((move) => move.toUserId))];
    const members = await activeMembersAmong(trx, accountId, recipients);
    const outside = recipients.filter((recipient) => !members.has(recipient));
    if (outside.length > 0) throw dialerAccessErrors.recipientsNotMembers(outside, path);
  }
}
