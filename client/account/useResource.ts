/** A JSON resource of the admin pages, loaded on mount and reloaded after each change made through it. */
import { useCallback, useEffect, useState } from 'react';
import { fetchJson } from '../twin/http.ts';

export interface Resource<T> {
  /** The last answer, read by `read`; null until the first. */
  data: T | null;
  /** The last failure (loading, or an action); cleared when the next action starts. */
  error: string | null;
  /** Runs `request`, then reloads; resolves with what the request answered, or null when it failed. */
  act<R>(request: () => Promise<R>): Promise<R | null>;
}

/** Loads `url`; `read` (a module-level function, so it stays the same) picks what the page shows from the body. */
export function useResource<T>(url: string, read: (body: unknown) => T): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const body = await fetchJson(url, undefined, signal);
        setData(read(body));
      } catch (e) {
        if (!signal?.aborted) setError((e as Error).message);
      }
    },
    [url, read],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);
  const act = useCallback(
    async <R>(request: () => Promise<R>): Promise<R | null> => {
      setError(null);
      let result: R;
      try {
        result = await request();
      } catch (e) {
        setError((e as Error).message);
        return null;
      }
      await load();
      return result;
    },
    [load],
  );
  return { data, error, act };
}
