/** The page's first word with the server about who is here, signing a wall screen in when it was opened with `?device=TOKEN`. */
import type { SessionStore } from '../twin/session.ts';

const started = new WeakMap<SessionStore, Promise<Error | null>>();

/**
 * Signs in with `?device=` (after taking it out of the address bar, so the token is not left on the
 * wall for all to read), else loads the session. Resolves with the device sign-in's error (the
 * session is then loaded as without a token), or null. Once per store: React may run an effect twice.
 */
export function startSession(session: SessionStore, location: Location = window.location, history: History = window.history): Promise<Error | null> {
  let start = started.get(session);
  if (!start) {
    start = (async () => {
      const params = new URLSearchParams(location.search);
      const token = params.get('device');
      if (token === null) {
        await session.loadSession();
        return null;
      }
      params.delete('device');
      const query = params.toString();
      history.replaceState(history.state, '', `${location.pathname}${query === '' ? '' : `?${query}`}${location.hash}`);
      if (await session.signInDevice(token)) return null;
      const error = session.getState().error;
      await session.loadSession();
      return error;
    })();
    started.set(session, start);
  }
  return start;
}
