import net from 'node:net';
import os from 'node:os';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHostNames, hostAllowed, hostCheck } from '../../../server/http/hostCheck.ts';
import { serveApp, type Served } from './serveApp.ts';

describe('allowedHostNames', () => {
  it('holds the loopback names, this machine and the configured names, normalised', () => {
    const names = allowedHostNames({ host: '0.0.0.0', allowedHosts: ['Twin.Example.CN', 'fd00::5'] });
    for (const name of ['localhost', '127.0.0.1', '[::1]', os.hostname().toLowerCase(), 'twin.example.cn', '[fd00::5]']) expect(names).toContain(name);
    const ipv4 = Object.values(os.networkInterfaces()).flatMap((a) => a ?? []).filter((a) => a.family === 'IPv4');
    for (const a of ipv4) expect(names).toContain(a.address);
    expect(names).not.toContain('0.0.0.0');
  });

  it('holds the listening host unless it is a wildcard', () => {
    expect(allowedHostNames({ host: 'twin.lan' })).toContain('twin.lan');
    expect(allowedHostNames({ host: '::' })).not.toContain('[::]');
  });
});

describe('hostAllowed', () => {
  const names = allowedHostNames({ host: '0.0.0.0', allowedHosts: ['twin.example.cn'] });
  it.each(['localhost', 'localhost:8080', 'LOCALHOST:8080', '127.0.0.1:5173', '[::1]:8080', '[::1]', 'twin.example.cn', 'twin.example.cn.:443'])('allows %s', (host) => {
    expect(hostAllowed(host, names)).toBe(true);
  });
  it.each(['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io', '[::2]:8080', '::1', 'localhost:80:80', 'localhost/x', 'user@localhost', '', ' '])('refuses %j', (host) => {
    expect(hostAllowed(host, names)).toBe(false);
  });
  it('refuses a missing Host', () => {
    expect(hostAllowed(undefined, names)).toBe(false);
  });
});

/** Sends raw request bytes and returns the answer's status line and body. */
function raw(url: string, request: string): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

describe('hostCheck', () => {
  let served: Served;
  beforeAll(async () => {
    const app = new Koa();
    app.use(hostCheck(allowedHostNames({ host: '127.0.0.1' })));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    served = await serveApp(app);
  });
  afterAll(() => served.close());

  it('serves its own names', async () => {
    expect((await served.send('GET', '/')).status).toBe(200);
    expect((await served.send('GET', '/', { host: 'localhost:1234' })).status).toBe(200);
  });

  it('answers a rebound foreign name 421 naming it', async () => {
    // What a page of evil.example sends once evil.example resolves to this machine.
    const answer = await served.send('GET', '/api/health', { host: 'evil.example', origin: 'http://evil.example' });
    expect(answer.status).toBe(421);
    expect(answer.json()).toEqual({ error: { code: 'bad_host', message: 'Host "evil.example" is not a name of this server; add it to ALLOWED_HOSTS if it is' } });
  });

  it('refuses an HTTP/1.1 request without Host and lets an HTTP/1.0 one through', async () => {
    // Node refuses the first itself (requireHostHeader); the check would too.
    expect((await raw(served.url, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n')).status).toBe(400);
    expect((await raw(served.url, 'GET / HTTP/1.0\r\n\r\n')).status).toBe(200);
  });
});
