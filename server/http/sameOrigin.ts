import type { Middleware } from 'koa';
import { refuse } from './refuse.ts';

/** The request headers the origin check reads (Node's lower-case names). */
export interface OriginHeaders {
  origin?: string;
  host?: string;
  'sec-fetch-site'?: string;
}

/** Methods that change state: the ones a foreign page must not be able to send here. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether `origin` is the server's own origin as the Host header names it (either scheme: TLS may end at a proxy). */
function isOwnOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // Through URL so that case and default ports compare equal (https://a.example == https://A.example:443).
    return url.origin === origin && new URL(`${url.protocol}//${host}`).origin === url.origin;
  } catch {
    return false;
  }
}

/**
 * Whether a request may come from where it says it comes from: an Origin header must be the
 * server's own (http(s)://<Host>) or a configured one; without Origin, a browser's Sec-Fetch-Site of
 * 'cross-site' or 'same-site' is refused, while none at all (curl, scripts) or 'same-origin'/'none'
 * (the user typed the address) is allowed.
 */
export function requestOriginAllowed(headers: OriginHeaders, allowedOrigins: readonly string[]): boolean {
  const { origin, host } = headers;
  if (origin !== undefined) return allowedOrigins.includes(origin) || (host !== undefined && isOwnOrigin(origin, host));
  const site = headers['sec-fetch-site'];
  return site !== 'cross-site' && site !== 'same-site';
}

/**
 * Koa middleware against cross-site request forgery on POST, PUT, PATCH and DELETE: refuses a
 * foreign origin (403 'forbidden_origin') and a body that is not application/json (415
 * 'unsupported_media_type'). A form or `fetch` with `Content-Type: text/plain` needs no preflight,
 * so a foreign page can send one; requiring JSON makes every such write preflighted, and the
 * preflight is refused (cors.ts). A request without a body (Content-Length 0 or absent, no
 * Transfer-Encoding) needs no type.
 */
export function csrfGuard(allowedOrigins: readonly string[]): Middleware {
  return async function csrfGuardMiddleware(ctx, next) {
    if (!STATE_CHANGING.has(ctx.method)) return next();
    const headers = ctx.req.headers as OriginHeaders;
    if (!requestOriginAllowed(headers, allowedOrigins)) {
      const from = headers.origin === undefined ? `Sec-Fetch-Site ${JSON.stringify(headers['sec-fetch-site'])}` : `origin ${JSON.stringify(headers.origin)}`;
      refuse(ctx, 403, 'forbidden_origin', `${ctx.method} ${ctx.path}: requests from ${from} are not allowed`);
      return;
    }
    const length = ctx.get('Content-Length');
    const hasBody = ctx.get('Transfer-Encoding') !== '' || (length !== '' && length !== '0');
    if (hasBody && !ctx.is('application/json')) {
      const given = ctx.get('Content-Type');
      refuse(ctx, 415, 'unsupported_media_type', `${ctx.method} ${ctx.path}: body must be application/json, got ${given === '' ? 'no Content-Type' : JSON.stringify(given)}`);
      return;
    }
    await next();
  };
}
