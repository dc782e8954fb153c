/** Test hooks of a view's drawing: `hooks` as `window.__twin[name]` (when the page has test hooks); returns the function that takes them away. */
export function exposeOnTwin(name: string, hooks: object): () => void {
  const twin = window.__twin as (Record<string, unknown> & object) | undefined;
  if (!twin) return () => {};
  twin[name] = hooks;
  return () => {
    if (twin[name] === hooks) delete twin[name];
  };
}
