// What a provider offered in a search, remembered for the checkout (issue 10). A number is a record with its
// country, region, locality and capabilities, and a provider tells those only in its search answers: a purchase
// placed within half an hour of the search that offered the number records what was offered.
//
// Keyed by the trunk and the number, never by the account: an offer is the provider's fact, the same whoever
// searched, and the value holds nothing but that fact, so one account's search tells another nothing it could
// not search for itself. Redis is a help here, not a need: a failure is the caller's to log, and the number is
// bought all the same with what its E.164 prefix tells.
import type { Redis } from 'ioredis';
import type { AvailableNumber, NumberCapabilities } from '../../core/number-providers/provider';
import { SINGLE_LINE_PATTERN } from '../http/text-safety';

const OFFER_SECONDS = 30 * 60;
/** How long a checkout waits for Redis before it goes on without the offer (it holds the account's lock). */
const RECALL_WAIT_MS = 500;
/** phone_numbers.region and .locality are VARCHAR(80): an offer that does not fit is no offer. */
const PLACE_MAX_LENGTH = 80;
const SINGLE_LINE = new RegExp(SINGLE_LINE_PATTERN);

/** Where an offered number is and what it can do. */
export type OfferedPlace = Omit<AvailableNumber, 'number'>;

/** The Redis key of the trunk's offer of the number (exported for tests that damage it). */
export function offerKey(trunkId: number, number: string): string {
  return `pbx:number-offer:${trunkId}:${number}`;
}

export class NumberOffers {
  constructor(private readonly redis: Redis) {}

  /** Remembers each offer of the trunk's provider for OFFER_SECONDS (a later search of the number renews it). */
  async remember(trunkId: number, offers: AvailableNumber[]): Promise<void> {
    if (offers.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { number, country, region, locality, capabilities } of offers) {
      pipeline.set(offerKey(trunkId, number), JSON.stringify({ country, region, locality, capabilities }), 'EX', OFFER_SECONDS);
    }
    const failed = (await pipeline.exec())?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  /** The trunk's remembered offer of the number; undefined when none (never searched, expired, or unreadable). */
  async recall(trunkId: number, number: string): Promise<OfferedPlace | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis gave no offer within ${RECALL_WAIT_MS} ms`)), RECALL_WAIT_MS);
    });
    try {
      const value = await Promise.race([this.redis.get(offerKey(trunkId, number)), late]);
      return value === null ? undefined : parseOffer(value);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The stored value, if it is an offer that fits the number's columns. */
function parseOffer(value: string): OfferedPlace | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { country, region, locality, capabilities } = parsed as Record<string, unknown>;
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country) || !isPlaceName(region) || !isPlaceName(locality) || !isCapabilities(capabilities)) return undefined;
  return { country, region, locality, capabilities: { voice: capabilities.voice, sms: capabilities.sms, fax: capabilities.fax } };
}

/** A provider's place name we can store and show: one line, well-formed Unicode (a lone surrogate does not
 *  survive UTF-8, and utf8mb4 refuses it), short enough for its column. */
function isPlaceName(value: unknown): value is string | null {
  if (value === null) return true;
  return typeof value === 'string' && value.length <= PLACE_MAX_LENGTH && SINGLE_LINE.test(value) && Buffer.from(value, 'utf8').toString('utf8') === value;
}

function isCapabilities(value: unknown): value is NumberCapabilities {
  if (typeof value !== 'object' || value === null) return false;
  const flags = value as Record<string, unknown>;
  return typeof flags.voice === 'boolean' && typeof flags.sms === 'boolean' && typeof flags.fax === 'boolean';
}
