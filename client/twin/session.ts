/**
 * Who this visitor is, as the server says (GET /api/session), and the requests that change it:
 * sign in with a password or a wall screen's device token, sign out, change the password.
 * Framework-free, like TwinStore: pages read getState() and subscribe(). The session cookie is
 * HttpOnly, so nothing here ever holds the token; what a role may do is read from the answer only to
 * hide what it cannot (the server enforces it).
 */
import type { Permission, SessionInfo } from '../../server/protocol/access.ts';
import { fetchJson } from './http.ts';
import { StateListeners } from './stateListeners.ts';

export interface SessionState {
  /** The server's last word on this visitor; null until it first answers. */
  info: SessionInfo | null;
  /** True while a request about the session is on its way. */
  loading: boolean;
  /** Why the last request failed (an HttpError carries the server's code); cleared by the next success. */
  error: Error | null;
}

export type SessionListener = (state: SessionState, previous: SessionState) => void;

export interface SessionStore {
  getState(): SessionState;
  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: SessionListener): () => void;
  /** Asks the server who this visitor is. Each request resolves true on success, else false with `error` set. */
  loadSession(): Promise<boolean>;
  signIn(username: string, password: string): Promise<boolean>;
  /** Signs a read-only wall screen in with its device token. */
  signInDevice(token: string): Promise<boolean>;
  /** Ends the session, then loads what an anonymous visitor gets. */
  signOut(): Promise<boolean>;
  /** Sets a new password (at least 10 characters), then reloads the session (it no longer must change it). */
  changePassword(current: string, next: string): Promise<boolean>;
  /** True when the session holds `permission`. */
  can(permission: Permission): boolean;
}

const SESSION_URL = '/api/session';

/** True when `info` holds `permission` (false before the server answered). */
export function sessionCan(info: SessionInfo | null, permission: Permission): boolean {
  return info?.permissions.includes(permission) ?? false;
}

/** The body as a SessionInfo, after the checks the pages rely on. */
function asSessionInfo(body: unknown, url: string): SessionInfo {
  const info = body as SessionInfo | null;
  if (typeof info !== 'object' || info === null || typeof info.principal !== 'object' || !Array.isArray(info.permissions) || !Array.isArray(info.allowedOrigins)) {
    throw new Error(`session: ${url} answered ${JSON.stringify(body)?.slice(0, 80)}, not a session`);
  }
  return info;
}

/** Creates the session store; nothing is asked until loadSession() or a sign-in. */
export function createSessionStore(): SessionStore {
  let state: SessionState = { info: null, loading: false, error: null };
  const listeners = new StateListeners<SessionState>();
  const set = (patch: Partial<SessionState>) => {
    const previous = state;
    state = { ...state, ...patch };
    listeners.notify(state, previous);
  };

  /** Runs `request` with `loading` set; the SessionInfo it resolves with becomes the session. */
  async function run(request: () => Promise<SessionInfo>): Promise<boolean> {
    set({ loading: true, error: null });
    try {
      set({ info: await request(), loading: false });
      return true;
    } catch (error) {
      set({ loading: false, error: error as Error });
      return false;
    }
  }
  const get = async () => asSessionInfo(await fetchJson(SESSION_URL), SESSION_URL);
  const post = async (body: unknown) => asSessionInfo(await fetchJson(SESSION_URL, body), SESSION_URL);

  return {
    getState: () => state,
    subscribe: listeners.subscribe,
    loadSession: () => run(get),
    signIn: (username, password) => run(() => post({ username, password })),
    signInDevice: (token) => run(() => post({ deviceToken: token })),
    signOut: () =>
      run(async () => {
        await fetchJson(SESSION_URL, undefined, undefined, 'DELETE');
        return get();
      }),
    changePassword: (current, next) =>
      run(async () => {
        await fetchJson(`${SESSION_URL}/password`, { current, next });
        return get();
      }),
    can: (permission) => sessionCan(state.info, permission),
  };
}
