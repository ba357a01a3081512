// Credentials and identifiers from a cryptographic source. Rejection sampling keeps every symbol equally
// likely (a plain modulo would favour the first symbols of the alphabet).
import { createHash, randomBytes } from 'node:crypto';

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const IDENTIFIER_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** 24 symbols of 57: about 140 bits, beyond any online or offline guessing of a SIP digest. */
export function generatePassword(length = 24): string {
  return randomString(PASSWORD_ALPHABET, length);
}

/** Unguessable names for SIP usernames: scanners try 100, 1001, 'admin'... never these. */
export function generateIdentifier(prefix: string, length = 12): string {
  return `${prefix}${randomString(IDENTIFIER_ALPHABET, length)}`;
}

const TOKEN_PREFIX = { session: 'pbxs', api_key: 'pbxk', invitation: 'pbxi' } as const;

/** Bearer and link tokens: 32 random bytes, shown once, stored only as their SHA-256. The prefix says what a
 *  token is for when one turns up in a log or a support request. */
export function newToken(kind: keyof typeof TOKEN_PREFIX): { token: string; hash: string } {
  const token = `${TOKEN_PREFIX[kind]}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
