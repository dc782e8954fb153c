import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../../client/twin/http.ts';
import { createSessionStore } from '../../../client/twin/session.ts';
import { answer, sessionOf, stubFetch } from './fixtures.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the session store', () => {
  it('loads who is here, and what an anonymous visitor may do', async () => {
    stubFetch(() => answer(200, sessionOf('viewer', { kind: 'anonymous' })));
    const session = createSessionStore();
    expect(session.getState().info).toBeNull();
    expect(await session.loadSession()).toBe(true);
    expect(session.getState().info?.principal.kind).toBe('anonymous');
    expect(session.can('view')).toBe(true);
    expect(session.can('run.control')).toBe(false);
  });

  it('signs in with a password as JSON, and holds the account’s permissions', async () => {
    const fetch = stubFetch(() => answer(200, sessionOf('director', { username: 'zhang.min' })));
    const session = createSessionStore();
    const states: boolean[] = [];
    session.subscribe((s) => states.push(s.loading));
    expect(await session.signIn('zhang.min', 'correct horse battery')).toBe(true);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/session');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(JSON.parse(init.body as string)).toEqual({ username: 'zhang.min', password: 'correct horse battery' });
    expect(session.getState().info?.principal.username).toBe('zhang.min');
    expect(session.can('live.control')).toBe(true);
    expect(session.getState().error).toBeNull();
    expect(states).toEqual([true, false]);
  });

  it('keeps the server’s message and code when the password is wrong, and the session it had', async () => {
    stubFetch((_url, init) =>
      init.method === 'POST' ? answer(401, { error: { code: 'bad_credentials', message: 'wrong username or password' } }) : answer(200, sessionOf('viewer', { kind: 'anonymous' })),
    );
    const session = createSessionStore();
    await session.loadSession();
    expect(await session.signIn('zhang.min', 'nope')).toBe(false);
    const { error, info, loading } = session.getState();
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    expect((error as HttpError).code).toBe('bad_credentials');
    expect(error?.message).toContain('wrong username or password');
    expect(info?.principal.kind).toBe('anonymous');
    expect(loading).toBe(false);
  });

  it('reports a locked account with the time the server names', async () => {
    stubFetch(() => answer(423, { error: { code: 'locked', message: 'POST /api/session: account locked until 2025-03-01T00:15:00.000Z' } }));
    const session = createSessionStore();
    expect(await session.signIn('zhang.min', 'nope')).toBe(false);
    const error = session.getState().error as HttpError;
    expect(error.status).toBe(423);
    expect(error.code).toBe('locked');
    expect(error.message).toContain('2025-03-01T00:15:00.000Z');
  });

  it('signs a wall screen in with its device token', async () => {
    const fetch = stubFetch(() => answer(200, sessionOf('viewer', { kind: 'device', username: '指挥大厅主屏' })));
    const session = createSessionStore();
    expect(await session.signInDevice('t'.repeat(32))).toBe(true);
    expect(JSON.parse(fetch.mock.calls[0][1].body as string)).toEqual({ deviceToken: 't'.repeat(32) });
    expect(session.getState().info?.principal.kind).toBe('device');
  });

  it('signs out with DELETE, then holds what an anonymous visitor gets', async () => {
    let signedIn = true;
    const fetch = stubFetch((_url, init) => {
      if (init.method === 'DELETE') {
        signedIn = false;
        return answer(204);
      }
      return answer(200, signedIn ? sessionOf('planner') : sessionOf(null));
    });
    const session = createSessionStore();
    await session.loadSession();
    expect(session.can('run.create')).toBe(true);
    expect(await session.signOut()).toBe(true);
    expect(fetch.mock.calls.map(([url, init]) => `${init.method ?? 'GET'} ${url}`)).toEqual(['GET /api/session', 'DELETE /api/session', 'GET /api/session']);
    expect(session.getState().info?.principal.kind).toBe('anonymous');
    expect(session.getState().info?.anonymous).toBe('none');
    expect(session.can('view')).toBe(false);
  });

  it('changes the password, then reloads the session that no longer must change it', async () => {
    let changed = false;
    const fetch = stubFetch((url) => {
      if (url === '/api/session/password') {
        changed = true;
        return answer(204);
      }
      return answer(200, sessionOf('planner', { mustChangePassword: !changed }));
    });
    const session = createSessionStore();
    await session.loadSession();
    expect(session.getState().info?.mustChangePassword).toBe(true);
    expect(await session.changePassword('one-time-xyz', 'a much longer one')).toBe(true);
    expect(JSON.parse(fetch.mock.calls[1][1].body as string)).toEqual({ current: 'one-time-xyz', next: 'a much longer one' });
    expect(session.getState().info?.mustChangePassword).toBe(false);
  });

  it('refuses an answer that is not a session', async () => {
    stubFetch(() => answer(200, { hello: 'world' }));
    const session = createSessionStore();
    expect(await session.loadSession()).toBe(false);
    expect(session.getState().error?.message).toMatch(/^session: \/api\/session answered .*not a session/);
  });
});
