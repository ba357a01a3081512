// Number requests (issue 10; shared/DESIGN.md "Numbers"): any active member of an account asks for a number
// (location, capabilities, a note) and sees their requests; admins (numbers.manage) see them all and resolve
// each once: by buying a new number for the requester, assigning them an existing one, or rejecting with a
// reason. The requester is emailed the outcome.
//
// Choices:
// - A purchase moves the request to 'purchasing' (resolution 'purchased', with the new number's id, shown with
//   its own state). The order runs as a job (number-orders); its final transaction settles the request
//   (jobs/numbers/request-outcomes.ts): 'fulfilled' when the number is bought, back to 'open' with the failure
//   noted when the provider refused it for good, so an admin resolves it again. The requester is emailed then,
//   not at the resolution: a bought number is news once it is live (or once it is not coming).
// - The provider's explanation of a failure is for the admins: a requester without numbers.manage sees that
//   the purchase of which number failed and when, not the provider's words.
// - An assignment gives the requester an active number of the account that no one owns; they become its owner
//   and its sharing stays as it was (a number shared with the whole account keeps serving everyone's caller ID).
// - The request leaves 'open' by a conditional update inside the transaction, before anything else is written
//   or ordered: of two admins resolving it at once, the second's update matches no row and gets 409.
import type { JobQueue } from '../../core/job-queue';
import { normalisePlace } from '../../core/number-providers/regions';
import { errorDetails, type Logger } from '../../core/logger';
import type { Database, Queryable, Transaction } from '../../db/connection';
import { effectiveMembership } from '../../db/repositories/memberships';
import {
  closeOpenRequest, findNumberRequest, insertNumberRequest, listCandidateNumbers, listNumberRequests, lockedRequestState,
  setRequestNumber, type CandidateNumber, type NumberRequestRecord, type NumberRequestState, type RequestClosing,
} from '../../db/repositories/number-requests';
import { lockNumber, transferNumber } from '../../db/repositories/phone-numbers';
import { findUser } from '../../db/repositories/users';
import { lockAccountRouting } from '../destinations/service';
import type { NumberOrderService, PlacedOrder } from '../number-orders/service';
import type { AccountScope } from '../scope';
import { requestErrors } from './errors';
import type { AssignResolution, CandidatesQuery, CreateRequestInput, PurchaseResolution, ResolveRequestInput } from './schemas';

/** What requests need of the order service: placing a purchase in their transaction, and its job after. */
export type NumberOrders = Pick<NumberOrderService, 'placePurchase' | 'enqueue'>;

export interface NumberRequestDependencies {
  db: Database;
  jobs: JobQueue;
  orders: NumberOrders;
  logger: Logger;
}

export interface RequestListInput {
  state?: NumberRequestState;
  requesterUserId?: number;
  beforeId?: number;
  limit: number;
}

export interface RequestPage {
  requests: NumberRequestRecord[];
  /** Pass as beforeId for the next page; null on the last one. */
  nextBeforeId: number | null;
}

export interface CandidateList {
  requestId: number;
  /** The location searched (null: any). */
  location: { country: string | null; region: string | null; locality: string | null };
  numbers: CandidateNumber[];
}

const CANDIDATES_DEFAULT_LIMIT = 50;

/** The job id of a request's outcome email: one per request, so a repeated enqueue collapses. */
export const resolvedEmailJobId = (requestId: number): string => `number-request-resolved-${requestId}`;

/** Where to look: each part the request's unless the query names another; an empty one means any. */
function candidateLocation(request: NumberRequestRecord, query: CandidatesQuery): CandidateList['location'] {
  const pick = (asked: string | undefined, requested: string | null): string | null => (asked === undefined ? requested : asked.trim() === '' ? null : asked);
  const country = pick(query.country, request.country);
  const region = pick(query.region, request.region);
  const locality = pick(query.locality, request.locality);
  if (country === null) return { country, region: region?.trim() ?? null, locality: locality?.trim() ?? null };
  const place = normalisePlace({ country, region: region ?? undefined, locality: locality ?? undefined });
  return { country: place.country, region: place.region ?? null, locality: place.locality ?? null };
}

const managesNumbers = (scope: AccountScope): boolean => scope.membership.permissions.includes('numbers.manage');

/** The request as the caller may read it: the provider's words on a failed purchase are for admins. */
function seenBy(scope: AccountScope, request: NumberRequestRecord): NumberRequestRecord {
  if (!request.lastFailure || managesNumbers(scope)) return request;
  return { ...request, lastFailure: { ...request.lastFailure, reason: null } };
}

export class NumberRequestService {
  constructor(private readonly deps: NumberRequestDependencies) {}

  async create(scope: AccountScope, input: CreateRequestInput): Promise<NumberRequestRecord> {
    const capabilities = { voice: input.capabilities.voice ?? false, sms: input.capabilities.sms ?? false, fax: input.capabilities.fax ?? false };
    if (!capabilities.voice && !capabilities.sms && !capabilities.fax) throw requestErrors.noCapability();
    // Written as the providers and the inventory write places ("Illinois" is "IL"), so candidates match.
    const place = normalisePlace(input);
    return this.deps.db.transaction(async (trx) => {
      const requestId = await insertNumberRequest(trx, scope.accountId, scope.actor.user.id, {
        country: place.country, region: place.region ?? null, locality: place.locality ?? null, areaCode: place.areaCode ?? null,
        capabilities, note: input.note ?? null,
      });
      const request = await this.find(trx, scope.accountId, requestId);
      await scope.audit(trx, { action: 'number_request.create', entity: 'number_request', entityId: requestId, after: request });
      return request;
    });
  }

  /** Admins: the account's requests; everyone else: their own. Newest first. */
  async list(scope: AccountScope, input: RequestListInput): Promise<RequestPage> {
    const self = scope.actor.user.id;
    if (!managesNumbers(scope) && input.requesterUserId !== undefined && input.requesterUserId !== self) throw requestErrors.othersRequests();
    const requesterUserId = managesNumbers(scope) ? input.requesterUserId : self;
    const rows = await listNumberRequests(this.deps.db, scope.accountId, { ...input, requesterUserId, limit: input.limit + 1 });
    const requests = rows.slice(0, input.limit).map((request) => seenBy(scope, request));
    return { requests, nextBeforeId: rows.length > input.limit ? requests[requests.length - 1]?.id ?? null : null };
  }

  async get(scope: AccountScope, requestId: number): Promise<NumberRequestRecord> {
    return seenBy(scope, await this.findVisible(this.deps.db, scope, requestId));
  }

  /** The requester withdraws their own open request. */
  async cancel(scope: AccountScope, requestId: number): Promise<NumberRequestRecord> {
    return this.deps.db.transaction(async (trx) => {
      const before = await this.findVisible(trx, scope, requestId);
      if (before.requesterUserId !== scope.actor.user.id) throw requestErrors.notYours(requestId);
      await this.claim(trx, before, { state: 'cancelled', requesterUserId: scope.actor.user.id });
      const after = await this.find(trx, scope.accountId, requestId);
      await scope.audit(trx, { action: 'number_request.cancel', entity: 'number_request', entityId: requestId, before, after });
      return seenBy(scope, after);
    });
  }

  /** The account's numbers the request could be given: active, owned by no one, in the location (each field
   *  the request's unless the query names another; an empty one means any) and with the capabilities asked. */
  async candidates(scope: AccountScope, requestId: number, query: CandidatesQuery): Promise<CandidateList> {
    const request = await this.find(this.deps.db, scope.accountId, requestId);
    const location = candidateLocation(request, query);
    const numbers = await listCandidateNumbers(this.deps.db, scope.accountId, {
      country: location.country ?? undefined, region: location.region ?? undefined, locality: location.locality ?? undefined,
      capabilities: request.capabilities, limit: query.limit ? Number(query.limit) : CANDIDATES_DEFAULT_LIMIT,
    });
    return { requestId, location, numbers };
  }

  async resolve(scope: AccountScope, requestId: number, input: ResolveRequestInput): Promise<NumberRequestRecord> {
    // Buying spends the organization's credits: numbers.manage alone (an Admin) assigns or rejects only.
    if (input.resolution === 'purchase' && !scope.membership.permissions.includes('numbers.purchase')) throw requestErrors.purchaseNotAllowed();
    const { request, order } = await this.deps.db.transaction(async (trx) => {
      // First, as every writer of the account's numbers and members does: a removal of the requester either
      // committed before (and the check below sees it) or waits for this transaction to end.
      await lockAccountRouting(trx, scope.accountId);
      const before = await this.find(trx, scope.accountId, requestId);
      if (before.state !== 'open') throw requestErrors.alreadyResolved(requestId, before.state);
      if (input.resolution !== 'reject') await this.assertRequesterActive(trx, before);
      const placed = await this.applyResolution(trx, scope, before, input);
      const after = await this.find(trx, scope.accountId, requestId);
      await scope.audit(trx, { action: 'number_request.resolve', entity: 'number_request', entityId: requestId, before, after: { ...after, orderId: placed?.orderId ?? null } });
      return { request: after, order: placed };
      // READ COMMITTED, as NumberOrderService.transaction: a purchase's ledger read takes record locks, not gap locks.
    }, { isolationLevel: 'read committed' });
    await this.afterResolution(scope, request, order);
    return request;
  }

  private async applyResolution(trx: Transaction, scope: AccountScope, request: NumberRequestRecord, input: ResolveRequestInput): Promise<PlacedOrder | undefined> {
    const resolvedBy = scope.actor.user.id;
    switch (input.resolution) {
      case 'reject':
        await this.claim(trx, request, { state: 'rejected', resolution: 'rejected', reason: input.reason.trim(), resolvedBy });
        return undefined;
      case 'assign':
        await this.assign(trx, scope, request, input);
        return undefined;
      case 'purchase':
        return this.purchase(trx, scope, request, input);
    }
  }

  private async assign(trx: Transaction, scope: AccountScope, request: NumberRequestRecord, input: AssignResolution): Promise<void> {
    // The request first: a second resolver waits here and loses, rather than on the number.
    await this.claim(trx, request, { state: 'fulfilled', resolution: 'assigned', resolvedBy: scope.actor.user.id });
    // Locked until the transaction ends: two requests assigned the same number at once cannot both take it.
    const locked = await lockNumber(trx, scope.accountId, input.numberId);
    if (!locked) throw requestErrors.numberNotInAccount(input.numberId);
    // Available: active, and no one owns it (the candidates listed).
    if (locked.state !== 'active' || locked.ownerUserId !== null) throw requestErrors.numberNotAvailable(input.numberId);
    await transferNumber(trx, input.numberId, request.requesterUserId);
    await setRequestNumber(trx, request.id, input.numberId);
  }

  private async purchase(trx: Transaction, scope: AccountScope, request: NumberRequestRecord, input: PurchaseResolution): Promise<PlacedOrder> {
    await this.claim(trx, request, { state: 'purchasing', resolution: 'purchased', resolvedBy: scope.actor.user.id });
    // The requester owns the new number, private to them until they or an admin share it.
    const order = await this.deps.orders.placePurchase(trx, scope, {
      trunk: input.trunk, number: input.number, ownerUserId: request.requesterUserId, label: input.label ?? null, sharing: 'private',
    });
    await setRequestNumber(trx, request.id, order.numberId);
    return order;
  }

  /** Takes the request out of 'open', or fails with 409 when another writer already did (writing nothing). */
  private async claim(trx: Transaction, request: NumberRequestRecord, closing: RequestClosing): Promise<void> {
    if (await closeOpenRequest(trx, request.id, closing)) return;
    throw requestErrors.alreadyResolved(request.id, (await lockedRequestState(trx, request.id)) ?? request.state);
  }

  /** Only an active user still in the account is given a number: one removed since asking would hold it unseen. */
  private async assertRequesterActive(db: Queryable, request: NumberRequestRecord): Promise<void> {
    const user = await findUser(db, request.requesterUserId);
    const membership = user?.status === 'active' ? await effectiveMembership(db, request.requesterUserId, request.accountId) : undefined;
    if (!membership) throw requestErrors.requesterNotActive(request.id, request.requesterUserId);
  }

  /** After commit: the order's job and the requester's email (who may present a number is read afresh for each
   *  call, so an assignment needs no change event). The resolution is committed whatever happens here, so a failure is logged rather than answered as one. */
  private async afterResolution(scope: AccountScope, request: NumberRequestRecord, order: PlacedOrder | undefined): Promise<void> {
    const meta = { requestId: request.id, accountId: request.accountId };
    // A purchase's email is the order job's to send, when it settles the request.
    if (order) await this.deps.orders.enqueue(scope, order);
    else {
      await this.attempt('number request email not enqueued', meta, () =>
        this.deps.jobs.enqueue('email.number-request-resolved', { requestId: request.id }, resolvedEmailJobId(request.id)));
    }
    scope.log.info('number request resolved', { ...meta, resolution: request.resolution, numberId: request.number?.id ?? null });
  }

  private async attempt(failure: string, meta: Record<string, unknown>, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.deps.logger.error(failure, { ...meta, error: errorDetails(error) });
    }
  }

  /** A request the caller may see: any of the account's for admins, else only their own (others' are 404). */
  private async findVisible(db: Queryable, scope: AccountScope, requestId: number): Promise<NumberRequestRecord> {
    const request = await this.find(db, scope.accountId, requestId);
    if (!managesNumbers(scope) && request.requesterUserId !== scope.actor.user.id) throw requestErrors.notFound(requestId);
    return request;
  }

  private async find(db: Queryable, accountId: number, requestId: number): Promise<NumberRequestRecord> {
    const request = await findNumberRequest(db, accountId, requestId);
    if (!request) throw requestErrors.notFound(requestId);
    return request;
  }
}
