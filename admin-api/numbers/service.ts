// The number inventory (issue 10; shared/DESIGN.md "Numbers"). Holders of numbers.read see every number of the
// account; everyone else sees the numbers they own or that are shared with them, and any other number is a 404
// to them. Only the owner or a holder of numbers.manage changes a number's owner, sharing, label or
// destination; owners and listed users are active members of the account. A destination change is published
// as a routing change: the ARI app reads trunk number routes fresh for every inbound call.
//
// Users pick their default outbound caller ID here too (/v1/me/...): it is kept on their dialer access
// (dialer_access.default_number_id) and must be a number they may use.
import type { Destination } from '../../core/destinations';
import { HELD_NUMBER_STATES, isNumberUsableBy, type NumberSharing, type PhoneNumberRecord } from '../../core/numbers';
import type { Database, Queryable } from '../../db/connection';
import { destinationsOfOwners } from '../../db/repositories/destinations';
import { findDialer, findDialerAccess, setDefaultNumber } from '../../db/repositories/dialer-access';
import { effectiveMembership } from '../../db/repositories/memberships';
import {
  activeMembersAmong, findNumberRecord, listNumbers, setNumberLabel, setNumberOwnership, type NumberOwnership,
} from '../../db/repositories/phone-numbers';
import { DestinationService, lockAccountRouting } from '../destinations/service';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope } from '../scope';
import { numberErrors } from './errors';
import type { CallerIdInput, NumberListInput, UpdateNumberInput } from './schemas';

export interface NumberView extends PhoneNumberRecord {
  destination: Destination | null;
}

export interface NumberPage {
  numbers: NumberView[];
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: number | null;
}

export interface CallerIdView {
  /** Whether you may place outbound calls in this account at all. */
  dialerAccess: boolean;
  /** Your default caller ID, while it is a number you may use; null: the first you may use on the trunk. */
  numberId: number | null;
  number: string | null;
}

/** Whether the scope sees every number of the account, not only those it may use. */
export function seesAllNumbers(scope: AccountScope): boolean {
  return scope.membership.permissions.includes('numbers.read') || scope.membership.permissions.includes('numbers.manage');
}

export function isHeld(record: Pick<PhoneNumberRecord, 'state'>): boolean {
  return HELD_NUMBER_STATES.includes(record.state);
}

/** A holder of numbers.manage acts on numbers nobody owns, their own, and those of users ranked below them by
 *  effective rank (an Organization Owner reaching a subaccount outranks its Admin there, whatever their direct
 *  membership): otherwise 403 NUMBER_OWNER_ABOVE_YOU, so an Admin cannot take, hide, share out or release an
 *  Owner's number and then present it. An owner no longer in the account has no rank here. Every path that
 *  changes, gives away or releases an owned number calls this inside its transaction, under the account's
 *  routing lock (which role changes take too). */
export async function assertOwnerBelowYou(db: Queryable, scope: AccountScope, record: Pick<PhoneNumberRecord, 'id' | 'ownerUserId'>): Promise<void> {
  if (record.ownerUserId === null || record.ownerUserId === scope.actor.user.id) return;
  const owner = await effectiveMembership(db, record.ownerUserId, scope.accountId);
  if (owner && owner.rank >= scope.membership.rank) throw numberErrors.ownerAboveYou(record.id, owner.rank, scope.membership.rank);
}

/** The numbers as the API shows them: each with its route. */
export async function numberViews(db: Queryable, accountId: number, records: PhoneNumberRecord[]): Promise<NumberView[]> {
  const routes = await destinationsOfOwners(db, accountId, 'number', records.map((record) => record.id));
  return records.map((record) => ({ ...record, destination: routes.get(record.id)?.get('route') ?? null }));
}

export class NumberService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly destinations = new DestinationService()) {}

  async list(scope: AccountScope, input: NumberListInput): Promise<NumberPage> {
    const records = await listNumbers(this.db, {
      accountId: scope.accountId, state: input.state, provider: input.provider, ownerUserId: input.ownerUserId, q: input.q,
      usableBy: seesAllNumbers(scope) ? undefined : scope.actor.user.id, afterId: input.after, limit: input.limit + 1,
    });
    const page = records.slice(0, input.limit);
    const last = page[page.length - 1];
    return { numbers: await numberViews(this.db, scope.accountId, page), nextAfter: records.length > input.limit && last ? last.id : null };
  }

  /** Routing a number to an outside number dials out at the account's expense on every call to it: an owner
   *  without numbers.manage needs dialer access for that, as for forwarding their own calls outside. */
  private async assertMayRouteOutside(db: Queryable, scope: AccountScope, destination: Destination | null): Promise<void> {
    if (destination?.type !== 'external' || scope.membership.permissions.includes('numbers.manage')) return;
    if (!(await findDialer(db, scope.accountId, scope.actor.user.id))) throw numberErrors.outsideRouteNeedsDialerAccess(scope.actor.user.id);
  }

  async get(scope: AccountScope, numberId: number): Promise<NumberView> {
    const [view] = await numberViews(this.db, scope.accountId, [await this.visible(this.db, scope, numberId)]);
    return view as NumberView;
  }

  async update(scope: AccountScope, numberId: number, input: UpdateNumberInput): Promise<NumberView> {
    const after = await this.db.transaction(async (trx) => {
      // Serializes with removals of users (who may own or hold this number) and with dialer access changes.
      await lockAccountRouting(trx, scope.accountId);
      const record = await this.visible(trx, scope, numberId);
      if (!scope.membership.permissions.includes('numbers.manage') && record.ownerUserId !== scope.actor.user.id) throw numberErrors.changeNotAllowed(numberId);
      await assertOwnerBelowYou(trx, scope, record);
      if (!isHeld(record)) throw numberErrors.notHeld(numberId, record.state);
      const [before] = await numberViews(trx, scope.accountId, [record]);
      const ownership = nextOwnership(record, input);
      await this.assertMembers(trx, scope.accountId, input);
      if (ownershipChanged(record, ownership)) await setNumberOwnership(trx, numberId, ownership);
      if (input.label !== undefined) await setNumberLabel(trx, numberId, input.label);
      if (input.destination !== undefined) {
        await this.assertMayRouteOutside(trx, scope, input.destination);
        await this.destinations.put(trx, scope.accountId, { type: 'number', id: numberId }, 'route', input.destination, '/destination');
      }
      // Read as it now is, not through visibility: an owner who just gave the number away is shown the result.
      const [changed] = await numberViews(trx, scope.accountId, [(await findNumberRecord(trx, scope.accountId, numberId)) as PhoneNumberRecord]);
      await scope.audit(trx, { action: 'number.update', entity: 'phone_number', entityId: numberId, before, after: changed });
      return changed as NumberView;
    });
    // The next inbound call to the number reads its route afresh; the event tells caches and waiting tests.
    if (input.destination !== undefined) await this.notifier.routingChanged(scope.accountId);
    return after;
  }

  /** The numbers you may use in the account (yours, listed, or shared with the account), still held. */
  async listMine(scope: AccountScope): Promise<NumberView[]> {
    return numberViews(this.db, scope.accountId, await listNumbers(this.db, { accountId: scope.accountId, usableBy: scope.actor.user.id }));
  }

  async callerId(scope: AccountScope): Promise<CallerIdView> {
    return this.readCallerId(this.db, scope);
  }

  async setCallerId(scope: AccountScope, input: CallerIdInput): Promise<CallerIdView> {
    return this.db.transaction(async (trx) => {
      // The same lock as grants and revocations: a default is never set on access revoked meanwhile.
      await lockAccountRouting(trx, scope.accountId);
      const userId = scope.actor.user.id;
      if (!(await findDialerAccess(trx, scope.accountId, userId))) throw numberErrors.noDialerAccess(scope.accountId);
      if (input.numberId !== null) {
        const record = await findNumberRecord(trx, scope.accountId, input.numberId);
        if (!record || !isHeld(record) || !isNumberUsableBy(record, userId)) throw numberErrors.notUsable(input.numberId);
      }
      const before = await this.readCallerId(trx, scope);
      await setDefaultNumber(trx, scope.accountId, userId, input.numberId);
      const after = await this.readCallerId(trx, scope);
      await scope.audit(trx, { action: 'caller_id.update', entity: 'user', entityId: userId, before, after });
      return after;
    });
  }

  private async readCallerId(db: Queryable, scope: AccountScope): Promise<CallerIdView> {
    const userId = scope.actor.user.id;
    const access = await findDialerAccess(db, scope.accountId, userId);
    if (!access) return { dialerAccess: false, numberId: null, number: null };
    const record = access.defaultNumberId === null ? undefined : await findNumberRecord(db, scope.accountId, access.defaultNumberId);
    // A default that moved away from the user (handed over, unshared, released) is not theirs to present.
    if (!record || !isHeld(record) || !isNumberUsableBy(record, userId)) return { dialerAccess: true, numberId: null, number: null };
    return { dialerAccess: true, numberId: record.id, number: record.number };
  }

  /** The number if the scope may see it; otherwise the same 404 as an unknown one. */
  private async visible(db: Queryable, scope: AccountScope, numberId: number): Promise<PhoneNumberRecord> {
    const record = await findNumberRecord(db, scope.accountId, numberId);
    if (!record || (!seesAllNumbers(scope) && !isNumberUsableBy(record, scope.actor.user.id))) throw numberErrors.notFound(numberId);
    return record;
  }

  /** A new owner and a new list name active members of the account (names kept from before are not re-judged:
   *  an admin relabelling a number is not stopped by a user removed since). */
  private async assertMembers(db: Queryable, accountId: number, input: UpdateNumberInput): Promise<void> {
    for (const [path, userIds] of [['/ownerUserId', input.ownerUserId ? [input.ownerUserId] : []], ['/sharedWithUserIds', input.sharedWithUserIds ?? []]] as const) {
      if (userIds.length === 0) continue;
      const members = await activeMembersAmong(db, accountId, userIds);
      const outside = userIds.filter((userId) => !members.has(userId));
      if (outside.length > 0) throw numberErrors.usersNotMembers(outside, path);
    }
  }
}

/** The owner, sharing and list after the change; a list needs sharing 'users'. */
function nextOwnership(record: PhoneNumberRecord, input: UpdateNumberInput): NumberOwnership {
  const sharing: NumberSharing = input.sharing ?? record.sharing;
  if (input.sharedWithUserIds !== undefined && input.sharedWithUserIds.length > 0 && sharing !== 'users') throw numberErrors.listWithoutUsersSharing(sharing);
  return {
    ownerUserId: input.ownerUserId !== undefined ? input.ownerUserId : record.ownerUserId,
    sharing,
    sharedWithUserIds: sharing === 'users' ? input.sharedWithUserIds ?? record.sharedWithUserIds : [],
  };
}

function ownershipChanged(record: PhoneNumberRecord, next: NumberOwnership): boolean {
  const listed = (ids: number[]): string => [...new Set(ids)].sort((a, b) => a - b).join(',');
  return record.ownerUserId !== next.ownerUserId || record.sharing !== next.sharing || listed(record.sharedWithUserIds) !== listed(next.sharedWithUserIds);
}
