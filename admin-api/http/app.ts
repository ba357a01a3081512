// The Express application: request ids, JSON bodies, domain routes, and one error handler that renders every
// failure as { error: { code, message, details } }.
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import { errorDetails, type Logger } from '../../core/logger';
import { constraintViolation, retryAfterSeconds } from './database-errors';
import { ApiError } from './errors';
import { dependencyOutage } from '../health/outages';
import { securityHeaders } from './security-headers';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      req.log.info('request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };
}

function errorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    // A dependency that is down (MariaDB, Redis) is a 503 with Retry-After, never a 500.
    const known = error instanceof ApiError ? error : constraintViolation(error) ?? dependencyOutage(error);
    if (known) {
      const retryAfter = retryAfterSeconds(known);
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      res.status(known.status).json({ error: { code: known.code, message: known.message, details: known.details } });
      return;
    }
    // body-parser's own errors: malformed JSON or an oversized body are the client's to fix.
    const status = (error as { status?: number; type?: string }).status;
    if (status && status >= 400 && status < 500) {
      const code = (error as { type?: string }).type === 'entity.too.large' ? 'BODY_TOO_LARGE' : 'BODY_INVALID';
      res.status(status).json({ error: { code, message: 'The request body is not valid JSON of an acceptable size.', details: {} } });
      return;
    }
    req.log.error('unhandled error', { error: errorDetails(error) });
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Something failed on our side.', details: { requestId: req.id } } });
  };
}

export function createHttpApp(logger: Logger, routers: Router[], options: { trustProxy?: string[] } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));
  app.use(securityHeaders());
  // X-Forwarded-For names the client only when the connection comes from a configured proxy (TRUST_PROXY);
  // from anyone else it is the caller's own claim, and the login throttle would count the wrong address.
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(express.json({ limit: '1mb' }));
  // Bulk provisioning accepts CSV as the raw text body.
  app.use(express.text({ type: ['text/csv', 'text/plain'], limit: '5mb' }));
  // Any other type is kept as bytes so the route table can refuse it with 415 rather than skip validation.
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  for (const router of routers) app.use(router);
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.path}.`, details: {} } });
  });
  app.use(errorHandler());
  return app;
}
