/** The listeners of a store whose state is replaced, never mutated: each hears the new state and the one before. */
export class StateListeners<S> {
  private readonly listeners = new Set<(state: S, previous: S) => void>();

  /** Adds a listener; returns the function that removes it. */
  readonly subscribe = (listener: (state: S, previous: S) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Tells every listener (those subscribed now; one may unsubscribe another while it runs). */
  notify(state: S, previous: S): void {
    for (const listener of [...this.listeners]) listener(state, previous);
  }
}
