// Twilio REST API 2010-04-01 (https://www.twilio.com/docs/phone-numbers/api): numbers are searched under
// AvailablePhoneNumbers/{Country}/Local.json, bought by POSTing them (form-encoded) to IncomingPhoneNumbers.json,
// and then live as IncomingPhoneNumber resources (PN… sids) whose TrunkSid sends their calls to an Elastic SIP
// trunk (ours). Basic authentication with the account SID and its auth token.
//
// Twilio takes no idempotency key here: a retried purchase is made safe by the "already mine?" lookup alone.
import { isE164 } from '../dialing/numbers';
import { ProviderHttpClient } from './http';
import { inAreaCode, isNanpCountry, normalisePlace } from './regions';
import { ProviderError, type AvailableNumber, type NumberProvider, type NumberSearch, type OwnedNumber } from './provider';

export const TWILIO_BASE_URL = 'https://api.twilio.com';

export interface TwilioOptions {
  accountSid: string;
  /** The auth token, or how to read it (per request). */
  authToken: string | (() => string);
  /** Default https://api.twilio.com (the API's paths, and its next_page_uri, start at /2010-04-01). */
  baseUrl?: string;
  /** The Elastic SIP trunk the numbers' calls go to (the trunk file's purchasing.routeTo). */
  trunkSid?: string;
  timeoutMs?: number;
  /** PageSize when listing our numbers (Twilio allows up to 1000). */
  pageSize?: number;
}

interface TwilioAvailable {
  phone_number?: string;
  locality?: string | null;
  region?: string | null;
  iso_country?: string;
  capabilities?: Record<string, boolean | undefined>;
}

interface TwilioIncoming {
  sid?: string;
  phone_number?: string;
  trunk_sid?: string | null;
}

interface TwilioIncomingPage {
  incoming_phone_numbers?: TwilioIncoming[];
  next_page_uri?: string | null;
}

const MAX_PAGES = 10_000;

export class TwilioProvider implements NumberProvider {
  readonly api = 'twilio';
  private readonly http: ProviderHttpClient;
  private readonly root: string;
  private readonly trunkSid: string | undefined;
  private readonly pageSize: number;

  constructor(options: TwilioOptions) {
    if (!/^AC[0-9a-fA-F]{32}$/.test(options.accountSid)) throw new ProviderError('permanent', `"${options.accountSid}" is not a Twilio account SID (AC and 32 hexadecimal digits)`);
    const { accountSid, authToken } = options;
    this.http = new ProviderHttpClient({
      provider: 'Twilio',
      baseUrl: options.baseUrl ?? TWILIO_BASE_URL,
      timeoutMs: options.timeoutMs ?? 10_000,
      authorization: () => `Basic ${Buffer.from(`${accountSid}:${typeof authToken === 'function' ? authToken() : authToken}`).toString('base64')}`,
      errorText: twilioErrorText,
    });
    this.root = `/2010-04-01/Accounts/${accountSid}`;
    this.trunkSid = options.trunkSid;
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  }

  async search(query: NumberSearch): Promise<AvailableNumber[]> {
    const place = normalisePlace(query);
    const nanp = isNanpCountry(place.country);
    const caps = query.capabilities ?? {};
    // AreaCode and InRegion apply to the US and Canada only: elsewhere we ask for more and keep the area's.
    const areaElsewhere = !nanp && place.areaCode !== undefined;
    const { body } = await this.http.request({
      method: 'GET',
      path: `${this.root}/AvailablePhoneNumbers/${place.country}/Local.json`,
      query: {
        AreaCode: nanp ? place.areaCode : undefined,
        InRegion: nanp ? place.region : undefined,
        InLocality: place.locality,
        VoiceEnabled: caps.voice ? 'true' : undefined,
        SmsEnabled: caps.sms ? 'true' : undefined,
        FaxEnabled: caps.fax ? 'true' : undefined,
        PageSize: areaElsewhere ? Math.min(1000, query.limit * 10) : query.limit,
      },
      // 404: Twilio has no local numbers in that country.
      accept: [404],
    });
    const entries = (body as { available_phone_numbers?: TwilioAvailable[] } | undefined)?.available_phone_numbers ?? [];
    return entries
      .flatMap((entry) => available(entry, place.country))
      .filter((number) => !areaElsewhere || inAreaCode(number.number, place.country, place.areaCode as string))
      .filter((number) => (['voice', 'sms', 'fax'] as const).every((feature) => !caps[feature] || number.capabilities[feature]))
      .slice(0, query.limit);
  }

  async findOwned(number: string): Promise<OwnedNumber | undefined> {
    // PhoneNumber matches patterns (partial numbers, wildcards): the exact number is picked from the answer.
    const { body } = await this.http.request({ method: 'GET', path: `${this.root}/IncomingPhoneNumbers.json`, query: { PhoneNumber: number, PageSize: 50 } });
    const match = ((body as TwilioIncomingPage | undefined)?.incoming_phone_numbers ?? []).find((entry) => entry.phone_number === number);
    return match && owned(match);
  }

  async purchase(number: string, idempotencyKey: string): Promise<OwnedNumber> {
    const { body } = await this.http.request({
      method: 'POST',
      path: `${this.root}/IncomingPhoneNumbers.json`,
      // The order's key as the friendly name: what ops see in Twilio's console, to match it with our order.
      form: { PhoneNumber: number, TrunkSid: this.trunkSid, FriendlyName: idempotencyKey.slice(0, 64) },
    });
    const bought = body as TwilioIncoming | undefined;
    if (!bought?.sid || bought.phone_number !== number) throw new ProviderError('transient', `Twilio's answer to buying ${number} names no such number`);
    return owned(bought);
  }

  async configureRouting(target: OwnedNumber): Promise<void> {
    if (!this.trunkSid) throw new ProviderError('permanent', 'the trunk file names no Twilio trunk SID to route numbers to (purchasing.routeTo)');
    if (target.routedTo === this.trunkSid) return;
    await this.http.request({ method: 'POST', path: this.numberPath(target), form: { TrunkSid: this.trunkSid } });
  }

  async release(target: OwnedNumber): Promise<void> {
    // 204 when released; 404 when already gone, which is what a release wants.
    await this.http.request({ method: 'DELETE', path: this.numberPath(target), accept: [404] });
  }

  async listOwned(): Promise<OwnedNumber[]> {
    const all: OwnedNumber[] = [];
    let path: string | null = `${this.root}/IncomingPhoneNumbers.json?PageSize=${this.pageSize}`;
    for (let page = 0; path && page < MAX_PAGES; page += 1) {
      const { body } = await this.http.request({ method: 'GET', path });
      const answer = (body as TwilioIncomingPage | undefined) ?? {};
      for (const entry of answer.incoming_phone_numbers ?? []) if (entry.sid && entry.phone_number) all.push(owned(entry));
      path = answer.next_page_uri ?? null;
    }
    return all;
  }

  private numberPath(target: OwnedNumber): string {
    return `${this.root}/IncomingPhoneNumbers/${encodeURIComponent(target.providerRef)}.json`;
  }
}

function available(entry: TwilioAvailable, country: string): AvailableNumber[] {
  if (!entry.phone_number || !isE164(entry.phone_number)) return [];
  // Available numbers spell their capabilities "voice", "SMS", "MMS" (and "fax"); incoming ones in lower case.
  const caps = Object.fromEntries(Object.entries(entry.capabilities ?? {}).map(([key, value]) => [key.toLowerCase(), value === true]));
  return [{
    number: entry.phone_number,
    country: entry.iso_country?.toUpperCase() ?? country,
    region: entry.region || null,
    locality: entry.locality || null,
    capabilities: { voice: caps.voice === true, sms: caps.sms === true, fax: caps.fax === true },
  }];
}

function owned(entry: TwilioIncoming): OwnedNumber {
  return { number: entry.phone_number ?? '', providerRef: entry.sid ?? '', routedTo: entry.trunk_sid || null };
}

function twilioErrorText(body: unknown): string | undefined {
  const error = body as { code?: number; message?: string; more_info?: string } | undefined;
  if (!error?.message) return undefined;
  return error.code === undefined ? error.message : `[${error.code}] ${error.message}`;
}
