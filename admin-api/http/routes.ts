// The route table: every route declares who may call it (deny by default), its schemas and its handler. The
// same table mounts Express handlers, generates the OpenAPI document and drives the tenant-isolation test.
import type { Static, TSchema } from '@sinclair/typebox';
import { Router, type Request, type RequestHandler } from 'express';
import type { Permission } from '../../core/access';
import type { Queryable } from '../../db/connection';
import { insertAudit } from '../../db/repositories/audit';
import type { EffectiveMembership } from '../../db/repositories/memberships';
import type { AccountScope, Actor, PublicScope, UserScope } from '../scope';
import { createError } from './errors';
import { idQueryFields, isIdParameter, isIdText, parseId } from './ids';
import { assertSafeText } from './text-safety';
import { compileValidator } from './validation';

export type Access =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  /** The caller's effective membership in the route's :accountId must hold this permission. */
  | { kind: 'account'; permission: Permission }
  /** Platform operators only (users.platform_operator, set from the command line): no account role grants it. */
  | { kind: 'operator' };

/** What the route table knows of a request while it resolves access; handlers narrow it to a scope. */
export interface RequestContext extends PublicScope {
  actor: Actor | undefined;
  accountId: number | undefined;
  membership: EffectiveMembership | undefined;
}

export interface RouteInput {
  body: unknown;
  params: Record<string, string>;
  /** Every `...Id` path parameter and every id query field present, parsed by the one id parser. */
  ids: Record<string, number>;
  /** A path id of this route (`...Id` parameters are always present and parsed once the handler runs). */
  id(name: string): number;
  query: Record<string, unknown>;
  rawBody?: string;
  /** Content negotiation: the best of `types` for the request's Accept header (the first when it has none). */
  accepts(types: string[]): string | false;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  /** A response that is not JSON (a CSV download): sent as is with its content type, instead of `body`. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: object;
  query?: object;
  /** Accepts text/csv as well as JSON (bulk provisioning). */
  acceptsCsv?: boolean;
  successStatus?: number;
  handler(ctx: RequestContext, input: RouteInput): Promise<RouteResult>;
}

type Parsed<S> = S extends TSchema ? Static<S> : undefined;
type ParsedQuery<S> = S extends TSchema ? Static<S> : Record<string, never>;

/** What a typed handler receives: the body and query as their schemas say, already validated. */
export interface TypedRouteInput<B, Q> extends Omit<RouteInput, 'body' | 'query'> {
  body: B;
  query: Q;
}

export interface RouteDefinition<B extends TSchema | undefined, Q extends TSchema | undefined> extends Omit<RouteSpec, 'body' | 'query' | 'handler'> {
  body?: B;
  query?: Q;
  handler(ctx: RequestContext, input: TypedRouteInput<Parsed<B>, ParsedQuery<Q>>): Promise<RouteResult>;
}

/**
 * A route whose handler is typed from its TypeBox schemas. The one cast of the API lives here: the table
 * validates body and query against exactly these schemas before it calls the handler.
 */
export function defineRoute<B extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined>(route: RouteDefinition<B, Q>): RouteSpec {
  return route as unknown as RouteSpec;
}

export interface AccessResolver {
  authenticate(token: string): Promise<Actor | undefined>;
  membership(userId: number, accountId: number): Promise<EffectiveMembership | undefined>;
  platformOperator(userId: number): Promise<boolean>;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export function accountIdParam(value: string | undefined): number | undefined {
  return value !== undefined && isIdText(value) ? Number(value) : undefined;
}

/** The actor a token names: 401 when there is none, or it is unknown, expired or revoked. Also used by the
 *  Express routers outside the route table (the queue dashboard), so they authenticate exactly as it does. */
export async function authenticateToken(token: string | undefined, resolver: AccessResolver): Promise<Actor> {
  if (!token) throw createError('AUTHENTICATION_REQUIRED', 401, 'Send a token: Authorization: Bearer <token>.');
  const actor = await resolver.authenticate(token);
  if (!actor) throw createError('TOKEN_INVALID', 401, 'The token is unknown, expired or revoked, or its user is not active. Log in again.');
  return actor;
}

/** 403 unless the actor is a platform operator (read afresh each time: a revocation applies at once). */
export async function requirePlatformOperator(actor: Actor, resolver: AccessResolver): Promise<void> {
  if (await resolver.platformOperator(actor.user.id)) return;
  throw createError('PLATFORM_OPERATOR_REQUIRED', 403, 'Only platform operators manage this; no account role grants it.');
}

async function resolveContext(req: Request, spec: RouteSpec, resolver: AccessResolver): Promise<RequestContext> {
  const ctx: RequestContext = {
    requestId: req.id,
    ip: req.ip ?? 'unknown',
    log: req.log,
    actor: undefined,
    accountId: undefined,
    membership: undefined,
    async audit(db, entry) {
      // An explicit null means "no account" (a user's own credentials), not "this request's account".
      const accountId = entry.accountId === undefined ? ctx.accountId ?? null : entry.accountId;
      await insertAudit(db, { ...entry, accountId, actorUserId: ctx.actor?.user.id ?? null, requestId: ctx.requestId });
    },
  };
  if (spec.access.kind === 'public') return ctx;
  ctx.actor = await authenticateToken(bearerToken(req), resolver);
  if (spec.access.kind === 'authenticated') return ctx;
  if (spec.access.kind === 'operator') {
    await requirePlatformOperator(ctx.actor, resolver);
    return ctx;
  }
  const accountId = accountIdParam(String(req.params.accountId ?? ""));
  // Unknown and not-yours look the same: no one learns which accounts exist.
  const notFound = (): Error => createError('ACCOUNT_NOT_FOUND', 404, `No account ${String(req.params.accountId ?? '')} is reachable with your memberships.`);
  if (accountId === undefined) throw notFound();
  const membership = await resolver.membership(ctx.actor.user.id, accountId);
  if (!membership) throw notFound();
  if (!membership.permissions.includes(spec.access.permission)) {
    throw createError('PERMISSION_DENIED', 403, `Your role (${membership.roleName}) lacks the permission ${spec.access.permission}.`, {
      missingPermission: spec.access.permission,
    });
  }
  ctx.accountId = accountId;
  ctx.membership = membership;
  return ctx;
}

// Mutating routes that declare no body take none: a field sent to them is a mistake worth reporting.
const NO_FIELDS_SCHEMA = { type: 'object', properties: {}, additionalProperties: false } as const;

/** The body as the route should see it: JSON (validated), CSV text where the route takes it, or nothing. */
function requestBody(req: Request, spec: RouteSpec): { body: unknown; rawBody?: string } {
  const received: unknown = req.body;
  if (spec.acceptsCsv && typeof received === 'string') return { body: undefined, rawBody: received };
  if (typeof received === 'string' || Buffer.isBuffer(received)) {
    if (received.length === 0) return { body: {} };
    throw createError('UNSUPPORTED_MEDIA_TYPE', 415, `Send the body as JSON with Content-Type: application/json${spec.acceptsCsv ? ' (or CSV as text/csv)' : ''}.`, {
      contentType: req.header('content-type') ?? null,
    });
  }
  return { body: received ?? {} };
}

function parsePathIds(req: Request): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const [name, value] of Object.entries(req.params as Record<string, string>)) {
    if (isIdParameter(name)) ids[name] = parseId(name, value);
  }
  return ids;
}

function parseQueryIds(queryIdFields: string[], query: Record<string, unknown>): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const name of queryIdFields) {
    if (query[name] !== undefined) ids[name] = parseId(name, query[name]);
  }
  return ids;
}

function routeHandler(spec: RouteSpec, resolver: AccessResolver): RequestHandler {
  const bodySchema = spec.body ?? (spec.method === 'get' ? undefined : NO_FIELDS_SCHEMA);
  const validateBody = bodySchema ? compileValidator(bodySchema as never) : undefined;
  // A route that declares no query takes none: an unknown parameter is a client's mistake, not something to ignore.
  const validateQuery = compileValidator((spec.query ?? NO_FIELDS_SCHEMA) as never);
  const queryIdFields = idQueryFields(spec.query);
  return async (req, res, next) => {
    try {
      const ctx = await resolveContext(req, spec, resolver);
      assertSafeText(req.params, 'path');
      const pathIds = parsePathIds(req);
      const { body: received, rawBody } = requestBody(req, spec);
      assertSafeText(req.query, 'query');
      assertSafeText(rawBody ?? received, 'body');
      const body = validateBody && rawBody === undefined ? validateBody(received) : received;
      const query = validateQuery({ ...req.query }) as Record<string, unknown>;
      const ids = { ...pathIds, ...parseQueryIds(queryIdFields, query) };
      const id = (name: string): number => {
        const value = ids[name];
        if (value === undefined) throw new Error(`route ${spec.path} has no id parameter ${name}`);
        return value;
      };
      const accepts = (types: string[]): string | false => req.accepts(types);
      const result = await spec.handler(ctx, { body, params: req.params as Record<string, string>, ids, id, query, rawBody, accepts });
      const status = result.status ?? spec.successStatus ?? 200;
      if (result.headers) res.set(result.headers);
      if (result.text !== undefined) res.status(status).type(result.contentType ?? 'text/plain').send(result.text);
      else if (result.body === undefined) res.status(status).end();
      else res.status(status).json(result.body);
    } catch (error) {
      next(error);
    }
  };
}

export function mountRoutes(specs: RouteSpec[], resolver: AccessResolver): Router {
  const router = Router();
  for (const spec of specs) router[spec.method](spec.path, routeHandler(spec, resolver));
  return router;
}

/** Narrowing helpers for handlers: the route's access already guaranteed these. */
export function actorOf(ctx: RequestContext): UserScope {
  if (!ctx.actor) throw new Error('route without authentication used as authenticated');
  return { ...ctx, actor: ctx.actor };
}

export function accountOf(ctx: RequestContext): AccountScope {
  if (!ctx.actor || ctx.accountId === undefined || !ctx.membership) throw new Error('route without account access used as account route');
  return { ...ctx, actor: ctx.actor, accountId: ctx.accountId, membership: ctx.membership };
}
