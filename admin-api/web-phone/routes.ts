// GET /phone/ and /phone/phone.js: the WebRTC web phone, public like /docs. The page holds no secret: the
// user types their SIP credentials, and the browser talks SIP over WebSocket to Asterisk, not to this API.
import { Router, type RequestHandler } from 'express';
import type { Config } from '../../core/config';
import { errorDetails, type Logger } from '../../core/logger';
import { createError } from '../http/errors';
import { webPhoneAssets, type WebPhoneAssets } from './bundler';

// The page loads only its own script; media and signalling go to the WebSocket URL the user chose.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  'connect-src ws: wss:',
  'media-src blob: mediastream:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function serve(type: 'html' | 'js', produce: () => Promise<string>): RequestHandler {
  return async (req, res) => {
    let body: string;
    try {
      body = await produce();
    } catch (error) {
      req.log.error('web phone unavailable', { error: errorDetails(error) });
      throw createError('WEB_PHONE_UNAVAILABLE', 503, 'The web phone cannot be served right now.');
    }
    // Rebuilt at each start of the admin API: browsers revalidate rather than keep an old phone.
    res.setHeader('cache-control', 'no-cache');
    if (type === 'html') res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.type(type).send(body);
  };
}

export function webPhoneRouter(deps: { config: Config; logger: Logger }, assets?: WebPhoneAssets): Router {
  const phone = assets ?? webPhoneAssets({ webSocketPort: new URL(deps.config.ari.url).port || '80', sipDomain: deps.config.sip.publicHost }, deps.logger);
  const router = Router();
  // The page links its script absolutely, so /phone and /phone/ (non-strict routing) serve the same page.
  router.get('/phone', serve('html', phone.page));
  router.get('/phone/phone.js', serve('js', phone.script));
  return router;
}
