/** A two-route router on the History API: `/` (globe) and `/three`; the query string is kept. */
import { useSyncExternalStore } from 'react';

const EVENT = 'yt:navigate';

function subscribe(callback: () => void): () => void {
  window.addEventListener('popstate', callback);
  window.addEventListener(EVENT, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener(EVENT, callback);
  };
}

/** The current path, re-rendering on navigation. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to `path`, keeping the query string (city, language, extra tilesets). */
export function navigate(path: string): void {
  if (window.location.pathname === path) return;
  window.history.pushState(null, '', path + window.location.search);
  window.dispatchEvent(new Event(EVENT));
}
