import type { Middleware } from 'koa';

const METHODS = 'GET, HEAD, OPTIONS';
/** Request headers a tiles client may send cross-origin (3D Tiles loaders add none beyond these). */
const ALLOWED_HEADERS = 'Accept, Accept-Encoding, Content-Type, If-None-Match, Range';

/**
 * CORS for an allow-list of origins: `Access-Control-Allow-Origin` echoes the request's Origin only
 * when it is listed; other origins get no CORS headers (the browser then blocks the read) and their
 * preflights a 403. Answers every OPTIONS itself. Must sit outside the error middleware so that
 * error responses carry the headers too (a client can then read why it failed).
 */
export function cors(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async function corsMiddleware(ctx, next) {
    const origin = ctx.get('Origin');
    const ok = origin !== '' && allowed.has(origin);
    // Responses differ by Origin once any cross-origin client exists: caches must key on it.
    if (allowed.size > 0) ctx.vary('Origin');

    if (ctx.method === 'OPTIONS') {
      const preflight = origin !== '' && ctx.get('Access-Control-Request-Method') !== '';
      if (preflight && !ok) {
        ctx.status = 403;
        ctx.body = { error: { code: 'forbidden', message: `origin ${JSON.stringify(origin)} is not allowed` } };
        return;
      }
      if (ok) {
        ctx.set('Access-Control-Allow-Origin', origin);
        ctx.set('Access-Control-Allow-Methods', METHODS);
        ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        ctx.set('Access-Control-Max-Age', '600');
      }
      ctx.set('Allow', METHODS);
      ctx.status = 204;
      return;
    }

    try {
      await next();
    } finally {
      if (ok) {
        ctx.set('Access-Control-Allow-Origin', origin);
        ctx.set('Access-Control-Expose-Headers', 'ETag, Content-Length, Content-Encoding');
      }
    }
  };
}
