/** Asking the server again until it answers: what a wall screen left alone for days needs at start. */

/**
 * Runs `task` until it resolves, waiting `firstMs`, then twice as long each time up to `maxMs`
 * between tries; `onError` hears each failure. Returns the function that stops trying.
 */
export function retryUntilDone<T>(task: () => Promise<T>, onValue: (value: T) => void, onError: (error: Error) => void, firstMs = 1000, maxMs = 30_000): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let delayMs = firstMs;
  const attempt = () => {
    task().then(
      (value) => {
        if (!stopped) onValue(value);
      },
      (error: Error) => {
        if (stopped) return;
        onError(error);
        timer = setTimeout(attempt, delayMs);
        delayMs = Math.min(maxMs, delayMs * 2);
      },
    );
  };
  attempt();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
}
