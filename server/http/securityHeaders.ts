import type { Middleware } from 'koa';

export interface SecurityHeadersOptions {
  /** Other origins the page may fetch tilesets and imagery from (config.allowedOrigins). */
  allowedOrigins: readonly string[];
}

/**
 * The Content-Security-Policy of every answer. What the client needs, and why each exception:
 * - `script-src 'wasm-unsafe-eval'`: WebAssembly decoders (Cesium's workers, three's meshopt decoder on
 *   the page). Plain `'unsafe-eval'` stays out; no inline script is allowed.
 * - `worker-src 'self'`: Cesium's ESM build with a same-origin CESIUM_BASE_URL (/cesium/) starts module
 *   workers from /cesium/Workers/*.js (TaskProcessor). It uses `blob:` workers only for a cross-origin
 *   base URL or the combined Cesium.js build, neither of which this app uses, so `blob:` is not listed.
 *   A worker script's own answer carries this same policy, which is what lets it compile WebAssembly.
 * - `child-src 'self'`: the worker fallback of browsers without worker-src; no frames of others.
 * - `connect-src 'self'`: CSP 3 `'self'` also matches ws:/wss: to the same host and port (Chromium 70+,
 *   Firefox, Safari 15.4+), which is the Socket.IO connection; no ws: source is needed.
 * - `img-src data: blob:`: Cesium decodes textures through blob: URLs and icons come as data: URLs.
 * - `style-src 'unsafe-inline'`: CesiumWidget and React set inline styles.
 * - allowedOrigins in connect-src and img-src: the only foreign places ?tileset= and ?imagery= may name.
 */
export function contentSecurityPolicy(allowedOrigins: readonly string[]): string {
  const others = allowedOrigins.map((o) => ` ${o}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "child-src 'self'",
    `connect-src 'self'${others}`,
    `img-src 'self' data: blob:${others}`,
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * The security headers of every answer, by name: for the Koa middleware and for answers that do not
 * pass through Koa (Socket.IO's HTTP long-polling, through engine.io's 'headers' event).
 */
export function securityHeaderValues(options: SecurityHeadersOptions): Readonly<Record<string, string>> {
  return Object.freeze({
    'Content-Security-Policy': contentSecurityPolicy(options.allowedOrigins),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    // frame-ancestors supersedes it where supported; older browsers only know this one.
    'X-Frame-Options': 'SAMEORIGIN',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  });
}

/**
 * Sets the security headers on every answer, errors included: use it outermost. Headers set before the
 * inner middleware run survive the error middleware; an error that escapes anyway carries them in
 * `error.headers`, which Koa's last-resort handler sets after clearing the rest.
 */
export function securityHeaders(options: SecurityHeadersOptions): Middleware {
  const headers = securityHeaderValues(options);
  return async function securityHeadersMiddleware(ctx, next) {
    ctx.set(headers);
    try {
      await next();
    } catch (error) {
      if (error instanceof Error) {
        const withHeaders = error as Error & { headers?: Record<string, string> };
        withHeaders.headers = { ...withHeaders.headers, ...headers };
      }
      throw error;
    }
  };
}
