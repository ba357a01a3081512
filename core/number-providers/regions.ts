// How a number search's place is written for the providers: ISO country codes in capitals, North American
// regions as their two-letter postal codes ("Illinois" and "il" both become "IL", which is what Telnyx's
// administrative_area and Twilio's InRegion take), area codes as bare digits without a trunk prefix ("020"
// in the UK is "20", "1-312" is "312"). Every adapter reads the user's search through this one module, so the
// same search finds the same place at every provider.
import { destinationOf } from '../dialing/countries';
import { ProviderError } from './provider';

/** Countries of the North American Numbering Plan we sell: +1, three-digit area codes, two-letter regions. */
const NANP = new Set(['US', 'CA', 'PR']);

const NANP_REGIONS: Readonly<Record<string, string>> = {
  ALABAMA: 'AL', ALASKA: 'AK', ARIZONA: 'AZ', ARKANSAS: 'AR', CALIFORNIA: 'CA', COLORADO: 'CO', CONNECTICUT: 'CT',
  DELAWARE: 'DE', 'DISTRICT OF COLUMBIA': 'DC', FLORIDA: 'FL', GEORGIA: 'GA', HAWAII: 'HI', IDAHO: 'ID', ILLINOIS: 'IL',
  INDIANA: 'IN', IOWA: 'IA', KANSAS: 'KS', KENTUCKY: 'KY', LOUISIANA: 'LA', MAINE: 'ME', MARYLAND: 'MD',
  MASSACHUSETTS: 'MA', MICHIGAN: 'MI', MINNESOTA: 'MN', MISSISSIPPI: 'MS', MISSOURI: 'MO', MONTANA: 'MT',
  NEBRASKA: 'NE', NEVADA: 'NV', 'NEW HAMPSHIRE': 'NH', 'NEW JERSEY': 'NJ', 'NEW MEXICO': 'NM', 'NEW YORK': 'NY',
  'NORTH CAROLINA': 'NC', 'NORTH DAKOTA': 'ND', OHIO: 'OH', OKLAHOMA: 'OK', OREGON: 'OR', PENNSYLVANIA: 'PA',
  'RHODE ISLAND': 'RI', 'SOUTH CAROLINA': 'SC', 'SOUTH DAKOTA': 'SD', TENNESSEE: 'TN', TEXAS: 'TX', UTAH: 'UT',
  VERMONT: 'VT', VIRGINIA: 'VA', WASHINGTON: 'WA', 'WEST VIRGINIA': 'WV', WISCONSIN: 'WI', WYOMING: 'WY',
  'PUERTO RICO': 'PR', ALBERTA: 'AB', 'BRITISH COLUMBIA': 'BC', MANITOBA: 'MB', 'NEW BRUNSWICK': 'NB',
  'NEWFOUNDLAND AND LABRADOR': 'NL', 'NOVA SCOTIA': 'NS', ONTARIO: 'ON', 'PRINCE EDWARD ISLAND': 'PE', QUEBEC: 'QC',
  SASKATCHEWAN: 'SK', 'NORTHWEST TERRITORIES': 'NT', NUNAVUT: 'NU', YUKON: 'YT',
};

export function isNanpCountry(country: string): boolean {
  return NANP.has(country);
}

/** A search's place, written the way providers take it; empty parts are left out. */
export interface NormalisedPlace {
  country: string;
  region?: string;
  locality?: string;
  areaCode?: string;
}

export function normalisePlace(query: { country: string; region?: string; locality?: string; areaCode?: string }): NormalisedPlace {
  const country = query.country.trim().toUpperCase();
  // The search route validates its input; this guards the URL paths built from the country (Twilio's).
  if (!/^[A-Z]{2}$/.test(country)) throw new ProviderError('permanent', `"${query.country}" is not an ISO 3166-1 alpha-2 country code`);
  const region = normaliseRegion(country, query.region);
  const locality = collapse(query.locality);
  const areaCode = normaliseAreaCode(country, query.areaCode);
  return { country, ...(region ? { region } : {}), ...(locality ? { locality } : {}), ...(areaCode ? { areaCode } : {}) };
}

function collapse(value: string | undefined): string | undefined {
  const text = value?.trim().replace(/\s+/g, ' ');
  return text ? text : undefined;
}

function normaliseRegion(country: string, region: string | undefined): string | undefined {
  const text = collapse(region)?.replace(/\./g, '');
  if (!text) return undefined;
  if (!isNanpCountry(country)) return text;
  const upper = text.toUpperCase();
  return NANP_REGIONS[upper] ?? upper;
}

function normaliseAreaCode(country: string, areaCode: string | undefined): string | undefined {
  let digits = (areaCode ?? '').replace(/\D/g, '');
  if (isNanpCountry(country)) {
    if (digits.length === 4 && digits.startsWith('1')) digits = digits.slice(1);
  } else {
    // Outside North America area codes are written with the national trunk prefix ("020" for London).
    digits = digits.replace(/^0+/, '');
  }
  return digits || undefined;
}

/** Whether an E.164 number lies in the country's area code (for providers that cannot filter by it). */
export function inAreaCode(number: string, country: string, areaCode: string): boolean {
  const destination = destinationOf(number);
  return destination.country === country && number.slice(1 + destination.callingCode.length).startsWith(areaCode);
}
