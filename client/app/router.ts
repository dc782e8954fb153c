/**
 * A router on the History API: `/` (globe), `/three` (night view), `/login`, `/admin`, `/audit`, and the
 * command center's `/screen` (video wall), `/director`, `/console` (operators) and `/review` (after-action);
 * the query string (city, language, extra tilesets) is kept across navigation.
 */
import { useSyncExternalStore } from 'react';

const EVENT = 'yt:navigate';

export type Route = 'globe' | 'three' | 'login' | 'admin' | 'audit' | 'screen' | 'director' | 'console' | 'review';

/** The route `path` shows; any path the others do not claim shows the globe. */
export function routeOf(path: string): Route {
  for (const route of ['three', 'login', 'admin', 'audit', 'screen', 'director', 'console', 'review'] as const) {
    if (path === `/${route}` || path.startsWith(`/${route}/`)) return route;
  }
  return 'globe';
}

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

/** The current query string ('' or '?…'), re-rendering on navigation. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/** `search` with `params` set (a null value removes the parameter); '' or '?…'; unchanged when there are none. */
export function searchWith(search: string, params: Readonly<Record<string, string | null>>): string {
  if (Object.keys(params).length === 0) return search;
  const query = new URLSearchParams(search);
  for (const [name, value] of Object.entries(params)) {
    if (value === null) query.delete(name);
    else query.set(name, value);
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Goes to `path`, keeping the query string with `params` changed (see searchWith); `replace`
 * replaces the history entry instead of adding one (a redirect the Back button should skip).
 */
export function navigate(path: string, options: { params?: Readonly<Record<string, string | null>>; replace?: boolean } = {}): void {
  const url = path + searchWith(window.location.search, options.params ?? {});
  if (window.location.pathname + window.location.search === url) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(EVENT));
}
