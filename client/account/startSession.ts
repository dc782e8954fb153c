/** The page's first word with the server about who is here, signing a wall screen in when it was opened with `?device=TOKEN`. */
import { HttpError } from '../twin/http.ts';
import type { SessionStore } from '../twin/session.ts';

/** Waits between tries when the server cannot be reached: 1 s, doubling to 30 s. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** True when `error` means the server was not reached or not itself (a network failure, a 5xx from a proxy): worth asking again. */
const unreachable = (error: Error | null): boolean => error !== null && !(error instanceof HttpError && error.status < 500);

/**
 * Runs `attempt` until it succeeds or fails for a reason the server gave (a refused token): a wall
 * screen opened while the server is down, or restarting, signs in by itself when it is back.
 */
async function untilReached(session: SessionStore, attempt: () => Promise<boolean>, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
    if (await attempt()) return true;
    if (!unreachable(session.getState().error)) return false;
    await sleep(wait);
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const started = new WeakMap<SessionStore, Promise<Error | null>>();

/**
 * Signs in with `?device=` (after taking it out of the address bar, so the token is not left on the
 * wall for all to read), else loads the session. Resolves with the device sign-in's error (the
 * session is then loaded as without a token), or null. Once per store: React may run an effect twice.
 * While the server cannot be reached it asks again (1 s, doubling to 30 s), the token kept in memory:
 * a screen left on through a restart or a network cut comes back unattended.
 */
export function startSession(session: SessionStore, location: Location = window.location, history: History = window.history, sleep = realSleep): Promise<Error | null> {
  let start = started.get(session);
  if (!start) {
    start = (async () => {
      const params = new URLSearchParams(location.search);
      const token = params.get('device');
      if (token === null) {
        await untilReached(session, () => session.loadSession(), sleep);
        return null;
      }
      params.delete('device');
      const query = params.toString();
      history.replaceState(history.state, '', `${location.pathname}${query === '' ? '' : `?${query}`}${location.hash}`);
      if (await untilReached(session, () => session.signInDevice(token), sleep)) return null;
      const error = session.getState().error;
      await untilReached(session, () => session.loadSession(), sleep);
      return error;
    })();
    started.set(session, start);
  }
  return start;
}
