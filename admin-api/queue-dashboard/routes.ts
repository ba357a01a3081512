// /admin/queues: the job queues as ops see them (bull-board), every queue of the job map (core/job-queue.ts),
// for platform operators only. The board is an Express app of its own, outside the route table, so this router
// gates it with the route table's own authentication (authenticateToken, requirePlatformOperator): a stranger
// gets 401 and a user who is not an operator 403, as JSON, before any of the board's pages, assets or API.
//
// A browser cannot send a bearer header when it follows a link, so an operator signs in once at
// /admin/queues/login with a token (a session token from /v1/auth/login, or an API key); it is kept in an
// HttpOnly, SameSite=Strict cookie limited to /admin/queues, and checked on every request like the header.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Redis } from 'ioredis';
import { queuesOf } from '../../jobs/registry';
import { createError } from '../http/errors';
import { authenticateToken, bearerToken, requirePlatformOperator, type AccessResolver } from '../http/routes';
import { readCookie, signInPage, tokenFromForm } from './sign-in';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'pbx_queues_token';

// The board's page loads only its own scripts, styles and images and talks only to its own API. Its
// stylesheet link to a font CDN is refused (the fonts fall back): an operator's browser tells no one else
// what it looks at. Inline styles stay: the page's loading placeholder uses them.
const BOARD_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const SIGN_IN_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface QueueDashboard {
  router: Router;
  close(): Promise<void>;
}

export interface QueueDashboardOptions {
  redis: Redis;
  resolver: AccessResolver;
  /** Where the API is published (PUBLIC_URL): its origin is the board's own behind a proxy, and an HTTPS one
   *  sends the cookie over HTTPS only. */
  publicUrl: string;
}

function cookieHeader(value: string, options: QueueDashboardOptions, maxAge?: number): string {
  const parts = [`${COOKIE}=${encodeURIComponent(value)}`, `Path=${QUEUE_DASHBOARD_PATH}`, 'HttpOnly', 'SameSite=Strict'];
  if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
  if (options.publicUrl.startsWith('https:')) parts.push('Secure');
  return parts.join('; ');
}

function publishedOrigin(publicUrl: string): string | undefined {
  try {
    return new URL(publicUrl).origin;
  } catch {
    return undefined;
  }
}

/** A write that a cookie authenticates must come from the board's own pages (SameSite=Strict already keeps
 *  other sites' requests cookieless; this also refuses a same-site page on another origin). The board's origin
 *  is the one the request reached, or the published one when a proxy in front rewrote scheme or host. */
function assertSameOrigin(req: Request, options: QueueDashboardOptions): void {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  const origin = req.header('origin');
  const own = [`${req.protocol}://${req.get('host') ?? ''}`, publishedOrigin(options.publicUrl)];
  if (origin !== undefined && !own.includes(origin)) {
    throw createError('CROSS_ORIGIN_REFUSED', 403, 'The queue dashboard accepts changes only from its own pages.', { origin });
  }
}

function operatorGate(options: QueueDashboardOptions): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = bearerToken(req);
      const cookie = header ? undefined : readCookie(req, COOKIE);
      if (cookie) assertSameOrigin(req, options);
      const actor = await authenticateToken(header ?? cookie, options.resolver);
      await requirePlatformOperator(actor, options.resolver);
      req.log.debug('queue dashboard', { userId: actor.user.id, method: req.method, path: req.originalUrl });
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The board's page policy, and a referrer policy that lets its own requests name their origin: under the
 *  API's no-referrer, a browser sends "Origin: null" even for a same-origin POST, which the origin check refuses. */
function pagePolicy(policy: string): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  };
}

/** POST /admin/queues/session: a form's token (or a bearer header) becomes the dashboard's cookie, once it
 *  is known to be an operator's. */
function signIn(options: QueueDashboardOptions): RequestHandler {
  return async (req, res, next) => {
    try {
      assertSameOrigin(req, options);
      const token = bearerToken(req) ?? tokenFromForm(req.body);
      const actor = await authenticateToken(token, options.resolver);
      await requirePlatformOperator(actor, options.resolver);
      res.setHeader('Set-Cookie', cookieHeader(token ?? '', options));
      req.log.info('queue dashboard sign-in', { userId: actor.user.id });
      res.redirect(303, `${QUEUE_DASHBOARD_PATH}/`);
    } catch (error) {
      next(error);
    }
  };
}

function signOut(options: QueueDashboardOptions): RequestHandler {
  return (_req: Request, res: Response) => {
    res.setHeader('Set-Cookie', cookieHeader('', options, 0));
    res.redirect(303, `${QUEUE_DASHBOARD_PATH}/login`);
  };
}

interface ServedQueue {
  queue: Queue;
  jobs: string[];
}

function board(queues: ServedQueue[]): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map(({ queue, jobs }) => new BullMQAdapter(queue, { description: `Jobs: ${jobs.join(', ')}`, allowRetries: true })),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'PBX jobs',
        hideDocsLink: true,
        miscLinks: [{ text: 'Sign out', url: `${QUEUE_DASHBOARD_PATH}/logout` }],
      },
    },
  });
  const app = serverAdapter.getRouter() as Router & { disable?(setting: string): void };
  app.disable?.('x-powered-by');
  return app;
}

export function queueDashboard(options: QueueDashboardOptions): QueueDashboard {
  const queues = [...queuesOf()].map(([name, jobs]) => ({ queue: new Queue(name, { connection: options.redis }), jobs }));
  const router = Router();
  router.get(`${QUEUE_DASHBOARD_PATH}/login`, pagePolicy(SIGN_IN_POLICY), (_req, res) => {
    res.type('html').send(signInPage(`${QUEUE_DASHBOARD_PATH}/session`));
  });
  router.post(`${QUEUE_DASHBOARD_PATH}/session`, signIn(options));
  router.get(`${QUEUE_DASHBOARD_PATH}/logout`, signOut(options));
  router.use(QUEUE_DASHBOARD_PATH, pagePolicy(BOARD_POLICY), operatorGate(options), board(queues));
  return {
    router,
    // The queues share the admin API's Redis connection: closing them leaves it open.
    close: async () => {
      await Promise.all(queues.map(({ queue }) => queue.close()));
    },
  };
}
