// What the purchase and release jobs share: their dependencies, loading an order with its number and provider,
// the rule that decides when a provider's failure is final, and the routing change that makes the result live.
import { UnrecoverableError, type Job } from 'bullmq';
import type { ProviderSite } from '../../core/number-providers/factory';
import type { JobQueue } from '../../core/job-queue';
import { ProviderError, type NumberProvider } from '../../core/number-providers/provider';
import type { Logger } from '../../core/logger';
import type { Database, Transaction } from '../../db/connection';
import { providerSiteOfTrunk } from '../../db/repositories/number-providers';
import {
  findOrder, findOrderedNumber, returnToPool, type NumberOrder, type OrderKind, type OrderedNumber,
} from '../../db/repositories/number-orders';
import { detachNumbers } from '../../db/repositories/phone-numbers';
import type { ChangeNotifier } from '../../admin-api/notifier';

export interface NumberJobDeps {
  db: Database;
  /** Tells the ARI app (and every cache) that the account's routing changed: a number went live or away. */
  notifier: ChangeNotifier;
  logger: Logger;
  /** The adapter of a provider site (core/number-providers/factory.ts createNumberProvider, with the secrets). */
  provider(site: ProviderSite): NumberProvider;
  /** Where a settled purchase's number-request email goes (request-outcomes.ts). */
  jobs: Pick<JobQueue, 'enqueueMany'>;
}

export interface LoadedOrder {
  order: NumberOrder;
  number: OrderedNumber;
  /** Undefined when the number's trunk (or its purchasing section) is gone from the files. */
  site: ProviderSite | undefined;
}

/** The order and its number; undefined when the order is already finished (a repeated job does nothing). An
 *  order that does not exist, or is of the other kind, is a job that can never succeed. */
export async function loadOpenOrder(db: Database, orderId: number, kind: OrderKind): Promise<LoadedOrder | undefined> {
  const order = await findOrder(db, orderId);
  if (!order || order.kind !== kind) throw new UnrecoverableError(`no ${kind} order ${orderId}`);
  if (order.state === 'completed' || order.state === 'failed') return undefined;
  const number = await findOrderedNumber(db, order.numberId);
  if (!number) throw new UnrecoverableError(`the number of order ${orderId} is gone`);
  const site = number.trunkId === null ? undefined : await providerSiteOfTrunk(db, number.trunkId);
  return { order, number, site };
}

/** BullMQ retries a failed attempt unless it was the last: attemptsMade counts the attempts that failed before
 *  this one. */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Whether a failure ends the order now: a provider's refusal (4xx), or a passing trouble (5xx, time-out) on the
 *  job's last attempt. Anything else is thrown for BullMQ to retry. */
export function isFinal(error: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): error is ProviderError {
  return error instanceof ProviderError && (error.kind === 'permanent' || isLastAttempt(job));
}

export function jobRequestId(orderId: number): string {
  return `job:number-order-${orderId}`;
}

/** A static-pool number leaves the account (route, owner, label, shares) and is free in its trunk's pool again. */
export async function giveBackToPool(trx: Transaction, numberId: number): Promise<void> {
  await detachNumbers(trx, [numberId]);
  await returnToPool(trx, numberId);
}
