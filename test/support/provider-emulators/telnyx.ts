// Telnyx API v2 as its reference documents it, for the numbers' part: GET /available_phone_numbers (filter[...]),
// POST /number_orders, GET /number_orders/{id}, GET /phone_numbers (filter[phone_number], page[number],
// page[size], meta.total_pages), GET/PATCH/DELETE /phone_numbers/{id}; Bearer authentication; errors as
// { errors: [{ code, title, detail }] }. Orders complete at once (status "success").
import { randomUUID } from 'node:crypto';
import type { EmulatorRoute } from './faults';
import type { Holding, Listing, NumberCloud } from './inventory';
import type { EmulatorReply, EmulatorRequest, ProviderApi, RouteMatch } from './server';

const E164 = /^\+[1-9][0-9]{6,14}$/;

function errors(status: number, code: string, title: string, detail: string, pointer?: string): EmulatorReply {
  return { status, body: { errors: [{ code, title, detail, ...(pointer ? { source: { pointer } } : {}) }] } };
}

/** Telnyx's filters come as filter[x] or filter[x][] (its own examples use both). */
function filter(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(`filter[${name}]`) ?? query.get(`filter[${name}][]`);
  return value === null || value === '' ? undefined : value;
}

function features(listing: Listing): { name: string }[] {
  const names = ['voice', ...(listing.capabilities.sms ? ['sms'] : []), ...(listing.capabilities.mms ? ['mms'] : []), ...(listing.capabilities.fax ? ['fax'] : []), 'emergency'];
  return (listing.capabilities.voice ? names : names.filter((name) => name !== 'voice' && name !== 'emergency')).map((name) => ({ name }));
}

function availableNumber(listing: Listing): unknown {
  const { area } = listing;
  return {
    record_type: 'available_phone_number',
    phone_number: listing.number,
    vanity_format: null,
    best_effort: false,
    quickship: true,
    reservable: false,
    region_information: [
      { region_type: 'country_code', region_name: area.country },
      ...(area.region ? [{ region_type: 'state', region_name: area.region }] : []),
      { region_type: 'rate_center', region_name: area.rateCenter },
    ],
    cost_information: { upfront_cost: '1.00000', monthly_cost: '1.00000', currency: 'USD' },
    features: features(listing),
  };
}

function phoneNumber(holding: Holding, status = 'active'): unknown {
  return {
    id: holding.ref,
    record_type: 'phone_number',
    phone_number: holding.number,
    status,
    tags: [],
    connection_id: holding.routedTo,
    connection_name: null,
    customer_reference: holding.reference,
    messaging_profile_id: null,
    billing_group_id: null,
    emergency_enabled: false,
    call_forwarding_enabled: true,
    phone_number_type: 'local',
    purchased_at: holding.createdAt.toISOString(),
    created_at: holding.createdAt.toISOString(),
    updated_at: holding.updatedAt.toISOString(),
  };
}

interface OrderRecord {
  body: unknown;
}

export class TelnyxApi implements ProviderApi {
  private readonly orders = new Map<string, OrderRecord>();

  constructor(private readonly cloud: NumberCloud, private readonly apiKey: string) {}

  authenticate(request: EmulatorRequest): EmulatorReply | undefined {
    if (request.headers.authorization === `Bearer ${this.apiKey}`) return undefined;
    return errors(401, '10009', 'Authentication failed', 'The required authentication headers were either invalid or not included in the request.');
  }

  notFound(): EmulatorReply {
    return errors(404, '10005', 'Resource not found', 'The requested resource or URL could not be found.');
  }

  serverError(status: number): EmulatorReply {
    return status === 503
      ? errors(503, '10007', 'Service unavailable', 'The service is temporarily unavailable.')
      : errors(status, '10007', 'Unexpected error', 'An unexpected error occured.');
  }

  clientError(): EmulatorReply {
    return errors(400, '10015', 'Bad Request', 'The request failed because it was not well-formed.');
  }

  match(request: EmulatorRequest): RouteMatch | undefined {
    const { method, path } = request;
    const route = (name: EmulatorRoute, handle: (request: EmulatorRequest) => EmulatorReply): RouteMatch => ({ route: name, handle });
    if (method === 'GET' && path === '/available_phone_numbers') return route('search', (r) => this.search(r));
    if (method === 'POST' && path === '/number_orders') return route('purchase', (r) => this.order(r));
    const orderId = /^\/number_orders\/([^/]+)$/.exec(path)?.[1];
    if (method === 'GET' && orderId !== undefined) return route('lookup', () => this.showOrder(orderId));
    if (method === 'GET' && path === '/phone_numbers') return route(filter(request.query, 'phone_number') ? 'lookup' : 'list', (r) => this.list(r));
    const one = /^\/phone_numbers\/([^/]+)$/.exec(path)?.[1];
    if (one === undefined) return undefined;
    const ref = decodeURIComponent(one);
    if (method === 'GET') return route('lookup', () => this.show(ref));
    if (method === 'PATCH') return route('configure', (r) => this.update(ref, r));
    if (method === 'DELETE') return route('release', () => this.remove(ref));
    return undefined;
  }

  private showOrder(id: string): EmulatorReply {
    const order = this.orders.get(id);
    return order ? { status: 200, body: order.body } : this.notFound();
  }

  private search(request: EmulatorRequest): EmulatorReply {
    const country = filter(request.query, 'country_code')?.toUpperCase();
    const limit = Number(filter(request.query, 'limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1) return errors(400, '10015', 'Bad Request', 'filter[limit] must be a positive integer.', '/filter/limit');
    const wanted = [...request.query.getAll('filter[features][]'), ...request.query.getAll('filter[features]').flatMap((value) => value.split(','))];
    const needs = Object.fromEntries(wanted.map((name) => [name.trim().toLowerCase(), true]));
    const listings = country === undefined ? [] : this.cloud.search({
      country,
      region: filter(request.query, 'administrative_area'),
      locality: filter(request.query, 'locality'),
      areaCode: filter(request.query, 'national_destination_code'),
      needs,
      limit: Math.min(limit, 1000),
    });
    return { status: 200, body: { data: listings.map(availableNumber), meta: { total_results: listings.length, best_effort_results: 0 } } };
  }

  private order(request: EmulatorRequest): EmulatorReply {
    if (!/application\/json/i.test(request.headers['content-type'] ?? '')) return errors(415, '10014', 'Unsupported Media Type', 'The request failed because the server does not support the media type.');
    let body: { phone_numbers?: { phone_number?: unknown }[]; connection_id?: unknown; customer_reference?: unknown };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      return errors(400, '10023', 'Invalid JSON', 'The supplied JSON is invalid.');
    }
    if (!Array.isArray(body.phone_numbers) || body.phone_numbers.length === 0) return errors(422, '10004', 'Missing required parameter', 'phone_numbers is required.', '/phone_numbers');
    const numbers = body.phone_numbers.map((entry) => entry?.phone_number);
    const invalid = numbers.findIndex((number) => typeof number !== 'string' || !E164.test(number));
    if (invalid >= 0) return errors(422, '10016', 'Phone number must be in +E.164 format', 'The specified phone number parameter must be in +E.164 format.', `/phone_numbers/${invalid}/phone_number`);
    const unavailable = (numbers as string[]).findIndex((number) => !this.cloud.isAvailable(number));
    if (unavailable >= 0) return errors(422, '10015', 'Bad Request', `${numbers[unavailable] as string} is not available for purchase.`, `/phone_numbers/${unavailable}/phone_number`);
    const connection = body.connection_id === undefined || body.connection_id === null ? null : String(body.connection_id);
    const reference = typeof body.customer_reference === 'string' ? body.customer_reference : null;
    const held = this.cloud.buy(numbers as string[], { routedTo: connection, reference, friendlyName: null });
    if (!held) return errors(422, '10015', 'Bad Request', 'The phone numbers are not available for purchase.', '/phone_numbers');
    const id = randomUUID();
    const now = new Date().toISOString();
    const data = {
      id, record_type: 'number_order', phone_numbers_count: held.length, connection_id: connection, messaging_profile_id: null, billing_group_id: null,
      phone_numbers: held.map((holding) => ({ id: randomUUID(), record_type: 'number_order_phone_number', phone_number: holding.number, regulatory_requirements: [], requirements_met: true, status: 'success' })),
      sub_number_orders_ids: [], status: 'success', customer_reference: reference, created_at: now, updated_at: now, requirements_met: true,
    };
    this.orders.set(id, { body: { data } });
    return { status: 200, body: { data } };
  }

  private list(request: EmulatorRequest): EmulatorReply {
    const page = Number(request.query.get('page[number]') ?? 1);
    const size = Number(request.query.get('page[size]') ?? 20);
    if (!Number.isInteger(page) || page < 1) return errors(400, '10015', 'Bad Request', 'page[number] must be a positive integer.', '/page/number');
    if (!Number.isInteger(size) || size < 1 || size > 250) return errors(400, '10015', 'Bad Request', 'page[size] must be between 1 and 250.', '/page/size');
    let holdings = this.cloud.holdings();
    const number = filter(request.query, 'phone_number');
    if (number !== undefined) {
      if ((number.match(/\d/g) ?? []).length < 3) return errors(400, '10015', 'Bad Request', 'filter[phone_number] requires at least three digits.', '/filter/phone_number');
      // As documented: non-numerical characters match nothing; digits match anywhere in the number.
      holdings = /^\d+$/.test(number) ? holdings.filter((holding) => holding.number.includes(number)) : [];
    }
    const connection = filter(request.query, 'connection_id');
    if (connection !== undefined) holdings = holdings.filter((holding) => holding.routedTo === connection);
    const data = holdings.slice((page - 1) * size, page * size).map((holding) => phoneNumber(holding));
    return { status: 200, body: { data, meta: { total_pages: Math.ceil(holdings.length / size), total_results: holdings.length, page_number: page, page_size: size } } };
  }

  private show(ref: string): EmulatorReply {
    const holding = this.cloud.byRef(ref);
    return holding ? { status: 200, body: { data: phoneNumber(holding) } } : this.notFound();
  }

  private update(ref: string, request: EmulatorRequest): EmulatorReply {
    let body: { connection_id?: unknown };
    try {
      body = JSON.parse(request.body || '{}') as typeof body;
    } catch {
      return errors(400, '10023', 'Invalid JSON', 'The supplied JSON is invalid.');
    }
    if (!this.cloud.byRef(ref)) return this.notFound();
    if ('connection_id' in body) {
      const connection = body.connection_id === null || body.connection_id === '' ? null : String(body.connection_id);
      this.cloud.route(ref, connection);
    }
    return this.show(ref);
  }

  private remove(ref: string): EmulatorReply {
    const holding = this.cloud.release(ref);
    return holding ? { status: 200, body: { data: phoneNumber(holding, 'deleted') } } : this.notFound();
  }
}
