// A user's call settings in one account: do not disturb, ring time, forwarding (always, busy, no answer,
// unreachable). Users change their own (/v1/me/...); holders of users.manage change those of users ranked below
// them. A forward to an outside number dials out at the account's expense, so it takes the user's dialer access
// (409 FORWARD_NEEDS_DIALER_ACCESS); the ARI app checks that access again on every call, so a revocation stops
// the forward without touching it. A user in several accounts has settings in each: forwarding rows are owned
// by ('user', user id) with the account in their key (db/migrations/20261130000032_routing_permission.ts).
import type { Database, Queryable } from '../../db/connection';
import { FORWARD_CONDITIONS, readCallSettings, writeCallSettings, type CallSettingsRecord } from '../../db/repositories/call-settings';
import { findDialer } from '../../db/repositories/dialer-access';
import { effectiveMembership } from '../../db/repositories/memberships';
import { DestinationService, lockAccountRouting } from '../destinations/service';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope } from '../scope';
import { callSettingsErrors } from './errors';
import type { CallSettingsInput } from './schemas';

export type CallSettingsView = CallSettingsRecord;

export class CallSettingsService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly destinations = new DestinationService()) {}

  /** Your own settings in the scope's account (any member: the route checked the membership). */
  async getOwn(scope: AccountScope): Promise<CallSettingsView> {
    return readCallSettings(this.db, scope.accountId, scope.actor.user.id);
  }

  async putOwn(scope: AccountScope, input: CallSettingsInput): Promise<CallSettingsView> {
    return this.write(scope, scope.actor.user.id, input);
  }

  async get(scope: AccountScope, userId: number): Promise<CallSettingsView> {
    await this.targetRank(this.db, scope, userId);
    return readCallSettings(this.db, scope.accountId, userId);
  }

  /** Someone's settings: yourself, or a user ranked below you (the tier rules of core/access.ts). */
  async put(scope: AccountScope, userId: number, input: CallSettingsInput): Promise<CallSettingsView> {
    return this.write(scope, userId, input, true);
  }

  private async write(scope: AccountScope, userId: number, input: CallSettingsInput, checkTier = false): Promise<CallSettingsView> {
    const after = await this.db.transaction(async (trx) => {
      await lockAccountRouting(trx, scope.accountId);
      const rank = await this.targetRank(trx, scope, userId);
      if (checkTier && userId !== scope.actor.user.id && rank >= scope.membership.rank) throw callSettingsErrors.targetNotBelowYou(rank, scope.membership.rank);
      for (const condition of FORWARD_CONDITIONS) {
        const destination = input.forwarding[condition];
        if (destination?.type === 'user' && destination.userId === userId) throw callSettingsErrors.forwardToSelf(condition);
        if (destination) await this.destinations.assertUsable(trx, scope.accountId, destination, `/forwarding/${condition}`);
      }
      await this.assertMayForwardOutside(trx, scope.accountId, userId, input);
      const before = await readCallSettings(trx, scope.accountId, userId);
      await writeCallSettings(trx, scope.accountId, userId, input);
      await scope.audit(trx, { action: 'call_settings.update', entity: 'user', entityId: userId, before, after: input });
      return readCallSettings(trx, scope.accountId, userId);
    });
    await this.notifier.routingChanged(scope.accountId);
    return after;
  }

  /** Outside numbers among the forwards need the user's dialer access in the account (under the routing lock,
   *  which grants and revocations take too). */
  private async assertMayForwardOutside(db: Queryable, accountId: number, userId: number, input: CallSettingsInput): Promise<void> {
    const outside = FORWARD_CONDITIONS.filter((condition) => input.forwarding[condition]?.type === 'external');
    if (outside.length > 0 && !(await findDialer(db, accountId, userId))) throw callSettingsErrors.forwardNeedsDialerAccess(userId, outside);
  }

  /** The target's rank in the account: 404 unless they are an active member (you always reach yourself). */
  private async targetRank(db: Queryable, scope: AccountScope, userId: number): Promise<number> {
    if (userId === scope.actor.user.id) return scope.membership.rank;
    // The effective rank: an Organization Owner who also holds a low direct membership here is still above a
    // subaccount's Admin, whose tier rules must see them as they are.
    const membership = await effectiveMembership(db, userId, scope.accountId);
    if (!membership) throw callSettingsErrors.userNotFound(userId);
    return membership.rank;
  }
}
