/** React binding for the twin store: re-renders when the selected slice of state changes. */
import { useSyncExternalStore } from 'react';
import type { TwinState, TwinStore } from '../twin/TwinStore.ts';

/** Reads `select(state)` and re-renders when it changes (compared with Object.is). */
export function useTwin<T>(store: TwinStore, select: (state: TwinState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
