// Headers every API response carries. The API serves JSON that often holds secrets (device passwords, tokens,
// API keys): no browser or proxy may keep a copy, sniff it into something executable, or frame it.
import type { RequestHandler } from 'express';

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Pages (the web phone) set their own fuller policy after this one; JSON needs only the framing rule.
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
