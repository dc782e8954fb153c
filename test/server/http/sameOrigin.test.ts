import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfGuard, requestOriginAllowed } from '../../../server/http/sameOrigin.ts';
import { serveApp, type Served } from './serveApp.ts';

const ALLOWED = ['http://10.0.0.5:5173'];

describe('requestOriginAllowed', () => {
  it.each([
    [{ origin: 'http://twin.lan:8080', host: 'twin.lan:8080' }, true],
    [{ origin: 'https://twin.lan', host: 'twin.lan' }, true],
    [{ origin: 'https://twin.lan', host: 'TWIN.lan:443' }, true],
    [{ origin: 'http://10.0.0.5:5173', host: 'twin.lan:8080' }, true],
    [{ host: 'twin.lan:8080' }, true],
    [{ host: 'twin.lan:8080', 'sec-fetch-site': 'same-origin' }, true],
    [{ host: 'twin.lan:8080', 'sec-fetch-site': 'none' }, true],
    [{ origin: 'http://evil.example', host: 'twin.lan:8080' }, false],
    [{ origin: 'http://evil.example', host: 'evil.example' }, true], // a rebound name: hostCheck refuses it
    [{ origin: 'http://twin.lan:8081', host: 'twin.lan:8080' }, false],
    [{ origin: 'http://twin.lan:8080/', host: 'twin.lan:8080' }, false],
    [{ origin: 'null', host: 'twin.lan:8080' }, false],
    [{ origin: 'file://', host: 'twin.lan:8080' }, false],
    [{ origin: 'http://twin.lan:8080' }, false],
    [{ host: 'twin.lan:8080', 'sec-fetch-site': 'cross-site' }, false],
    [{ host: 'twin.lan:8080', 'sec-fetch-site': 'same-site' }, false],
  ])('%j → %s', (headers, expected) => {
    expect(requestOriginAllowed(headers, ALLOWED)).toBe(expected);
  });
});

describe('csrfGuard', () => {
  let served: Served;
  const reached: string[] = [];
  beforeAll(async () => {
    const app = new Koa();
    app.use(csrfGuard(ALLOWED));
    app.use((ctx) => {
      reached.push(ctx.method);
      ctx.body = { ok: true };
    });
    served = await serveApp(app);
  });
  afterAll(() => served.close());
  const own = () => new URL(served.url).origin;

  it('refuses the text/plain POST a foreign page can send without a preflight', async () => {
    const answer = await served.send('POST', '/api/runs/live/control', { origin: 'http://evil.example', 'content-type': 'text/plain' }, '{"action":"pause"}');
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({ error: { code: 'forbidden_origin', message: 'POST /api/runs/live/control: requests from origin "http://evil.example" are not allowed' } });
    const noOrigin = await served.send('DELETE', '/api/runs/r1', { 'sec-fetch-site': 'cross-site' });
    expect(noOrigin.json().error?.message).toBe('DELETE /api/runs/r1: requests from Sec-Fetch-Site "cross-site" are not allowed');
    expect(reached).toEqual([]);
  });

  it('refuses a body that is not JSON, even from its own pages', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await served.send('POST', '/api/runs', { origin: own(), 'content-type': type }, '{}');
      expect(answer.status).toBe(415);
      expect(answer.json()).toEqual({ error: { code: 'unsupported_media_type', message: `POST /api/runs: body must be application/json, got ${JSON.stringify(type)}` } });
    }
    const untyped = await served.send('PUT', '/x', {}, '{}');
    expect(untyped.json().error?.message).toBe('PUT /x: body must be application/json, got no Content-Type');
    const chunked = await served.send('PATCH', '/x', { 'transfer-encoding': 'chunked' }, '{}');
    expect(chunked.status).toBe(415);
    expect(reached).toEqual([]);
  });

  it('lets JSON, bodiless writes and reads through', async () => {
    expect((await served.send('POST', '/api/runs', { origin: own(), 'content-type': 'application/json; charset=utf-8' }, '{}')).status).toBe(200);
    expect((await served.send('POST', '/api/runs', { origin: ALLOWED[0], 'content-type': 'application/json' }, '{}')).status).toBe(200);
    expect((await served.send('DELETE', '/api/runs/r1', { 'content-length': '0' })).status).toBe(200);
    expect((await served.send('POST', '/api/session/logout')).status).toBe(200);
    expect((await served.send('GET', '/api/health', { origin: 'http://evil.example', 'content-type': 'text/plain' })).status).toBe(200);
    expect(reached).toEqual(['POST', 'POST', 'DELETE', 'POST', 'GET']);
  });
});
