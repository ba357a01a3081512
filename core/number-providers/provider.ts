// The one interface every source of phone numbers is reached through (issue 10): a provider's cloud API
// (Telnyx v2, Twilio 2010-04-01) or the static pool of numbers ops list in trunk files. The purchase and
// release jobs, the search route and the reconciliation job speak only this interface.
//
// Errors are values with a kind, because what the job does next depends on it: a transient failure (5xx,
// time-out, connection refused, 429) is retried with backoff; a permanent one (any other 4xx: the number is
// gone, our request was wrong) fails the job for good.

export interface NumberCapabilities {
  voice: boolean;
  sms: boolean;
  fax: boolean;
}

export interface NumberSearch {
  /** ISO 3166-1 alpha-2, e.g. "US". */
  country: string;
  /** A state or province, as the provider names it (e.g. "IL", "CA"). */
  region?: string;
  locality?: string;
  /** The national destination (area) code, e.g. "312". */
  areaCode?: string;
  /** Only numbers with every capability asked for. */
  capabilities?: Partial<NumberCapabilities>;
  limit: number;
}

export interface AvailableNumber {
  /** E.164 with its "+". */
  number: string;
  country: string;
  region: string | null;
  locality: string | null;
  capabilities: NumberCapabilities;
}

export interface OwnedNumber {
  number: string;
  /** The provider's id of the number (Telnyx phone number id, Twilio PN sid, the static pool's number). */
  providerRef: string;
  /** Where the provider sends the number's calls (Telnyx connection id, Twilio trunk sid); null if nowhere. */
  routedTo: string | null;
}

export type ProviderErrorKind = 'transient' | 'permanent';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** The provider's HTTP status, when it answered. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface NumberProvider {
  /** 'telnyx', 'twilio' or 'static-pool': stored as phone_numbers.provider. */
  readonly api: string;
  search(query: NumberSearch): Promise<AvailableNumber[]>;
  /** "Is it already mine?": the number if we own it at the provider. Runs before every order, so that a job
   *  that ordered and crashed before recording the order does not buy the number twice. */
  findOwned(number: string): Promise<OwnedNumber | undefined>;
  /** Orders the number. `idempotencyKey` is stable per order: sent where the API takes one (a header or a
   *  customer reference) so the provider can recognise a repeat. */
  purchase(number: string, idempotencyKey: string): Promise<OwnedNumber>;
  /** Points the number's calls at our trunk (the connection or trunk named in the trunk file). */
  configureRouting(owned: OwnedNumber): Promise<void>;
  /** Gives the number back. Releasing a number the provider no longer has us own is not an error. */
  release(owned: OwnedNumber): Promise<void>;
  /** Every number we own at the provider (all pages). */
  listOwned(): Promise<OwnedNumber[]>;
}
