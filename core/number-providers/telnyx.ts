// Telnyx API v2 (https://developers.telnyx.com): numbers are searched at GET /available_phone_numbers, bought
// with a number order (POST /number_orders), and then live as phone number resources (GET/PATCH/DELETE
// /phone_numbers/{id}) whose connection_id is where their calls go (our trunk's SIP connection).
//
// A number order's answer names the order, not the phone number resource, and an order may still be pending:
// the purchase reads the number back through the same lookup a retry starts with ("already mine?").
import { isE164 } from '../dialing/numbers';
import { ProviderHttpClient } from './http';
import { normalisePlace } from './regions';
import { ProviderError, type AvailableNumber, type NumberProvider, type NumberSearch, type OwnedNumber } from './provider';

export const TELNYX_BASE_URL = 'https://api.telnyx.com/v2';

export interface TelnyxOptions {
  /** The API key, or how to read it (per request). */
  apiKey: string | (() => string);
  /** Default https://api.telnyx.com/v2. */
  baseUrl?: string;
  /** The SIP connection the numbers' calls go to (the trunk file's purchasing.routeTo). */
  connectionId?: string;
  timeoutMs?: number;
  /** page[size] when listing our numbers (Telnyx allows 1..250). */
  pageSize?: number;
  /** How long the purchase waits for a pending order's number to appear (then it is left to a retry). */
  orderSettleMs?: number;
}

interface TelnyxAvailable {
  phone_number?: string;
  features?: { name?: string }[];
  region_information?: { region_type?: string; region_name?: string }[];
}

interface TelnyxPhoneNumber {
  id?: string | number;
  phone_number?: string;
  status?: string;
  connection_id?: string | number | null;
}

interface TelnyxPage<T> {
  data?: T[];
  meta?: { total_pages?: number; page_number?: number };
}

interface TelnyxOrder {
  data?: { id?: string; status?: string; phone_numbers?: { phone_number?: string; status?: string }[] };
}

/** Statuses of a phone number resource that is no longer (or never became) ours. */
const GONE_STATUSES = new Set(['deleted', 'purchase_failed', 'purchase-failed', 'ported_out', 'ported-out']);
const MAX_PAGES = 10_000;

export class TelnyxProvider implements NumberProvider {
  readonly api = 'telnyx';
  private readonly http: ProviderHttpClient;
  private readonly connectionId: string | undefined;
  private readonly pageSize: number;
  private readonly orderSettleMs: number;

  constructor(options: TelnyxOptions) {
    const apiKey = options.apiKey;
    this.http = new ProviderHttpClient({
      provider: 'Telnyx',
      baseUrl: options.baseUrl ?? TELNYX_BASE_URL,
      timeoutMs: options.timeoutMs ?? 10_000,
      authorization: () => `Bearer ${typeof apiKey === 'function' ? apiKey() : apiKey}`,
      errorText: telnyxErrorText,
    });
    this.connectionId = options.connectionId;
    this.pageSize = Math.min(250, Math.max(1, options.pageSize ?? 250));
    this.orderSettleMs = options.orderSettleMs ?? 2_000;
  }

  async search(query: NumberSearch): Promise<AvailableNumber[]> {
    const place = normalisePlace(query);
    const wanted = wantedFeatures(query.capabilities);
    const { body } = await this.http.request({
      method: 'GET',
      path: '/available_phone_numbers',
      query: {
        'filter[country_code]': place.country,
        'filter[administrative_area]': place.region,
        'filter[locality]': place.locality,
        'filter[national_destination_code]': place.areaCode,
        'filter[features][]': wanted.length > 0 ? wanted : undefined,
        'filter[limit]': query.limit,
      },
    });
    const found = ((body as TelnyxPage<TelnyxAvailable> | undefined)?.data ?? []).flatMap((entry) => available(entry, place.country, place.locality));
    // Telnyx may add "best effort" numbers near the place asked for: we offer only what matches the features.
    return found.filter((number) => wanted.every((feature) => number.capabilities[feature])).slice(0, query.limit);
  }

  async findOwned(number: string): Promise<OwnedNumber | undefined> {
    // filter[phone_number] takes digits only (Telnyx returns nothing when it has other characters) and
    // matches partially: the exact number is picked from the answer.
    const { body } = await this.http.request({
      method: 'GET',
      path: '/phone_numbers',
      query: { 'filter[phone_number]': number.replace(/\D/g, ''), 'page[size]': 250 },
    });
    const match = ((body as TelnyxPage<TelnyxPhoneNumber> | undefined)?.data ?? []).find((entry) => entry.phone_number === number && !GONE_STATUSES.has(entry.status ?? ''));
    return match && owned(match);
  }

  async purchase(number: string, idempotencyKey: string): Promise<OwnedNumber> {
    const key = idempotencyKey.replace(/[^A-Za-z0-9_:-]/g, '-').slice(0, 255);
    const { body } = await this.http.request({
      method: 'POST',
      path: '/number_orders',
      headers: { 'Idempotency-Key': key },
      json: { phone_numbers: [{ phone_number: number }], connection_id: this.connectionId, customer_reference: key },
    });
    const order = (body as TelnyxOrder | undefined)?.data;
    const line = order?.phone_numbers?.find((entry) => entry.phone_number === number);
    if (order?.status === 'failure' || line?.status === 'failure') {
      throw new ProviderError('permanent', `Telnyx number order ${order?.id ?? ''} for ${number} failed`);
    }
    return this.awaitOrdered(number, order?.id);
  }

  private async awaitOrdered(number: string, orderId: string | undefined): Promise<OwnedNumber> {
    const deadline = Date.now() + this.orderSettleMs;
    for (;;) {
      const found = await this.findOwned(number);
      if (found) return found;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Ordered but not listed yet: a retry's lookup finds it once the order completes, and orders nothing.
    throw new ProviderError('transient', `Telnyx number order ${orderId ?? ''} for ${number} is still pending`);
  }

  async configureRouting(target: OwnedNumber): Promise<void> {
    if (!this.connectionId) throw new ProviderError('permanent', 'the trunk file names no Telnyx connection to route numbers to (purchasing.routeTo)');
    if (target.routedTo === this.connectionId) return;
    await this.http.request({ method: 'PATCH', path: `/phone_numbers/${encodeURIComponent(target.providerRef)}`, json: { connection_id: this.connectionId } });
  }

  async release(target: OwnedNumber): Promise<void> {
    // 404: already gone (released before, or by the provider): what a release wants.
    await this.http.request({ method: 'DELETE', path: `/phone_numbers/${encodeURIComponent(target.providerRef)}`, accept: [404] });
  }

  async listOwned(): Promise<OwnedNumber[]> {
    const all: OwnedNumber[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const { body } = await this.http.request({ method: 'GET', path: '/phone_numbers', query: { 'page[number]': page, 'page[size]': this.pageSize } });
      const { data = [], meta } = (body as TelnyxPage<TelnyxPhoneNumber> | undefined) ?? {};
      for (const entry of data) if (!GONE_STATUSES.has(entry.status ?? '')) all.push(...(entry.phone_number ? [owned(entry)] : []));
      if (data.length === 0 || page >= (meta?.total_pages ?? page)) break;
    }
    return all;
  }
}

function wantedFeatures(capabilities: NumberSearch['capabilities']): ('voice' | 'sms' | 'fax')[] {
  return (['voice', 'sms', 'fax'] as const).filter((feature) => capabilities?.[feature] === true);
}

function available(entry: TelnyxAvailable, country: string, askedLocality: string | undefined): AvailableNumber[] {
  if (!entry.phone_number || !isE164(entry.phone_number)) return [];
  const features = new Set((entry.features ?? []).map((feature) => feature.name));
  const region = (type: string) => entry.region_information?.find((info) => info.region_type === type)?.region_name;
  return [{
    number: entry.phone_number,
    country: region('country_code')?.toUpperCase() ?? country,
    region: region('state') ?? null,
    locality: region('location') ?? localityOf(region('rate_center'), askedLocality),
    capabilities: { voice: features.has('voice'), sms: features.has('sms'), fax: features.has('fax') },
  }];
}

/** Telnyx names US places by rate center ("CHICAGO ZONE 02"): the city is its first words, in title case.
 *  When the search named a locality, Telnyx filtered by it: that name stands unless the rate center spells
 *  the same place (rate centers are often abbreviations, "SNFC CNTRL"). */
function localityOf(rateCenter: string | undefined, asked: string | undefined): string | null {
  const city = rateCenter?.replace(/\s+ZONE\s+\d+$/i, '').trim().toLowerCase().replace(/\b[a-z]/g, (letter) => letter.toUpperCase());
  if (asked === undefined) return city || null;
  return city && city.toLowerCase() === asked.toLowerCase() ? city : asked;
}

function owned(entry: TelnyxPhoneNumber): OwnedNumber {
  const connection = entry.connection_id;
  return {
    number: entry.phone_number ?? '',
    providerRef: String(entry.id ?? ''),
    routedTo: connection === null || connection === undefined || connection === '' ? null : String(connection),
  };
}

function telnyxErrorText(body: unknown): string | undefined {
  const errors = (body as { errors?: { code?: string | number; title?: string; detail?: string }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((error) => [error.code && `[${error.code}]`, error.title, error.detail].filter(Boolean).join(' ')).join('; ');
}
