/**
 * The role matrix: every HTTP route and every socket request, tried by every role and by an
 * anonymous visitor, is refused exactly when its access rule says so — and every route the app
 * serves has a rule (a route added without one fails here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../server/protocol/access.ts';
import { ControlRequests, createHello, type ControlName } from '../../../server/protocol/controls.ts';
import { anonymousPrincipal, type Principal } from '../../../server/auth/principal.ts';
import { EVENT_RULES, isGuardedPath, refusal, ROUTE_RULES } from '../../../server/auth/rules.ts';
import { connect, startTestServer, type TestServer } from '../realtime/realtimeHarness.ts';
import { signInAs } from '../../helpers/signIn.ts';

type Who = Role | 'anonymous';
const WHO: Who[] = ['anonymous', ...ROLES];

/** A concrete path for a rule's pattern: ids that exist where that matters little, since a refusal comes before the handler. */
function concrete(pattern: string): string {
  return pattern
    .replace('/tiles/*', '/tiles/smallcity/tileset.json')
    .replace('/api/cities/:id', '/api/cities/smallcity')
    .replace(':bid', 'no-such-building')
    .replace(':linkId', 'no-such-link')
    .replace(':objectId', '1')
    .replace(':username', 'nobody')
    .replace(/:id/g, '999999');
}

function principalOf(who: Who): Principal {
  if (who === 'anonymous') return anonymousPrincipal('viewer', '127.0.0.1');
  return { kind: 'user', username: `test-${who}`, role: who, department: who === 'operator' ? 'traffic_police' : null, sessionId: 'x', mustChangePassword: false, address: '127.0.0.1' };
}

/** The authorizer's own refusals (handlers may refuse later for reasons of their own: whose run, which layer). */
const AUTHORIZER = /sign in first|role may not do this/;

describe('access rules', () => {
  let t: TestServer;
  const cookies = new Map<Who, string>();

  beforeAll(async () => {
    t = await startTestServer();
    for (const role of ROLES) cookies.set(role, await signInAs(t.server, role));
  }, 60_000);
  afterAll(() => t?.close());

  it('covers every route the app serves', () => {
    // The web client's pages (the fallback page at "/") are public by design; everything under /api/ must have a rule.
    const routes = t.server.routes.filter((r) => isGuardedPath(r.split(' ')[1]));
    const missing = routes.filter((r) => !(r in ROUTE_RULES));
    expect(missing).toEqual([]);
    expect(routes.length).toBeGreaterThan(30);
  });

  it('refuses every route exactly when its rule says, for every role', async () => {
    const mismatches: string[] = [];
    for (const [key, rule] of Object.entries(ROUTE_RULES)) {
      const [method, pattern] = key.split(' ');
      if (key === 'DELETE /api/session') continue; // signs the role out; tried last, below
      for (const who of WHO) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        const cookie = cookies.get(who);
        if (cookie) headers.cookie = cookie;
        const body = method === 'GET' ? undefined : key === 'POST /api/session' ? '{"username":"x"}' : '{}';
        const response = await fetch(`${t.url}${concrete(pattern)}`, { method, headers, body });
        const text = await response.text();
        const expected = refusal(rule, principalOf(who));
        const refusedHere = (response.status === 401 || response.status === 403) && AUTHORIZER.test(text);
        if (expected && !refusedHere) mismatches.push(`${key} as ${who}: expected ${expected}, got ${response.status} ${text.slice(0, 120)}`);
        if (expected === 'unauthenticated' && response.status !== 401) mismatches.push(`${key} as ${who}: expected 401, got ${response.status}`);
        if (!expected && refusedHere) mismatches.push(`${key} as ${who}: refused ${response.status} ${text.slice(0, 120)}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('refuses every socket request exactly when its rule says, for every role', async () => {
    const mismatches: string[] = [];
    for (const who of WHO) {
      const cookie = cookies.get(who);
      const socket = connect(t.url, createHello({ client: 'test' }), cookie);
      try {
        for (const name of Object.keys(ControlRequests) as ControlName[]) {
          const request = name === 'createRun' ? { scenarioId: 'no-such-scenario' } : name === 'speed' ? { runId: 'nope', factor: 2 } : name === 'seek' ? { runId: 'nope', simTimeMs: 0 } : name === 'inject' ? { runId: 'nope', kind: 'traffic.close_road', params: {} } : { runId: 'nope' };
          const ack = (await socket.timeout(5000).emitWithAck(name as 'join', request as { runId: string })) as { ok: boolean; error?: { code: string } };
          const expected = refusal(EVENT_RULES[name], principalOf(who));
          const code = ack.ok ? null : ack.error?.code;
          if (expected && code !== expected) mismatches.push(`${name} as ${who}: expected ${expected}, got ${JSON.stringify(ack)}`);
          if (!expected && (code === 'forbidden' || code === 'unauthenticated')) mismatches.push(`${name} as ${who}: refused ${JSON.stringify(ack)}`);
        }
      } finally {
        socket.disconnect();
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('signs out with DELETE /api/session, after which the cookie is anonymous', async () => {
    const cookie = await signInAs(t.server, 'planner', { username: 'leaving-planner' });
    const out = await fetch(`${t.url}/api/session`, { method: 'DELETE', headers: { cookie, 'content-type': 'application/json' } });
    expect(out.status).toBe(204);
    const after = (await (await fetch(`${t.url}/api/session`, { headers: { cookie } })).json()) as { principal: { kind: string } };
    expect(after.principal.kind).toBe('anonymous');
  });
});
