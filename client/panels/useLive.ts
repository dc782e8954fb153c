/** React binding for the live store: re-renders when the selected slice of state changes. */
import { useSyncExternalStore } from 'react';
import type { LiveState, LiveStore } from '../twin/live/LiveStore.ts';

/** Reads `select(state)` and re-renders when it changes (compared with Object.is). */
export function useLive<T>(store: LiveStore, select: (state: LiveState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
