import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSession } from '../../../client/account/startSession.ts';
import { createSessionStore } from '../../../client/twin/session.ts';
import { answer, sessionOf, stubFetch } from './fixtures.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A page's address bar at `search`, recording what replaceState writes. */
function page(search: string) {
  const location = { pathname: '/three', search, hash: '' } as Location;
  const replaced: string[] = [];
  const history = { state: null, replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) } as unknown as History;
  return { location, history, replaced };
}

describe('startSession', () => {
  it('takes a wall screen’s token out of the address bar before signing in with it', async () => {
    const { location, history, replaced } = page('?city=pingdingshan&device=abcdefghijklmnopqrstuvwxyz&lang=en');
    const fetch = stubFetch(() => {
      expect(replaced).toEqual(['/three?city=pingdingshan&lang=en']);
      return answer(200, sessionOf('viewer', { kind: 'device', username: '主屏' }));
    });
    const session = createSessionStore();
    expect(await startSession(session, location, history)).toBeNull();
    expect(JSON.parse(fetch.mock.calls[0][1].body as string)).toEqual({ deviceToken: 'abcdefghijklmnopqrstuvwxyz' });
    expect(session.getState().info?.principal.kind).toBe('device');
  });

  it('reports a refused token and goes on as an anonymous visitor', async () => {
    const { location, history, replaced } = page('?device=revoked-token-000000');
    stubFetch((_url, init) => (init.method === 'POST' ? answer(401, { error: { code: 'bad_credentials', message: 'unknown or revoked device token' } }) : answer(200, sessionOf('viewer', { kind: 'anonymous' }))));
    const session = createSessionStore();
    const error = await startSession(session, location, history);
    expect(error?.message).toContain('unknown or revoked device token');
    expect(replaced).toEqual(['/three']);
    expect(session.getState().info?.principal.kind).toBe('anonymous');
  });

  it('only loads the session without a token, once however often it is called', async () => {
    const { location, history, replaced } = page('?city=pingdingshan');
    const fetch = stubFetch(() => answer(200, sessionOf('planner')));
    const session = createSessionStore();
    await Promise.all([startSession(session, location, history), startSession(session, location, history)]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(replaced).toEqual([]);
  });

  it('asks again while the server cannot be reached, then signs the screen in with the token it kept', async () => {
    const { location, history } = page('?device=abcdefghijklmnopqrstuvwxyz');
    let calls = 0;
    const fetch = stubFetch(() => {
      calls++;
      if (calls === 1) throw new TypeError('Failed to fetch');
      if (calls === 2) return answer(502, { error: { code: 'bad_gateway', message: 'proxy: upstream down' } });
      return answer(200, sessionOf('viewer', { kind: 'device', username: '主屏' }));
    });
    const waits: number[] = [];
    const session = createSessionStore();
    expect(await startSession(session, location, history, async (ms) => void waits.push(ms))).toBeNull();
    expect(waits).toEqual([1000, 2000]);
    expect(fetch).toHaveBeenCalledTimes(3);
    for (const call of fetch.mock.calls) expect(JSON.parse(call[1].body as string)).toEqual({ deviceToken: 'abcdefghijklmnopqrstuvwxyz' });
    expect(session.getState().info?.principal.kind).toBe('device');
  });

  it('does not ask again when the server refused: a revoked token is not retried', async () => {
    const { location, history } = page('?device=revoked-token-000000');
    const fetch = stubFetch((_url, init) => (init.method === 'POST' ? answer(401, { error: { code: 'bad_credentials', message: 'revoked' } }) : answer(200, sessionOf('viewer', { kind: 'anonymous' }))));
    const waits: number[] = [];
    await startSession(createSessionStore(), location, history, async (ms) => void waits.push(ms));
    expect(waits).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
