// The one parser for ids that arrive in a request: path parameters named `...Id` and query parameters declared
// with idQueryParam. Anything but a positive safe integer written plainly (no sign, exponent, spaces or leading
// zeros) is a 400 before it can reach a query: `abc` must never become 0 and `1e400` never Infinity.
import { Type } from '@sinclair/typebox';
import { createError } from './errors';

const ID_TEXT = /^[1-9][0-9]{0,15}$/;

/** The schema of an id carried in a body. */
export const ID_SCHEMA = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** The schema of an id carried in a query string; the route table turns it into a number (input.ids). */
export const ID_QUERY_SCHEMA = Type.String({ format: 'id' });

export function isIdText(value: string): boolean {
  return ID_TEXT.test(value) && Number.isSafeInteger(Number(value));
}

export function parseId(name: string, value: unknown): number {
  if (typeof value === 'string' && isIdText(value)) return Number(value);
  const shown = typeof value === 'string' ? value.slice(0, 40) : typeof value;
  throw createError('INVALID_ID', 400, `${name} must be a positive whole number (got "${shown}").`, { parameter: name });
}

/** Path parameters that hold ids: every `...Id` by naming rule, so a new route cannot forget to parse one. */
export function isIdParameter(name: string): boolean {
  return name.endsWith('Id');
}

/** The query fields of a route's query schema that were declared with ID_QUERY_SCHEMA. */
export function idQueryFields(querySchema: object | undefined): string[] {
  const properties = (querySchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.entries(properties)
    .filter(([, schema]) => (schema as { format?: string }).format === 'id')
    .map(([name]) => name);
}
