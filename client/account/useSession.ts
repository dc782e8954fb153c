/** React binding for the session store: re-renders when the selected slice of state changes. */
import { useSyncExternalStore } from 'react';
import type { SessionState, SessionStore } from '../twin/session.ts';

/** Reads `select(state)` and re-renders when it changes (compared with Object.is). */
export function useSession<T>(store: SessionStore, select: (state: SessionState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
