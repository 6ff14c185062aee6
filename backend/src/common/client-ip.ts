import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** The header by which the bundled web server (`frontend/server.js`) proves it forwarded a request. */
export const WEB_PROXY_HEADER = 'x-connecthub-proxy';

/**
 * The bundled web server's credential: derived from SECRET_KEY, so whatever runs with the
 * key can compute it (server.js derives it the same way) and nothing else can forge it.
 */
export function webProxyToken(secretKey: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'base64'))
    .update('connecthub:web-proxy')
    .digest('base64url');
}

/**
 * `TRUST_PROXY=web`: X-Forwarded-For counts only on requests the bundled web server
 * forwarded, and only its own, right-most entry (the address of whoever connected to it).
 * Any other request, loopback included, is counted by the address of its own connection,
 * so a local script can't pose as many clients by writing the header itself.
 */
export function webProxyClientIp(secretKey: string) {
  const expected = Buffer.from(webProxyToken(secretKey));
  return (req: Request, _res: Response, next: NextFunction) => {
    const given = req.headers[WEB_PROXY_HEADER];
    const forwarded = req.headers['x-forwarded-for'];
    if (typeof given === 'string' && typeof forwarded === 'string') {
      const token = Buffer.from(given);
      const last = forwarded.split(',').pop()?.trim();
      if (last && token.length === expected.length && timingSafeEqual(token, expected)) {
        // Express reads `ip` from a prototype getter; an own property shadows it for this request.
        Object.defineProperty(req, 'ip', { value: last, configurable: true, enumerable: true });
      }
    }
    next();
  };
}
