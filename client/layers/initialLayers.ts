/**
 * Which registered layers are on when the page opens: `?layers=traffic,air` turns on exactly
 * those (an id no layer has is ignored, with one warning naming them all); without the parameter
 * each layer's default. Framework-free.
 */

/** What of a layer this needs. */
export interface LayerDefault {
  readonly id: string;
  readonly defaultOn: boolean;
}

/**
 * The on/off state of every layer for a page whose query string is `search`. Throws when two
 * layers share an id (a registration bug); `warn` hears about unknown ids in `?layers=`.
 */
export function initialLayers(layers: readonly LayerDefault[], search: string, warn: (message: string) => void = (m) => console.warn(m)): Record<string, boolean> {
  const ids = new Set<string>();
  for (const layer of layers) {
    if (ids.has(layer.id)) throw new Error(`initialLayers: layer "${layer.id}" is registered twice`);
    ids.add(layer.id);
  }
  const params = new URLSearchParams(search);
  if (!params.has('layers')) return Object.fromEntries(layers.map((l) => [l.id, l.defaultOn]));
  // Repeated parameters add up, as a comma-separated list would.
  const wanted = new Set(
    params
      .getAll('layers')
      .flatMap((v) => v.split(','))
      .map((id) => id.trim())
      .filter((id) => id !== ''),
  );
  const unknown = [...wanted].filter((id) => !ids.has(id));
  if (unknown.length > 0) warn(`?layers=: no layer ${unknown.map((id) => `"${id}"`).join(', ')}; the layers are ${[...ids].map((id) => `"${id}"`).join(', ')}`);
  return Object.fromEntries(layers.map((l) => [l.id, wanted.has(l.id)]));
}
