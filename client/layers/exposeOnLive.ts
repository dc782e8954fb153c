/**
 * Test hooks of a layer's state: each entry on `window.__twin.live` (when the page has test hooks),
 * e.g. `{ traffic }` as `window.__twin.live.traffic`; returns the function that takes them away.
 */
export function exposeOnLive(entries: Record<string, unknown>): () => void {
  const live = (window.__twin as { live?: Record<string, unknown> } | undefined)?.live;
  if (!live) return () => {};
  Object.assign(live, entries);
  return () => {
    for (const [name, value] of Object.entries(entries)) if (live[name] === value) delete live[name];
  };
}
