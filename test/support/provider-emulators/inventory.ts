// A provider's numbers, as the emulators keep them: an inventory of available numbers per country and area
// code, generated from the seed (the same seed gives the same numbers, with the same place and capabilities),
// and the numbers we hold, with where each routes. Everything here is synchronous: a purchase checks and takes
// a number in one step, so concurrent orders of one number cannot both succeed (Node runs one at a time).
import { seededRandom } from './faults';

export interface Capabilities {
  voice: boolean;
  sms: boolean;
  mms: boolean;
  fax: boolean;
}

export interface Area {
  country: string;
  /** Digits, without '+'. */
  callingCode: string;
  areaCode: string;
  /** A US state or Canadian province; null elsewhere. */
  region: string | null;
  locality: string;
  rateCenter: string;
  subscriberDigits: number;
  postalCode: string;
  latitude: number;
  longitude: number;
}

export interface Listing {
  number: string;
  area: Area;
  capabilities: Capabilities;
}

export interface Holding {
  /** The provider's id: a Telnyx phone number id, a Twilio PN sid. */
  ref: string;
  number: string;
  listing: Listing;
  routedTo: string | null;
  reference: string | null;
  friendlyName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AreaFilter {
  country: string;
  region?: string;
  locality?: string;
  areaCode?: string;
  needs: Partial<Capabilities>;
  limit: number;
}

function nanp(country: string, areaCode: string, region: string, locality: string, rateCenter: string, postalCode: string, latitude: number, longitude: number): Area {
  return { country, callingCode: '1', areaCode, region, locality, rateCenter, subscriberDigits: 7, postalCode, latitude, longitude };
}

function abroad(country: string, callingCode: string, areaCode: string, locality: string, subscriberDigits: number, postalCode: string, latitude: number, longitude: number): Area {
  return { country, callingCode, areaCode, region: null, locality, rateCenter: locality.toUpperCase(), subscriberDigits, postalCode, latitude, longitude };
}

export const AREAS: readonly Area[] = [
  nanp('US', '312', 'IL', 'Chicago', 'CHICAGO ZONE 01', '60601', 41.88, -87.62),
  nanp('US', '773', 'IL', 'Chicago', 'CHICAGO ZONE 11', '60614', 41.92, -87.65),
  nanp('US', '217', 'IL', 'Springfield', 'SPRINGFIELD', '62701', 39.8, -89.64),
  nanp('US', '415', 'CA', 'San Francisco', 'SNFC CNTRL', '94105', 37.79, -122.4),
  nanp('US', '213', 'CA', 'Los Angeles', 'LOS ANGELES', '90012', 34.05, -118.24),
  nanp('US', '212', 'NY', 'New York', 'NWYRCYZN01', '10007', 40.71, -74.0),
  nanp('US', '617', 'MA', 'Boston', 'BOSTON', '02108', 42.36, -71.06),
  nanp('US', '206', 'WA', 'Seattle', 'SEATTLE', '98101', 47.61, -122.33),
  nanp('US', '512', 'TX', 'Austin', 'AUSTIN', '78701', 30.27, -97.74),
  nanp('US', '713', 'TX', 'Houston', 'HOUSTON', '77002', 29.76, -95.37),
  nanp('US', '303', 'CO', 'Denver', 'DENVER', '80202', 39.74, -104.99),
  nanp('US', '305', 'FL', 'Miami', 'MIAMI', '33130', 25.77, -80.19),
  nanp('US', '404', 'GA', 'Atlanta', 'ATLANTA', '30303', 33.75, -84.39),
  nanp('US', '702', 'NV', 'Las Vegas', 'LAS VEGAS', '89101', 36.17, -115.14),
  nanp('CA', '416', 'ON', 'Toronto', 'TORONTO', 'M5H', 43.65, -79.38),
  nanp('CA', '604', 'BC', 'Vancouver', 'VANCOUVER', 'V6B', 49.28, -123.12),
  nanp('CA', '514', 'QC', 'Montreal', 'MONTREAL', 'H2Y', 45.5, -73.57),
  abroad('GB', '44', '20', 'London', 8, 'EC1A', 51.51, -0.13),
  abroad('GB', '44', '161', 'Manchester', 7, 'M1', 53.48, -2.24),
  abroad('DE', '49', '30', 'Berlin', 8, '10115', 52.52, 13.4),
  abroad('DE', '49', '89', 'Munich', 8, '80331', 48.14, 11.58),
  abroad('FR', '33', '1', 'Paris', 8, '75001', 48.86, 2.35),
];

/** Numbers generated per area: enough for the benchmark's hundreds of purchases in one place. */
const PER_AREA = 4000;

function hashOf(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash >>> 0;
}

function subscriber(area: Area, random: () => number): string {
  if (area.callingCode !== '1') {
    return String(1 + Math.floor(random() * 9)) + String(Math.floor(random() * 10 ** (area.subscriberDigits - 1))).padStart(area.subscriberDigits - 1, '0');
  }
  // NANP exchanges are [2-9]XX and never N11; 555 is left to fiction.
  let exchange: number;
  do exchange = 200 + Math.floor(random() * 800); while (exchange % 100 === 11 || exchange === 555);
  return `${exchange}${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
}

function generate(area: Area, seed: number): Listing[] {
  const random = seededRandom(seed ^ hashOf(`${area.country}:${area.areaCode}`));
  const seen = new Set<string>();
  const listings: Listing[] = [];
  while (listings.length < PER_AREA) {
    const number = `+${area.callingCode}${area.areaCode}${subscriber(area, random)}`;
    if (seen.has(number)) continue;
    seen.add(number);
    const sms = random() < 0.7;
    listings.push({ number, area, capabilities: { voice: random() < 0.97, sms, mms: sms && random() < 0.8, fax: random() < 0.35 } });
  }
  return listings;
}

const same = (a: string, b: string): boolean => a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0;

export class NumberCloud {
  private readonly generated = new Map<Area, { listings: Listing[]; byNumber: Map<string, Listing> }>();
  private readonly held = new Map<string, Holding>();
  private readonly refs = new Map<string, Holding>();
  private readonly bought = new Map<string, number>();
  private readonly offsets: () => number;

  constructor(private readonly seed: number, private readonly newRef: () => string) {
    this.offsets = seededRandom(seed ^ 0x0ff5e7);
  }

  hasCountry(country: string): boolean {
    return AREAS.some((area) => area.country === country);
  }

  /** Available numbers matching the filter. Each search starts at a random place in each area, as real
   *  inventories answer differently from one search to the next, so concurrent buyers spread out. */
  search(filter: AreaFilter): Listing[] {
    const found: Listing[] = [];
    for (const area of this.areasOf(filter)) {
      const { listings } = this.inventoryOf(area);
      const start = Math.floor(this.offsets() * listings.length);
      for (let step = 0; step < listings.length && found.length < filter.limit; step += 1) {
        const listing = listings[(start + step) % listings.length] as Listing;
        if (this.held.has(listing.number)) continue;
        if ((['voice', 'sms', 'mms', 'fax'] as const).every((capability) => !filter.needs[capability] || listing.capabilities[capability])) found.push(listing);
      }
      if (found.length >= filter.limit) break;
    }
    return found;
  }

  private areasOf(filter: AreaFilter): Area[] {
    return AREAS.filter((area) => area.country === filter.country
      && (filter.region === undefined || (area.region !== null && same(area.region, filter.region)))
      && (filter.locality === undefined || same(area.locality, filter.locality))
      && (filter.areaCode === undefined || area.areaCode === filter.areaCode));
  }

  private inventoryOf(area: Area): { listings: Listing[]; byNumber: Map<string, Listing> } {
    let inventory = this.generated.get(area);
    if (!inventory) {
      const listings = generate(area, this.seed);
      inventory = { listings, byNumber: new Map(listings.map((listing) => [listing.number, listing])) };
      this.generated.set(area, inventory);
    }
    return inventory;
  }

  /** The number as the inventory lists it (held or not); undefined for a number the provider never had. */
  listing(number: string): Listing | undefined {
    for (const area of AREAS) {
      if (number.startsWith(`+${area.callingCode}${area.areaCode}`)) {
        const listing = this.inventoryOf(area).byNumber.get(number);
        if (listing) return listing;
      }
    }
    return undefined;
  }

  isAvailable(number: string): boolean {
    return !this.held.has(number) && this.listing(number) !== undefined;
  }

  /** Takes the numbers, all or none: undefined (nothing taken) when any is not available. */
  buy(numbers: string[], details: { routedTo: string | null; reference: string | null; friendlyName: string | null }): Holding[] | undefined {
    if (numbers.length === 0 || new Set(numbers).size !== numbers.length || !numbers.every((number) => this.isAvailable(number))) return undefined;
    return numbers.map((number) => {
      this.bought.set(number, (this.bought.get(number) ?? 0) + 1);
      return this.hold(this.listing(number) as Listing, details);
    });
  }

  private hold(listing: Listing, details: { routedTo: string | null; reference: string | null; friendlyName: string | null }): Holding {
    const now = new Date();
    const holding: Holding = { ref: this.newRef(), number: listing.number, listing, ...details, createdAt: now, updatedAt: now };
    this.held.set(holding.number, holding);
    this.refs.set(holding.ref, holding);
    return holding;
  }

  byRef(ref: string): Holding | undefined {
    return this.refs.get(ref);
  }

  route(ref: string, routedTo: string | null): Holding | undefined {
    const holding = this.refs.get(ref);
    if (holding) Object.assign(holding, { routedTo, updatedAt: new Date() });
    return holding;
  }

  rename(ref: string, friendlyName: string): void {
    const holding = this.refs.get(ref);
    if (holding) holding.friendlyName = friendlyName;
  }

  /** Gives the number back: it is available again. */
  release(ref: string): Holding | undefined {
    const holding = this.refs.get(ref);
    if (!holding) return undefined;
    this.refs.delete(ref);
    this.held.delete(holding.number);
    return holding;
  }

  /** Ours, in the order we came to hold them. */
  holdings(): Holding[] {
    return [...this.held.values()];
  }

  timesBought(number: string): number {
    return this.bought.get(number) ?? 0;
  }

  releaseBehindOurBack(number: string): void {
    const holding = this.held.get(number);
    if (!holding) throw new Error(`the emulator holds no ${number} to drop`);
    this.release(holding.ref);
  }

  /** A number we hold without having bought it here (the inventory may not even list it). */
  addOwnedBehindOurBack(number: string): void {
    if (this.held.has(number)) throw new Error(`the emulator already holds ${number}`);
    const area = AREAS.find((candidate) => number.startsWith(`+${candidate.callingCode}${candidate.areaCode}`)) ?? (AREAS[0] as Area);
    const listing = this.listing(number) ?? { number, area, capabilities: { voice: true, sms: false, mms: false, fax: false } };
    this.hold(listing, { routedTo: null, reference: null, friendlyName: null });
  }
}
