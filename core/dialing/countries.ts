// Country calling codes (ITU-T E.164) of the countries this PBX dials, to ISO 3166 alpha-2. Compact on purpose:
// a destination whose code is not here has no country an admin can allow, so international calls to it are
// refused. NANP (+1) is one calling code shared by the US, Canada and some twenty Caribbean and Pacific
// countries: those are told apart by area code, because "+1 876" (Jamaica) is international from New York.

/** Calling code (digits after '+') -> ISO alpha-2. The NANP's own entry is 'US'; see NANP_AREA_CODES. */
const CALLING_CODES: Readonly<Record<string, string>> = {
  '1': 'US',
  '7': 'RU', '20': 'EG', '27': 'ZA', '30': 'GR', '31': 'NL', '32': 'BE', '33': 'FR', '34': 'ES', '36': 'HU',
  '39': 'IT', '40': 'RO', '41': 'CH', '43': 'AT', '44': 'GB', '45': 'DK', '46': 'SE', '47': 'NO', '48': 'PL',
  '49': 'DE', '51': 'PE', '52': 'MX', '54': 'AR', '55': 'BR', '56': 'CL', '57': 'CO', '61': 'AU', '62': 'ID',
  '63': 'PH', '64': 'NZ', '65': 'SG', '66': 'TH', '81': 'JP', '82': 'KR', '84': 'VN', '86': 'CN', '90': 'TR',
  '91': 'IN', '92': 'PK', '234': 'NG', '254': 'KE', '351': 'PT', '353': 'IE', '358': 'FI', '420': 'CZ',
  '852': 'HK', '886': 'TW', '971': 'AE', '972': 'IL', '966': 'SA',
};

/** NANP area codes that are not the US or Canada (the US territories are domestic and not listed). */
const NANP_AREA_CODES: Readonly<Record<string, string>> = {
  '242': 'BS', '246': 'BB', '264': 'AI', '268': 'AG', '284': 'VG', '345': 'KY', '441': 'BM', '473': 'GD',
  '649': 'TC', '658': 'JM', '664': 'MS', '721': 'SX', '758': 'LC', '767': 'DM', '784': 'VC', '809': 'DO',
  '829': 'DO', '849': 'DO', '868': 'TT', '869': 'KN', '876': 'JM',
};

/** Canadian area codes: the home "country" of a NANP account is the US and Canada together. */
const CANADA_AREA_CODES = new Set([
  '204', '226', '236', '249', '250', '263', '289', '306', '343', '354', '365', '367', '368', '382', '403', '416',
  '418', '428', '431', '437', '438', '450', '468', '474', '506', '514', '519', '548', '579', '581', '584', '587',
  '604', '613', '639', '647', '672', '683', '705', '709', '742', '753', '778', '780', '782', '807', '819', '825',
  '867', '873', '879', '902', '905',
]);

/** Every country an account may allow: what the settings' allow-list is validated against. */
export const SUPPORTED_COUNTRIES: readonly string[] = [...new Set([...Object.values(CALLING_CODES), ...Object.values(NANP_AREA_CODES), 'CA'])].sort();

export interface Destination {
  /** The calling code, without '+'. */
  callingCode: string;
  /** ISO 3166 alpha-2; undefined when the calling code is not in the table. */
  country: string | undefined;
}

/** The country an E.164 number ('+' and digits) calls: the longest calling code that prefixes it. */
export function destinationOf(e164: string): Destination {
  const digits = e164.replace(/^\+/, '');
  for (const length of [3, 2, 1]) {
    const code = digits.slice(0, length);
    const country = CALLING_CODES[code];
    if (!country) continue;
    if (code !== '1') return { callingCode: code, country };
    const area = digits.slice(1, 4);
    return { callingCode: code, country: NANP_AREA_CODES[area] ?? (CANADA_AREA_CODES.has(area) ? 'CA' : 'US') };
  }
  // Calling codes are prefix-free: a number none of the table's codes prefixes has its code unknown; the
  // first digit is kept for logs (zones 1..9).
  return { callingCode: digits.slice(0, 1), country: undefined };
}
