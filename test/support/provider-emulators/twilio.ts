// Twilio's REST API 2010-04-01 as its reference documents it, for the numbers' part, under
// /2010-04-01/Accounts/{AccountSid}: AvailablePhoneNumbers/{Country}/Local.json (AreaCode and InRegion for the
// US and Canada only, InLocality, VoiceEnabled, SmsEnabled, FaxEnabled, PageSize), IncomingPhoneNumbers.json
// (GET with PhoneNumber patterns and Page/PageSize/PageToken paging via next_page_uri; POST form-encoded
// PhoneNumber, TrunkSid, FriendlyName: 201), IncomingPhoneNumbers/{Sid}.json (GET; POST to update; DELETE: 204).
// Basic authentication with the account SID and auth token; errors as { code, message, more_info, status }.
import type { EmulatorRoute } from './faults';
import type { Holding, Listing, NumberCloud } from './inventory';
import type { EmulatorReply, EmulatorRequest, ProviderApi, RouteMatch } from './server';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const API = '/2010-04-01';

function failure(status: number, code: number, message: string): EmulatorReply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function friendly(number: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : number;
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function available(listing: Listing): unknown {
  const { area, capabilities } = listing;
  const nanp = area.callingCode === '1';
  return {
    friendly_name: friendly(listing.number),
    phone_number: listing.number,
    lata: nanp ? '358' : null,
    locality: area.locality,
    rate_center: nanp ? area.rateCenter : null,
    latitude: area.latitude.toFixed(6),
    longitude: area.longitude.toFixed(6),
    region: area.region,
    postal_code: area.postalCode,
    iso_country: area.country,
    address_requirements: nanp ? 'none' : 'local',
    beta: false,
    // As Twilio spells them for available numbers.
    capabilities: { voice: capabilities.voice, SMS: capabilities.sms, MMS: capabilities.mms, fax: capabilities.fax },
  };
}

export class TwilioApi implements ProviderApi {
  private readonly root: string;

  constructor(private readonly cloud: NumberCloud, private readonly accountSid: string, private readonly authToken: string) {
    this.root = `${API}/Accounts/${accountSid}`;
  }

  authenticate(request: EmulatorRequest): EmulatorReply | undefined {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (request.headers.authorization === expected) return undefined;
    return failure(401, 20003, 'Authenticate');
  }

  notFound(request: EmulatorRequest): EmulatorReply {
    return failure(404, 20404, `The requested resource ${request.path} was not found`);
  }

  serverError(status: number): EmulatorReply {
    return status === 503 ? failure(503, 20503, 'Service unavailable') : failure(status, 20500, 'An internal server error has occurred');
  }

  clientError(): EmulatorReply {
    return failure(400, 20001, 'Bad request');
  }

  match(request: EmulatorRequest): RouteMatch | undefined {
    const { method, path } = request;
    if (!path.startsWith(`${this.root}/`)) return undefined;
    const rest = path.slice(this.root.length);
    const route = (name: EmulatorRoute, handle: (request: EmulatorRequest) => EmulatorReply): RouteMatch => ({ route: name, handle });
    const country = /^\/AvailablePhoneNumbers\/([A-Za-z]{2})\/Local\.json$/.exec(rest)?.[1];
    if (method === 'GET' && country !== undefined) return route('search', (r) => this.search(country.toUpperCase(), r));
    if (rest === '/IncomingPhoneNumbers.json') {
      if (method === 'GET') return route(request.query.get('PhoneNumber') ? 'lookup' : 'list', (r) => this.list(r));
      if (method === 'POST') return route('purchase', (r) => this.buy(r));
      return undefined;
    }
    const sid = /^\/IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/.exec(rest)?.[1];
    if (sid === undefined) return undefined;
    if (method === 'GET') return route('lookup', (r) => this.show(sid, r));
    if (method === 'POST') return route('configure', (r) => this.update(sid, r));
    if (method === 'DELETE') return route('release', (r) => this.remove(sid, r));
    return undefined;
  }

  private incoming(holding: Holding): unknown {
    const { capabilities } = holding.listing;
    return {
      sid: holding.ref,
      account_sid: this.accountSid,
      friendly_name: holding.friendlyName ?? friendly(holding.number),
      phone_number: holding.number,
      trunk_sid: holding.routedTo,
      voice_url: null,
      voice_method: 'POST',
      voice_receive_mode: 'voice',
      sms_url: '',
      status: 'in-use',
      origin: 'twilio',
      address_requirements: 'none',
      beta: false,
      api_version: '2010-04-01',
      capabilities: { voice: capabilities.voice, sms: capabilities.sms, mms: capabilities.mms, fax: capabilities.fax },
      date_created: rfc2822(holding.createdAt),
      date_updated: rfc2822(holding.updatedAt),
      uri: `${this.root}/IncomingPhoneNumbers/${holding.ref}.json`,
    };
  }

  private search(country: string, request: EmulatorRequest): EmulatorReply {
    if (!this.cloud.hasCountry(country)) return this.notFound(request);
    const query = request.query;
    const size = Number(query.get('PageSize') ?? 50);
    if (!Number.isInteger(size) || size < 1 || size > 1000) return failure(400, 20001, 'PageSize must be between 1 and 1000');
    const nanp = country === 'US' || country === 'CA';
    const listings = this.cloud.search({
      country,
      // Documented as applying to the US and Canada only.
      region: nanp ? query.get('InRegion') ?? undefined : undefined,
      areaCode: nanp ? query.get('AreaCode') ?? undefined : undefined,
      locality: query.get('InLocality') ?? undefined,
      needs: { voice: query.get('VoiceEnabled') === 'true', sms: query.get('SmsEnabled') === 'true', mms: query.get('MmsEnabled') === 'true', fax: query.get('FaxEnabled') === 'true' },
      limit: size,
    });
    return { status: 200, body: { uri: `${request.path}?${query.toString()}`, available_phone_numbers: listings.map(available) } };
  }

  private list(request: EmulatorRequest): EmulatorReply {
    const query = request.query;
    const size = Number(query.get('PageSize') ?? 50);
    const page = Number(query.get('Page') ?? 0);
    if (!Number.isInteger(size) || size < 1 || size > 1000) return failure(400, 20001, 'PageSize must be between 1 and 1000');
    const token = query.get('PageToken');
    // Sids grow with each purchase: a page token names the last sid of the page before.
    let holdings = this.cloud.holdings().sort((a, b) => a.ref.localeCompare(b.ref));
    const pattern = query.get('PhoneNumber');
    if (pattern) {
      // Partial numbers and '*' for any digit, as documented; other characters are ignored.
      const digits = pattern.replace(/[^0-9*]/g, '').replace(/\*/g, '\\d');
      const matcher = new RegExp(digits);
      holdings = digits ? holdings.filter((holding) => matcher.test(holding.number.slice(1))) : [];
    }
    if (token) holdings = holdings.filter((holding) => holding.ref > token.replace(/^PA/, ''));
    const items = holdings.slice(0, size);
    const last = items[items.length - 1];
    const more = holdings.length > size && last !== undefined;
    const base = new URLSearchParams({ ...(pattern ? { PhoneNumber: pattern } : {}), PageSize: String(size) });
    const uri = (params: Record<string, string>) => `${this.root}/IncomingPhoneNumbers.json?${new URLSearchParams([...base, ...Object.entries(params)]).toString()}`;
    return {
      status: 200,
      body: {
        incoming_phone_numbers: items.map((holding) => this.incoming(holding)),
        page,
        page_size: size,
        start: page * size,
        end: page * size + Math.max(0, items.length - 1),
        uri: `${request.path}?${query.toString()}`,
        first_page_uri: uri({ Page: '0' }),
        previous_page_uri: page > 0 ? uri({ Page: String(page - 1) }) : null,
        next_page_uri: more ? uri({ Page: String(page + 1), PageToken: `PA${last.ref}` }) : null,
      },
    };
  }

  private form(request: EmulatorRequest): URLSearchParams | undefined {
    return /application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '') ? new URLSearchParams(request.body) : undefined;
  }

  private buy(request: EmulatorRequest): EmulatorReply {
    const form = this.form(request);
    const number = form?.get('PhoneNumber');
    if (!number || !E164.test(number)) return failure(400, 21421, 'PhoneNumber is invalid');
    if (!this.cloud.isAvailable(number)) return failure(400, 21422, 'PhoneNumber requested is not available');
    const trunk = form?.get('TrunkSid') || null;
    const held = this.cloud.buy([number], { routedTo: trunk, reference: null, friendlyName: form?.get('FriendlyName') || null });
    const holding = held?.[0];
    if (!holding) return failure(400, 21422, 'PhoneNumber requested is not available');
    return { status: 201, body: this.incoming(holding) };
  }

  private show(sid: string, request: EmulatorRequest): EmulatorReply {
    const holding = this.cloud.byRef(sid);
    return holding ? { status: 200, body: this.incoming(holding) } : this.notFound(request);
  }

  private update(sid: string, request: EmulatorRequest): EmulatorReply {
    if (!this.cloud.byRef(sid)) return this.notFound(request);
    const form = this.form(request) ?? new URLSearchParams();
    const trunk = form.get('TrunkSid');
    if (trunk !== null) this.cloud.route(sid, trunk === '' ? null : trunk);
    const name = form.get('FriendlyName');
    if (name) this.cloud.rename(sid, name);
    return this.show(sid, request);
  }

  private remove(sid: string, request: EmulatorRequest): EmulatorReply {
    return this.cloud.release(sid) ? { status: 204 } : this.notFound(request);
  }
}
