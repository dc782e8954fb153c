/**
 * Trust end to end on a real server: sign-in, lockout, cross-site writes refused, the Host check,
 * controls over the socket need a session and the right run, the audit trail records what was done,
 * security headers on every answer, and a locked-down server shows nothing to visitors.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import { startServer, type RunningServer } from '../../../server/startServer.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { signInAs, TEST_PASSWORD } from '../../helpers/signIn.ts';
import { api, connect, request, startTestServer, type TestServer } from '../realtime/realtimeHarness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
}, 30_000);
afterAll(() => t?.close());

describe('accounts and sessions', () => {
  it('signs in with a password, says who and which role, and locks the account after five failures', async () => {
    const cookie = await signInAs(t.server, 'planner', { username: 'lin' });
    const me = await api(t.url, 'GET', '/api/session', undefined, cookie);
    expect(me.body).toMatchObject({ principal: { kind: 'user', username: 'lin', role: 'planner' }, anonymous: 'viewer' });
    expect(me.body.permissions).toContain('run.create');

    for (let i = 0; i < 4; i++) {
      const wrong = await api(t.url, 'POST', '/api/session', { username: 'lin', password: 'not-the-password' });
      expect(wrong.status).toBe(401);
    }
    // The fifth failure locks it, and then even the right password is refused until the lock ends.
    expect((await api(t.url, 'POST', '/api/session', { username: 'lin', password: 'not-the-password' })).status).toBe(423);
    const locked = await api(t.url, 'POST', '/api/session', { username: 'lin', password: TEST_PASSWORD });
    expect(locked.status).toBe(423);
    expect(locked.body.error).toMatchObject({ code: 'locked' });
    // Unknown names are answered like wrong passwords: no way to find out which accounts exist.
    const unknown = await api(t.url, 'POST', '/api/session', { username: 'nobody-here', password: 'whatever-123' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({ code: 'bad_credentials' });
  });

  it('sets an HttpOnly, SameSite=Strict session cookie', async () => {
    await signInAs(t.server, 'viewer');
    const res = await fetch(`${t.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'test-viewer', password: TEST_PASSWORD }) });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('yt_session='));
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
  });
});

describe('accounts over HTTP', () => {
  it('lets an admin create, change and reset accounts, each recorded ok or failed', async () => {
    const admin = await signInAs(t.server, 'admin');
    const made = await api(t.url, 'POST', '/api/users', { username: 'liu', role: 'viewer' }, admin);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ account: { username: 'liu', role: 'viewer', mustChangePassword: true }, oneTimePassword: expect.any(String) });
    const twice = await api(t.url, 'POST', '/api/users', { username: 'liu', role: 'viewer' }, admin);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'exists' });
    const changed = await api(t.url, 'PATCH', '/api/users/liu', { role: 'planner' }, admin);
    expect(changed.body).toMatchObject({ account: { username: 'liu', role: 'planner' } });
    const reset = await api(t.url, 'POST', '/api/users/liu/reset', undefined, admin);
    expect(reset.body.oneTimePassword).toEqual(expect.any(String));
    expect((await api(t.url, 'POST', '/api/users/nobody/reset', undefined, admin)).status).toBe(404);

    const auditor = await signInAs(t.server, 'auditor');
    const records = (await api(t.url, 'GET', '/api/audit?limit=500', undefined, auditor)).body.records as { action: string; target: string; result: string }[];
    const results = (action: string, target: string) => records.filter((r) => r.action === action && r.target === target).map((r) => r.result);
    expect(results('account.create', 'liu').sort()).toEqual(['failed', 'ok']);
    expect(results('account.update', 'liu')).toEqual(['ok']);
    expect(results('account.reset', 'liu')).toEqual(['ok']);
    expect(results('account.reset', 'nobody')).toEqual(['failed']);
  });
});

describe('cross-site requests and the Host header', () => {
  it('refuses a text/plain POST from a foreign page, which today pauses the live twin', async () => {
    const cookie = await signInAs(t.server, 'director');
    const before = t.manager.get('live')?.state.status;
    const res = await fetch(`${t.url}/api/runs/live/control`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://evil.example', cookie }, body: '{"action":"pause"}' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
    const plain = await fetch(`${t.url}/api/runs/live/control`, { method: 'POST', headers: { 'content-type': 'text/plain', cookie }, body: '{"action":"pause"}' });
    expect(plain.status).toBe(415);
    expect(t.manager.get('live')?.state.status).toBe(before);
  });

  it('refuses a foreign Host on HTTP and on the socket, even when Origin agrees with it (DNS rebinding)', async () => {
    const port = new URL(t.url).port;
    // fetch() will not send a Host of our choosing; node:http will.
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/api/health', headers: { host: 'evil.example', origin: 'http://evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(421);
    const socket = ioClient(t.url, { auth: createHello({ client: 'test' }), transports: ['websocket'], reconnection: false, extraHeaders: { host: `evil.example:${port}`, origin: `http://evil.example:${port}` } });
    const outcome = await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (e) => resolve(`refused: ${e.message}`));
    });
    socket.disconnect();
    expect(outcome).toMatch(/^refused/);
  });
});

describe('controls over the socket', () => {
  it('refuses an anonymous socket pausing or seeking the live run, and lets a director do it', async () => {
    const anonymous = connect(t.url);
    const paused = await request<{ ok: boolean; error?: { code: string } }>(anonymous, 'pause', { runId: 'live' });
    expect(paused).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const created = await request<{ ok: boolean; error?: { code: string } }>(anonymous, 'createRun', { scenarioId: 'smoke' });
    expect(created).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    anonymous.disconnect();

    const director = connect(t.url, createHello({ client: 'test' }), await signInAs(t.server, 'director'));
    expect(await request(director, 'pause', { runId: 'live' })).toMatchObject({ ok: true });
    expect(await request(director, 'play', { runId: 'live' })).toMatchObject({ ok: true });
    director.disconnect();
  });

  it("lets a planner control their own run but not another planner's, and a traffic police operator close a road anywhere but not pause", async () => {
    const mine = connect(t.url, createHello({ client: 'test' }), await signInAs(t.server, 'planner', { username: 'wang' }));
    const theirs = connect(t.url, createHello({ client: 'test' }), await signInAs(t.server, 'planner', { username: 'zhao' }));
    const police = connect(t.url, createHello({ client: 'test' }), await signInAs(t.server, 'operator', { department: 'traffic_police' }));
    try {
      const created = await request<{ ok: true; result: { runId: string } }>(mine, 'createRun', { scenarioId: 'smoke' });
      const runId = created.result.runId;
      expect(t.manager.get(runId)?.owner).toBe('wang');
      expect(await request(mine, 'pause', { runId })).toMatchObject({ ok: true });
      expect(await request(theirs, 'play', { runId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await request(theirs, 'stop', { runId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await request(police, 'pause', { runId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const close = await request<{ ok: boolean; error?: { code: string } }>(police, 'inject', { runId, kind: 'road_walker.close_link', params: {} });
      // The road walker's closure is no traffic police inject: refused by the department rule, not by the engine.
      expect(close).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await request(mine, 'stop', { runId })).toMatchObject({ ok: true });
    } finally {
      for (const s of [mine, theirs, police]) s.disconnect();
    }
  });
});

describe('controls over HTTP', () => {
  it('apply the same run rules as the socket: a planner controls its own run, not the live baseline or another planner\'s', async () => {
    const mine = await signInAs(t.server, 'planner', { username: 'sun' });
    const theirs = await signInAs(t.server, 'planner', { username: 'zhou' });
    const made = await api(t.url, 'POST', '/api/runs', { scenarioId: 'smoke' }, mine);
    expect(made.status).toBe(201);
    const runId = (made.body.state as { runId: string }).runId;
    const before = t.manager.get('live')?.state.status;
    const live = await api(t.url, 'POST', '/api/runs/live/control', { action: 'pause' }, mine);
    expect(live.status).toBe(403);
    expect(live.body.error).toMatchObject({ code: 'forbidden', message: 'POST /api/runs/:id/control: sun (planner) may not pause run live' });
    expect(t.manager.get('live')?.state.status).toBe(before);
    expect((await api(t.url, 'POST', `/api/runs/${runId}/control`, { action: 'pause' }, theirs)).status).toBe(403);
    expect((await api(t.url, 'POST', `/api/runs/${runId}/control`, { action: 'inject', kind: 'road_walker.speed_factor', params: { factor: 2 } }, theirs)).status).toBe(403);
    expect(t.manager.get(runId)?.state.status).toBe('playing');
    expect((await api(t.url, 'POST', `/api/runs/${runId}/control`, { action: 'pause' }, mine)).status).toBe(200);
    expect(t.manager.get(runId)?.state.status).toBe('paused');
    expect((await api(t.url, 'POST', `/api/runs/${runId}/control`, { action: 'stop' }, mine)).status).toBe(200);
  });
});

describe('the audit trail', () => {
  it('records sign-ins, failed sign-ins, refused and applied controls, and its chain verifies', async () => {
    const cookie = await signInAs(t.server, 'director', { username: 'audited-director' });
    await api(t.url, 'POST', '/api/session', { username: 'audited-director', password: 'wrong-password-1' });
    await api(t.url, 'POST', '/api/runs/live/control', { action: 'speed', factor: 2 }, cookie);
    await api(t.url, 'POST', '/api/runs/live/control', { action: 'pause' });
    const auditor = await signInAs(t.server, 'auditor');
    const page = await api(t.url, 'GET', '/api/audit?limit=500', undefined, auditor);
    const records = page.body.records as { actor: string; action: string; result: string; target: string }[];
    const has = (actor: string, action: string, result: string) => records.some((r) => r.actor === actor && r.action === action && r.result === result);
    expect(has('audited-director', 'session.signIn', 'ok')).toBe(true);
    expect(has('audited-director', 'session.signIn', 'failed')).toBe(true);
    expect(has('audited-director', 'run.control', 'ok')).toBe(true);
    expect(has('anonymous', 'http.denied', 'denied')).toBe(true);
    const verify = await api(t.url, 'GET', '/api/audit/verify', undefined, auditor);
    expect(verify.body).toMatchObject({ ok: true });
    // The director may not read it: separation of duties.
    expect((await api(t.url, 'GET', '/api/audit', undefined, cookie)).status).toBe(403);
  });
});

describe('security headers', () => {
  it('puts a CSP with frame-ancestors, nosniff and Referrer-Policy on every answer, errors included', async () => {
    for (const route of ['/api/health', '/api/no-such-route', '/api/cities']) {
      const res = await fetch(`${t.url}${route}`);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBeTruthy();
    }
    // Socket.IO's long-polling handshake does not pass through Koa.
    const polling = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
    expect(polling.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('a locked-down server (anonymous: none)', () => {
  let locked: RunningServer;
  let tmp: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-locked-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data', YT_ANONYMOUS: 'none' }, tmp);
    locked = await startServer(config, { cities: [smallCity()], build: false, clientDir: path.join(tmp, 'no-client'), store: new RunStore(':memory:'), runs: { liveScenarioId: null, scenarios: [] } });
  });
  afterAll(async () => {
    await locked?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows visitors nothing but the sign-in, and everything to a signed-in viewer', async () => {
    expect((await fetch(`${locked.url}/api/cities`)).status).toBe(401);
    expect((await fetch(`${locked.url}/api/health`)).status).toBe(200);
    const session = (await (await fetch(`${locked.url}/api/session`)).json()) as { anonymous: string; principal: { role: unknown } };
    expect(session).toMatchObject({ anonymous: 'none', principal: { role: null } });
    const s = connect(locked.url);
    const refused = await new Promise<string>((resolve) => {
      s.on('connect', () => resolve('connected'));
      s.on('connect_error', (e) => resolve(e.message));
    });
    s.disconnect();
    expect(refused).toMatch(/sign in/);
    const cookie = await signInAs(locked, 'viewer');
    expect((await fetch(`${locked.url}/api/cities`, { headers: { cookie } })).status).toBe(200);
  });
});
