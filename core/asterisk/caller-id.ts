// Caller IDs reach Asterisk as `"Name" <number>` strings in realtime rows and ARI requests. Asterisk cannot load
// a row whose caller ID holds a NUL, and quotes, backslashes or angle brackets in the name change how it is
// parsed, so every caller ID made from user text is built here and nowhere else.

const CALLER_ID_NAME_MAX = 80;

/** The name as Asterisk can carry it: no control characters, quotes, backslashes or angle brackets. */
export function callerIdName(text: string): string {
  const cleaned = text
    .replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, ' ')
    .replace(/["\\<>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, CALLER_ID_NAME_MAX).join('').trim();
}

/** The number part: dial-string characters only (digits, +, *, #). */
export function callerIdNumber(text: string): string {
  return text.replace(/[^0-9+*#]/g, '');
}

/** `"Name" <number>`, or `<number>` alone when nothing of the name survives. */
export function callerIdOf(name: string, number: string): string {
  const safeName = callerIdName(name);
  const safeNumber = callerIdNumber(number);
  return safeName ? `"${safeName}" <${safeNumber}>` : `<${safeNumber}>`;
}
