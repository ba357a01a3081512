// The OpenAPI 3.1 document, derived from the route table so it cannot drift from what is mounted: the same
// paths, the same access rules, the same ajv schemas. OpenAPI 3.1 speaks JSON Schema 2020-12, so the route
// schemas (type arrays, formats) go in unchanged.
import { STATUS_CODES } from 'node:http';
import type { RouteSpec } from '../http/routes';

type Method = RouteSpec['method'];
type Schema = object;

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}

export interface MediaType {
  schema?: Schema;
}

export interface RequestBody {
  required: boolean;
  content: Record<string, MediaType>;
}

export interface Response {
  description: string;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  /** Empty for public routes: no token is needed. */
  security: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: RequestBody;
  responses: Record<string, Response>;
  'x-required-permission'?: string;
  /** Set on routes only platform operators may call (no account permission grants them). */
  'x-platform-operator'?: true;
}

export type PathItem = Partial<Record<Method, Operation>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  paths: Record<string, PathItem>;
  components: { securitySchemes: Record<string, object>; schemas: Record<string, Schema> };
}

/** The parts of an ajv object schema the document reads; ajv compiled every one at mount, so they are sound. */
interface ObjectSchema {
  properties?: Record<string, Schema>;
  required?: readonly string[];
  minProperties?: number;
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is not valid; details.fields lists every bad field by its path',
  401: 'No token, or the token is unknown, expired or revoked',
  403: 'Your role lacks the permission this needs, or the tier rules forbid it',
  404: 'Not reachable with your memberships (unknown and not-yours look the same)',
  429: 'Too many failed logins; details.retryAfterSeconds says how long to wait',
};

// The login throttle lives in the auth service, not in the route table, so its 429 is named here.
const THROTTLED_ROUTES = new Set(['post /v1/auth/login']);

// Ids in paths are database ids: positive integers, sent as strings (accountIdParam checks the same).
const ID_PARAMETER = { type: 'string', pattern: '^[1-9][0-9]*$' };

const PATH_PARAMETER = /:([A-Za-z_][A-Za-z0-9_]*)/g;

export function openApiPath(expressPath: string): string {
  // Express 5's optional segments and wildcards have no OpenAPI form; fail at start-up rather than lie.
  if (/[*?{}()]/.test(expressPath)) throw new Error(`cannot describe the route path ${expressPath} in OpenAPI`);
  return expressPath.replace(PATH_PARAMETER, '{$1}');
}

function pathParameters(expressPath: string): Parameter[] {
  return [...expressPath.matchAll(PATH_PARAMETER)].map(([, name = '']) => ({
    name,
    in: 'path',
    required: true,
    schema: name.endsWith('Id') ? { ...ID_PARAMETER } : { type: 'string' },
  }));
}

function queryParameters(query: Schema | undefined): Parameter[] {
  const { properties = {}, required = [] } = (query ?? {}) as ObjectSchema;
  return Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: required.includes(name), schema }));
}

function requestBody(spec: RouteSpec): RequestBody | undefined {
  if (!spec.body) return undefined;
  const { required = [], minProperties = 0 } = spec.body as ObjectSchema;
  const content: Record<string, MediaType> = { 'application/json': { schema: spec.body } };
  if (spec.acceptsCsv) content['text/csv'] = { schema: { type: 'string', description: 'A header row, then one row per item' } };
  // A missing body is validated as {}: it is only required when {} would be rejected.
  return { required: required.length > 0 || minProperties > 0, content };
}

function errorResponse(status: number): Response {
  return { description: ERROR_DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? 'Error', content: { 'application/json': { schema: ERROR_REF } } };
}

function errorStatuses(spec: RouteSpec): number[] {
  const statuses: number[] = [];
  if (spec.body || spec.query) statuses.push(400);
  if (spec.access.kind !== 'public') statuses.push(401, 403);
  if (spec.access.kind === 'account') statuses.push(404);
  if (THROTTLED_ROUTES.has(`${spec.method} ${spec.path}`)) statuses.push(429);
  return statuses;
}

function responses(spec: RouteSpec): Record<string, Response> {
  const status = spec.successStatus ?? 200;
  const success: Response = { description: STATUS_CODES[status] ?? 'Success' };
  if (status !== 204) success.content = { 'application/json': {} };
  const result: Record<string, Response> = { [status]: success };
  for (const errorStatus of errorStatuses(spec)) result[errorStatus] = errorResponse(errorStatus);
  return result;
}

function pascal(word: string): string {
  return word.split(/[^A-Za-z0-9]+/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** Stable as long as the method and path are: `get /v1/accounts/:accountId` is getV1AccountsByAccountId. */
export function operationId(method: Method, expressPath: string): string {
  const segments = expressPath.split('/').filter(Boolean);
  return method + segments.map((segment) => (segment.startsWith(':') ? `By${pascal(segment.slice(1))}` : pascal(segment))).join('');
}

function operation(spec: RouteSpec): Operation {
  const parameters = [...pathParameters(spec.path), ...queryParameters(spec.query)];
  const body = requestBody(spec);
  return {
    operationId: operationId(spec.method, spec.path),
    summary: spec.summary,
    tags: [spec.tag],
    security: spec.access.kind === 'public' ? [] : [{ bearerAuth: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(spec),
    ...(spec.access.kind === 'account' ? { 'x-required-permission': spec.access.permission } : {}),
    ...(spec.access.kind === 'operator' ? { 'x-platform-operator': true as const } : {}),
  };
}

// GET /health is a plain router outside the table (it answers 503 itself, not through the error handler),
// so it is described by hand; admin-api/health/routes.ts is the source of this shape.
const HEALTH_RESPONSE = { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } };
const HEALTH: Operation = {
  operationId: 'getHealth',
  summary: 'Whether the admin API reaches its database and Redis',
  tags: ['health'],
  security: [],
  responses: {
    200: { description: 'Both are up', content: HEALTH_RESPONSE },
    503: { description: 'One is down; the body says which', content: HEALTH_RESPONSE },
  },
};

function components(): OpenApiDocument['components'] {
  const upOrDown = { type: 'string', enum: ['up', 'down'] };
  return {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'A session token from POST /v1/auth/login, or an API key from POST /v1/me/api-keys' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'details'],
            properties: { code: { type: 'string', description: 'Stable, e.g. PERMISSION_DENIED' }, message: { type: 'string' }, details: { type: 'object' } },
          },
        },
      },
      Health: {
        type: 'object',
        required: ['status', 'database', 'redis'],
        properties: { status: { type: 'string', enum: ['ok', 'degraded'] }, database: upOrDown, redis: upOrDown },
      },
    },
  };
}

function addOperation(paths: Record<string, PathItem>, seenIds: Set<string>, method: Method, path: string, op: Operation): void {
  const item = (paths[path] ??= {});
  // Two routes on one method and path, or two paths folding to one id, are table bugs: refuse to start.
  if (item[method]) throw new Error(`two routes for ${method} ${path}`);
  if (seenIds.has(op.operationId)) throw new Error(`two routes share the operationId ${op.operationId}`);
  seenIds.add(op.operationId);
  item[method] = op;
}

export function buildOpenApiDocument(routes: RouteSpec[], info: { version: string }): OpenApiDocument {
  const paths: Record<string, PathItem> = {};
  const seenIds = new Set<string>();
  addOperation(paths, seenIds, 'get', '/health', HEALTH);
  for (const spec of routes) addOperation(paths, seenIds, spec.method, openApiPath(spec.path), operation(spec));
  const tags = [...new Set(['health', ...routes.map((spec) => spec.tag)])].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'PBX control plane admin API',
      version: info.version,
      description: 'Every route is generated from the route table that mounts it. Errors are { error: { code, message, details } }.',
    },
    tags,
    paths,
    components: components(),
  };
}
