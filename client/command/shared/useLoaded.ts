/** A value loaded once per key (a drill, a review), with its error; `reload` asks again. */
import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  value: T | null;
  error: string | null;
  reload: () => void;
}

/** Runs `load` for `key` (nothing while `key` is null) and keeps its answer or its error's message. */
export function useLoaded<T>(key: string | null, load: (key: string) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ key: string | null; value: T | null; error: string | null }>({ key: null, value: null, error: null });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    load(key).then(
      (value) => current && setState({ key, value, error: null }),
      (error: Error) => current && setState({ key, value: null, error: error.message }),
    );
    return () => {
      current = false;
    };
    // `load` is a module function: the key and the attempt decide when to ask.
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return state.key === key ? { value: state.value, error: state.error, reload } : { value: null, error: null, reload };
}
