import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpErrors } from '../../../server/httpErrors.ts';
import { contentSecurityPolicy, securityHeaders } from '../../../server/http/securityHeaders.ts';
import { serveApp, type Served } from './serveApp.ts';

/** The policy as directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
}

describe('contentSecurityPolicy', () => {
  it('lets scripts and workers come only from the server, with WebAssembly but no eval', () => {
    const csp = directives(contentSecurityPolicy([]));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('worker-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(contentSecurityPolicy([])).not.toMatch(/'unsafe-eval'|\*|https?:(?!\/\/)/);
  });

  it('names the configured origins where tilesets and imagery are fetched, and nowhere else', () => {
    const origins = ['http://10.0.0.5:5173', 'https://tiles.example'];
    const csp = directives(contentSecurityPolicy(origins));
    expect(csp.get('connect-src')).toEqual(["'self'", ...origins]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:', ...origins]);
    expect(csp.get('script-src')).not.toContain(origins[0]);
    expect(csp.get('worker-src')).not.toContain(origins[0]);
  });
});

describe('securityHeaders', () => {
  let served: Served;
  beforeAll(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(securityHeaders({ allowedOrigins: ['https://tiles.example'] }));
    app.use(async (ctx, next) => {
      // Past the error middleware: Koa's own last-resort handler answers.
      if (ctx.path === '/escapes') throw new Error('a bug');
      await next();
    });
    app.use(httpErrors());
    app.use((ctx) => {
      if (ctx.path === '/ok') ctx.body = { ok: true };
      else if (ctx.path === '/bad') ctx.throw(400, 'bad input');
      else if (ctx.path === '/bug') throw new Error('a bug');
    });
    served = await serveApp(app);
  });
  afterAll(() => served.close());

  it.each(['/ok', '/bad', '/bug', '/missing', '/escapes'])('are on the answer to %s', async (path) => {
    const answer = await served.send('GET', path);
    expect(answer.headers['content-security-policy']).toBe(contentSecurityPolicy(['https://tiles.example']));
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('same-origin');
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(answer.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(answer.headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()');
  });

  it('leaves caching to the routes', async () => {
    expect((await served.send('GET', '/ok')).headers['cache-control']).toBeUndefined();
  });
});
