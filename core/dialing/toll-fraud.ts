// Toll-fraud rules for outbound calls, on by default: international destinations only to countries the account
// allows, premium-rate ranges never, and only within the account's calling hours (in its time zone). Pure:
// the ARI app applies them, the unit tests pin them. Emergency calls never come here.
import { destinationOf } from './countries';

/** The countries that are not international for a NANP account. */
const HOME_COUNTRIES = new Set(['US', 'CA']);

/** Premium-rate ranges (E.164 prefixes, '+' omitted): pay-per-call services a hijacked phone is made to call. */
const PREMIUM_PREFIXES: readonly string[] = [
  '1900', '1976', // NANP 900 numbers and the old 976 service (as an area code)
  '449', '4487', // UK premium (09...) and 087 revenue-share
  '3389', '3381', '3382', // France 089x, 081x, 082x
  '49900', '49137', // Germany 0900, 0137 televoting
  '3989', '39899', // Italy 89x
  '34803', '34806', '34807', '34905', // Spain
  '61190', // Australia 190x
];

export type DestinationVerdict =
  | { allowed: true; country: string | undefined; international: boolean }
  | { allowed: false; reason: 'premium rate' | 'international not allowed'; country: string | undefined };

export interface DestinationPolicy {
  /** ISO 3166 alpha-2 codes the account may call outside its home. */
  internationalAllowedCountries: readonly string[];
}

function isPremium(digits: string): boolean {
  if (PREMIUM_PREFIXES.some((prefix) => digits.startsWith(prefix))) return true;
  // NANP 976 exchanges in any area code (+1 NPA 976 XXXX): the original pay-per-call numbers.
  return digits.length === 11 && digits.startsWith('1') && digits.slice(4, 7) === '976';
}

/** Whether an E.164 number may be called: premium never; international only to an allowed country. */
export function checkDestination(e164: string, policy: DestinationPolicy): DestinationVerdict {
  const digits = e164.replace(/^\+/, '');
  const { country } = destinationOf(e164);
  if (isPremium(digits)) return { allowed: false, reason: 'premium rate', country };
  const international = country === undefined || !HOME_COUNTRIES.has(country);
  if (international && (country === undefined || !policy.internationalAllowedCountries.includes(country))) {
    return { allowed: false, reason: 'international not allowed', country };
  }
  return { allowed: true, country, international };
}

export interface CallingHours {
  /** 'HH:MM', 24-hour. */
  start: string;
  end: string;
  /** IANA time zone. */
  timezone: string;
}

/** Minutes since midnight of `at` on the wall clock of `timezone`. */
export function wallClockMinutes(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const value = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

function minutesOf(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Whether `at` lies within the hours (start inclusive, end exclusive). No hours set: always. Hours whose end
 *  is before their start span midnight (22:00-06:00); equal start and end mean all day. */
export function withinCallingHours(hours: CallingHours | null, at: Date): boolean {
  if (!hours) return true;
  const now = wallClockMinutes(at, hours.timezone);
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}
