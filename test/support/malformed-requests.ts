// The requests of the malformed-input sweep, generated from a route's own declaration: its path parameters,
// its query and body schemas. What a careless client or an attacker sends: wrong types, missing and unknown
// fields, 1 MB strings, deep nesting, invalid JSON, wrong content types, odd ids and text that MariaDB or
// Asterisk can't store.
import type { RouteSpec } from '../../admin-api/http/routes';

export interface SweepRequest {
  label: string;
  /** Raw text of the body; sent as is. */
  body?: string;
  contentType?: string;
  /** Path parameters to replace, already URL-encoded. */
  params?: Record<string, string>;
  /** A query string, starting with "?". */
  query?: string;
}

const JSON_TYPE = 'application/json';
const MEGABYTE_STRING = JSON.stringify('x'.repeat(1_000_000));
// Raw JSON texts, so that values JSON.stringify can't produce (1e400, lone surrogates) reach the server.
const BAD_VALUES: Record<string, string> = {
  number: '123', negative: '-1', huge: '1e400', 'many digits': '9'.repeat(400), fraction: '1.5', string: '"text"', empty: '""',
  null: 'null', array: '[]', object: '{}', boolean: 'true', '1 MB string': MEGABYTE_STRING, 'lone surrogate': '"\\ud800"',
  'NUL byte': '"a\\u0000b"', 'control characters': '"a\\u001b[31mred\\r\\n"', 'nested array': '[[[[["x"]]]]]',
};
const BAD_IDS = ['abc', '0', '-1', '1.5', '1%20OR%201%3D1', '1e400', '9'.repeat(400), '%00', '%ED%A0%80', '%ZZ', '+1', '0x10'];
const BAD_TEXT_PARAMS = ['x'.repeat(2000), '%00', '%ED%A0%80', '%ZZ', '..%2F..%2Fetc%2Fpasswd', "'%20OR%20'1'%3D'1"];
const BAD_QUERY_VALUES = ['abc', '1e400', '9'.repeat(400), '-1', '%00', '%ED%A0%80', '1&{name}=2', ''];

function properties(schema: object | undefined): string[] {
  return Object.keys((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
}

function pathParameters(route: RouteSpec): string[] {
  return [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

function deeplyNested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function bodyRequests(route: RouteSpec): SweepRequest[] {
  const requests: SweepRequest[] = [
    { label: 'invalid JSON', body: '{"a":', contentType: JSON_TYPE },
    { label: 'text/plain body', body: 'hello', contentType: 'text/plain' },
    { label: 'form body', body: 'username=a&password=b', contentType: 'application/x-www-form-urlencoded' },
    { label: 'XML body', body: '<a>1</a>', contentType: 'application/xml' },
    { label: 'JSON array', body: '[]', contentType: JSON_TYPE },
    { label: 'JSON top-level string', body: '"x"', contentType: JSON_TYPE },
    { label: 'JSON null', body: 'null', contentType: JSON_TYPE },
    { label: 'unknown field', body: '{"zzUnknown":1}', contentType: JSON_TYPE },
    { label: 'lone surrogate in a key', body: '{"\\ud800":1}', contentType: JSON_TYPE },
    { label: 'deep nesting', body: deeplyNested(5000), contentType: JSON_TYPE },
    { label: 'body over the limit', body: JSON.stringify({ a: 'x'.repeat(1_200_000) }), contentType: JSON_TYPE },
    { label: 'JSON declared as CSV', body: '{"a":1}', contentType: 'text/csv' },
  ];
  const required = (route.body as { required?: string[] } | undefined)?.required ?? [];
  if (required.length > 0) requests.push({ label: 'missing required fields', body: '{}', contentType: JSON_TYPE });
  for (const name of properties(route.body)) {
    for (const [kind, value] of Object.entries(BAD_VALUES)) {
      requests.push({ label: `${name} as ${kind}`, body: `{${JSON.stringify(name)}:${value}}`, contentType: JSON_TYPE });
    }
  }
  return requests;
}

function pathRequests(route: RouteSpec): SweepRequest[] {
  const body = route.method === 'get' ? undefined : '{}';
  return pathParameters(route).flatMap((name) =>
    (name.endsWith('Id') ? BAD_IDS : BAD_TEXT_PARAMS).map((value) => ({
      label: `path ${name}=${value.slice(0, 20)}`, params: { [name]: value }, body, contentType: body ? JSON_TYPE : undefined,
    })),
  );
}

function queryRequests(route: RouteSpec): SweepRequest[] {
  const body = route.method === 'get' ? undefined : '{}';
  const requests: SweepRequest[] = [{ label: 'unknown query parameter', query: '?zzUnknown=1', body, contentType: body ? JSON_TYPE : undefined }];
  for (const name of properties(route.query)) {
    for (const value of BAD_QUERY_VALUES) {
      requests.push({ label: `query ${name}=${value.slice(0, 20)}`, query: `?${name}=${value.replace('{name}', name)}`, body, contentType: body ? JSON_TYPE : undefined });
    }
  }
  return requests;
}

function csvRequests(route: RouteSpec): SweepRequest[] {
  if (!route.acceptsCsv) return [];
  return [
    { label: 'CSV with a NUL byte', body: 'username,full_name,email\na\u0000b,Name,a@example.test\n', contentType: 'text/csv' },
    { label: 'CSV with unbalanced quotes', body: 'username,full_name,email\n"abc,Name,a@example.test\n', contentType: 'text/csv' },
    { label: 'CSV header only', body: 'username,full_name,email\n', contentType: 'text/csv' },
    { label: 'CSV of 1 MB in one cell', body: `username,full_name,email\n${'x'.repeat(1_000_000)},Name,a@example.test\n`, contentType: 'text/csv' },
  ];
}

/** Every malformed request the sweep sends to one route. */
export function malformedRequests(route: RouteSpec): SweepRequest[] {
  const bodies = route.method === 'get' ? [] : bodyRequests(route);
  return [...bodies, ...pathRequests(route), ...queryRequests(route), ...csvRequests(route)];
}
