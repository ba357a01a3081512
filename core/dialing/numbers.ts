// What a phone user dialed, read with the account's dialing settings: an emergency number, an external number
// in E.164, or something that cannot be dialed (and why). Pure: the ARI app's outbound flow and the unit tests
// use it. The account's home is the NANP (+1) for now: national numbers are 10 digits (or 1 + 10), a 7-digit
// number takes the account's default area code, and `011` starts an international number.

export interface DialingSettings {
  /** Digits dialed before an external number ("9"); when set, external numbers need it (E.164 '+' ones don't). */
  outsideLinePrefix: string | null;
  /** Three digits, for 7-digit local numbers. */
  defaultAreaCode: string | null;
  /** Always recognised first, with or without the prefix. */
  emergencyNumbers: readonly string[];
}

export type DialedNumber =
  | { kind: 'emergency'; number: string }
  | { kind: 'external'; e164: string }
  | { kind: 'invalid'; reason: InvalidReason };

export type InvalidReason = 'prefix required' | 'no default area code' | 'not a phone number';

const E164 = /^\+[1-9][0-9]{6,14}$/;
const NANP_NATIONAL = /^[2-9][0-9]{2}[2-9][0-9]{6}$/;
const LOCAL_7 = /^[2-9][0-9]{6}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** Classifies and normalizes a dialed string. Separators phones may send ('-', ' ', '(', ')', '.') are ignored. */
export function normalizeDialed(dialed: string, settings: DialingSettings): DialedNumber {
  const compact = dialed.replace(/[\s\-().]/g, '');
  const prefix = settings.outsideLinePrefix ?? '';
  const withoutPrefix = prefix && compact.startsWith(prefix) ? compact.slice(prefix.length) : undefined;
  // Emergency first, whatever the prefix: a caller in distress dials it either way.
  for (const candidate of [compact, withoutPrefix]) {
    if (candidate !== undefined && settings.emergencyNumbers.includes(candidate)) return { kind: 'emergency', number: candidate };
  }
  if (compact.startsWith('+')) return external(compact);
  if (prefix && withoutPrefix === undefined) return { kind: 'invalid', reason: 'prefix required' };
  return nationalToE164(withoutPrefix ?? compact, settings.defaultAreaCode);
}

function nationalToE164(digits: string, defaultAreaCode: string | null): DialedNumber {
  if (!/^\+?[0-9]+$/.test(digits)) return { kind: 'invalid', reason: 'not a phone number' };
  if (digits.startsWith('+')) return external(digits);
  if (digits.startsWith('011')) return external(`+${digits.slice(3)}`);
  if (digits.length === 11 && digits.startsWith('1') && NANP_NATIONAL.test(digits.slice(1))) return external(`+${digits}`);
  if (NANP_NATIONAL.test(digits)) return external(`+1${digits}`);
  if (LOCAL_7.test(digits)) {
    if (!defaultAreaCode) return { kind: 'invalid', reason: 'no default area code' };
    return external(`+1${defaultAreaCode}${digits}`);
  }
  return { kind: 'invalid', reason: 'not a phone number' };
}

function external(candidate: string): DialedNumber {
  return E164.test(candidate) ? { kind: 'external', e164: candidate } : { kind: 'invalid', reason: 'not a phone number' };
}
