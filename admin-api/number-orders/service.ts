// Buying and releasing numbers (issue 10). A purchase is placed in one transaction (the number held, the order,
// the credits reserved, the audit row) and carried out by the numbers.purchase job, which orders the number at
// the provider and activates it; a release is likewise an order that the numbers.release job carries out.
// Nothing here calls a provider to buy: only the search does, and its failures are 502/503/504, never 500.
//
// placePurchase and enqueue are the contract other domains buy through (a request resolved by buying, dialer
// access granted with a new number): build one `new NumberOrderService(db, jobs, new NumberOffers(redis))` and
// call them. The offers are what searches found, so a bought number records the place and capabilities offered.
import type { Destination } from '../../core/destinations';
import { isE164 } from '../../core/dialing/numbers';
import { destinationOf } from '../../core/dialing/countries';
import { numberOrderJobId, type JobQueue } from '../../core/job-queue';
import { createNumberProvider, type ProviderSite } from '../../core/number-providers/factory';
import { ProviderError, type AvailableNumber, type NumberProvider } from '../../core/number-providers/provider';
import { STATIC_POOL, type NumberSharing, type PhoneNumberRecord } from '../../core/numbers';
import { errorDetails } from '../../core/logger';
import { resolveSecretSource } from '../../core/trunk-secrets';
import type { Database, Queryable, Transaction } from '../../db/connection';
import { addCreditEntry } from '../../db/repositories/credit-ledger';
import { putDestination } from '../../db/repositories/destinations';
import { providerSitesOfAccount } from '../../db/repositories/number-providers';
import {
  claimPoolNumber, findLiveNumber, findOrderOfAccount, insertOrder, insertPurchasingNumber, liveNumbersAmong, moveNumber, type NumberOrder, type NumberPlace,
} from '../../db/repositories/number-orders';
import { activeMembersAmong, findNumberRecord, lockNumber, setNumberOwnership } from '../../db/repositories/phone-numbers';
import { CreditService } from '../credits/service';
import { DestinationService, lockAccountRouting } from '../destinations/service';
import { assertOwnerBelowYou } from '../numbers/service';
import type { AccountScope } from '../scope';
import { orderErrors, providerFailure } from './errors';
import type { NumberOffers } from './offers';
import { SEARCH_DEFAULT_LIMIT, type AvailableNumbersQuery } from './schemas';

export interface PurchaseInput {
  trunk: string;
  number: string;
  ownerUserId?: number;
  label?: string | null;
  sharing?: NumberSharing;
  sharedWithUserIds?: number[];
  destination?: Destination | null;
}

export interface PlacedOrder {
  orderId: number;
  numberId: number;
  number: string;
  priceCents: number;
}

/** A trunk the account may buy numbers through, as the checkout shows it. */
export interface NumberProviderView {
  trunk: string;
  api: string;
  setupPriceCents: number;
  monthlyPriceCents: number;
}

export interface OrderView {
  order: NumberOrder;
  number: PhoneNumberRecord | undefined;
}

const PROVIDER_SEARCH_TIMEOUT_MS = 10_000;

export class NumberOrderService {
  constructor(
    private readonly db: Database,
    private readonly jobs: JobQueue,
    private readonly offers: NumberOffers,
    private readonly credits = new CreditService(db),
    private readonly destinations = new DestinationService(),
  ) {}

  async providers(scope: AccountScope): Promise<NumberProviderView[]> {
    return (await providerSitesOfAccount(this.db, scope.accountId)).map((site) => ({
      trunk: site.trunkName, api: site.purchasing.api, setupPriceCents: site.purchasing.setupPriceCents, monthlyPriceCents: site.purchasing.monthlyPriceCents,
    }));
  }

  /** Numbers the trunk's provider offers, less those our inventory holds (a purchase in flight, another account's). */
  async search(scope: AccountScope, query: AvailableNumbersQuery): Promise<AvailableNumber[]> {
    const site = await this.siteOf(this.db, scope.accountId, query.trunk);
    const capabilities = { voice: flag(query.voice), sms: flag(query.sms), fax: flag(query.fax) };
    const found = await this.callProvider(scope, site, (provider) => provider.search({
      country: query.country, region: query.region, locality: query.locality, areaCode: query.areaCode,
      capabilities: Object.fromEntries(Object.entries(capabilities).filter(([, wanted]) => wanted !== undefined)),
      limit: query.limit ? Number(query.limit) : SEARCH_DEFAULT_LIMIT,
    }));
    // A pool's free numbers are rows of their own: held, yet for sale.
    if (site.purchasing.api === STATIC_POOL) return found;
    const held = await liveNumbersAmong(this.db, found.map((candidate) => candidate.number));
    const offered = found.filter((candidate) => !held.has(candidate.number));
    await this.offers.remember(site.trunkId, offered).catch((error: unknown) => {
      scope.log.warn('number offers not remembered; a purchase records the country only', { trunk: site.trunkName, error: errorDetails(error) });
    });
    return offered;
  }

  /** A transaction to place orders in. READ COMMITTED: the ledger's balance is read with record locks only (no
   *  gap locks that two organizations' purchases could deadlock on). Other domains buying inside their own
   *  transaction should open it here too. */
  transaction<T>(work: (trx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work, { isolationLevel: 'read committed' });
  }

  /** POST .../numbers/purchases: placed, committed, then its job enqueued; the number is 'purchasing'. */
  async purchase(scope: AccountScope, input: PurchaseInput): Promise<OrderView> {
    const placed = await this.transaction((trx) => this.placePurchase(trx, scope, input));
    await this.enqueue(scope, placed);
    return this.order(scope, placed.orderId);
  }

  /** Inside the caller's transaction: checks the account may buy from that trunk's provider, the number is free,
   *  and the organization's credits (402 INSUFFICIENT_CREDITS), then holds the number (a new row 'purchasing',
   *  or the claimed static-pool row), writes the order, the reservation and the audit row. Nothing is ordered
   *  at the provider yet; a refusal rolls the caller's transaction back whole.
   *  Locks, in this order: the account (routing and members), the number (its unique live row, so the loser of a
   *  race waits there holding nothing of the ledger), then the organization's ledger. */
  async placePurchase(trx: Transaction, scope: AccountScope, input: PurchaseInput): Promise<PlacedOrder> {
    if (!isE164(input.number)) throw orderErrors.notE164(input.number);
    await lockAccountRouting(trx, scope.accountId);
    const site = await this.siteOf(trx, scope.accountId, input.trunk);
    const checkout = await this.checkout(trx, scope, input);
    if (site.purchasing.api !== STATIC_POOL && (await findLiveNumber(trx, input.number))) throw orderErrors.numberUnavailable(input.number);
    const ledgerAccountId = await this.credits.ledgerOf(trx, scope.accountId);
    const priceCents = site.purchasing.setupPriceCents;
    const numberId = await this.holdNumber(trx, scope, site, input.number, { accountId: scope.accountId, ...checkout, monthlyPriceCents: site.purchasing.monthlyPriceCents });
    await this.credits.assertAvailable(trx, ledgerAccountId, priceCents);
    await setNumberOwnership(trx, numberId, { ownerUserId: checkout.ownerUserId, sharing: checkout.sharing, sharedWithUserIds: checkout.sharedWithUserIds });
    if (input.destination) await putDestination(trx, scope.accountId, { type: 'number', id: numberId }, 'route', input.destination);
    const requestedBy = scope.actor.user.id > 0 ? scope.actor.user.id : null;
    const orderId = await insertOrder(trx, { accountId: scope.accountId, ledgerAccountId, numberId, kind: 'purchase', priceCents, requestedBy });
    await addCreditEntry(trx, {
      ledgerAccountId, kind: 'reservation', amountCents: -priceCents, entryKey: `order:${orderId}:reserve`, numberId, orderId, spentInAccountId: scope.accountId, createdBy: requestedBy,
    });
    await scope.audit(trx, { action: 'number.purchase', entity: 'number', entityId: numberId, after: { orderId, trunk: site.trunkName, number: input.number, priceCents, ...checkout } });
    return { orderId, numberId, number: input.number, priceCents };
  }

  /** After commit: the order's job (job id number-order-<orderId>). Never throws: see enqueueOrder. */
  async enqueue(scope: Pick<AccountScope, 'log'>, order: PlacedOrder): Promise<void> {
    await this.enqueueOrder(scope, 'numbers.purchase', order.orderId);
  }

  async order(scope: AccountScope, orderId: number): Promise<OrderView> {
    const order = await findOrderOfAccount(this.db, scope.accountId, orderId);
    if (!order) throw orderErrors.orderNotFound(orderId);
    return { order, number: await findNumberRecord(this.db, scope.accountId, order.numberId) };
  }

  /** DELETE .../numbers/:numberId: the number goes 'releasing' (still routed until the provider has it back)
   *  and the numbers.release job gives it back. */
  async release(scope: AccountScope, numberId: number): Promise<OrderView> {
    const orderId = await this.transaction(async (trx) => {
      await lockAccountRouting(trx, scope.accountId);
      if (!(await lockNumber(trx, scope.accountId, numberId))) throw orderErrors.numberNotFound(numberId);
      const number = await findNumberRecord(trx, scope.accountId, numberId);
      if (!number) throw orderErrors.numberNotFound(numberId);
      await assertOwnerBelowYou(trx, scope, number);
      if (!(await moveNumber(trx, numberId, ['active'], 'releasing'))) throw orderErrors.numberNotActive(numberId, number.state);
      const ledgerAccountId = await this.credits.ledgerOf(trx, scope.accountId);
      const requestedBy = scope.actor.user.id > 0 ? scope.actor.user.id : null;
      const id = await insertOrder(trx, { accountId: scope.accountId, ledgerAccountId, numberId, kind: 'release', priceCents: 0, requestedBy });
      await scope.audit(trx, { action: 'number.release', entity: 'number', entityId: numberId, before: number, after: { orderId: id, state: 'releasing' } });
      return id;
    });
    await this.enqueueOrder(scope, 'numbers.release', orderId);
    return this.order(scope, orderId);
  }

  /** The order is committed whatever Redis answers now: a refused enqueue is logged, not answered as a failure of
   *  what did happen, and the worker's numbers.resume-orders gives every open order older than a minute its job. */
  private async enqueueOrder(scope: Pick<AccountScope, 'log'>, name: 'numbers.purchase' | 'numbers.release', orderId: number): Promise<void> {
    try {
      await this.jobs.enqueue(name, { orderId }, numberOrderJobId(orderId));
    } catch (error) {
      scope.log.error('number order not enqueued; numbers.resume-orders will', { orderId, job: name, error: errorDetails(error) });
    }
  }

  /** Owner (default: the buyer), label and sharing, their users checked as active members of the account. */
  private async checkout(db: Queryable, scope: AccountScope, input: PurchaseInput): Promise<{ ownerUserId: number | null; label: string | null; sharing: NumberSharing; sharedWithUserIds: number[] }> {
    const sharing = input.sharing ?? 'private';
    if (input.sharedWithUserIds?.length && sharing !== 'users') throw orderErrors.sharesNeedUsersSharing();
    // A command's scope (user id 0) buys for nobody in particular unless told.
    const ownerUserId = input.ownerUserId ?? (scope.actor.user.id > 0 ? scope.actor.user.id : null);
    if (ownerUserId !== null && input.ownerUserId !== undefined) await this.assertMembers(db, scope.accountId, [ownerUserId], '/ownerUserId');
    const sharedWithUserIds = input.sharedWithUserIds ?? [];
    await this.assertMembers(db, scope.accountId, sharedWithUserIds, '/sharedWithUserIds');
    if (input.destination) await this.destinations.assertUsable(db, scope.accountId, input.destination, '/destination');
    return { ownerUserId, label: input.label ?? null, sharing, sharedWithUserIds };
  }

  private async assertMembers(db: Queryable, accountId: number, userIds: number[], path: string): Promise<void> {
    const members = await activeMembersAmong(db, accountId, userIds);
    const outside = userIds.filter((userId) => !members.has(userId));
    if (outside.length > 0) throw orderErrors.usersNotMembers(outside, path);
  }

  /** The number's row for this order: a static-pool row claimed (one winner of concurrent claims), or a new row
   *  whose unique live number refuses a second holder. */
  private async holdNumber(trx: Transaction, scope: AccountScope, site: ProviderSite, number: string, checkout: Parameters<typeof claimPoolNumber>[3]): Promise<number> {
    if (site.purchasing.api === STATIC_POOL) {
      const claimed = await claimPoolNumber(trx, site.trunkId, number, checkout);
      if (claimed === undefined) throw orderErrors.notInPool(number, site.trunkName);
      return claimed;
    }
    try {
      const place = await this.placeOf(scope, site, number);
      return await insertPurchasingNumber(trx, { trunkId: site.trunkId, number, provider: site.purchasing.api, place, ...checkout });
    } catch (error) {
      // Two accounts racing for one number: the second insert waits for the first's commit, then collides.
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') throw orderErrors.numberUnavailable(number);
      throw error;
    }
  }

  /** What the trunk's provider offered of the number in a search; without an offer (none in the last half hour,
   *  or Redis failing: logged, the purchase goes on), the country its E.164 prefix tells, and voice only. */
  private async placeOf(scope: AccountScope, site: ProviderSite, number: string): Promise<NumberPlace> {
    const offered = await this.offers.recall(site.trunkId, number).catch((error: unknown) => {
      scope.log.warn('number offer not read; the number records its country only', { trunk: site.trunkName, number, error: errorDetails(error) });
      return undefined;
    });
    return offered ?? { country: destinationOf(number).country ?? null, region: null, locality: null, capabilities: { voice: true, sms: false, fax: false } };
  }

  private async siteOf(db: Queryable, accountId: number, trunk: string): Promise<ProviderSite> {
    const site = (await providerSitesOfAccount(db, accountId)).find((candidate) => candidate.trunkName === trunk);
    if (!site) throw orderErrors.providerNotFound(trunk);
    return site;
  }

  private async callProvider<T>(scope: AccountScope, site: ProviderSite, call: (provider: NumberProvider) => Promise<T>): Promise<T> {
    try {
      const provider = createNumberProvider(site, { db: this.db, secret: (source) => resolveSecretSource(source), timeoutMs: PROVIDER_SEARCH_TIMEOUT_MS });
      return await call(provider);
    } catch (error) {
      if (error instanceof ProviderError) {
        scope.log.warn('number provider failed', { trunk: site.trunkName, kind: error.kind, providerStatus: error.status, error: error.message });
        throw providerFailure(site.trunkName, error);
      }
      throw error;
    }
  }
}

function flag(value: 'true' | 'false' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}
