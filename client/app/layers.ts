/**
 * The registered layers (client/layers/<id>/), in the order the layer panel and the right-hand
 * column show them. A new layer is one line here; nothing else in the app or the views names it.
 */
import type { Layer } from '../layers/Layer.ts';
import { createAirLayer } from '../layers/air/index.ts';
import { createFloodLayer } from '../layers/flood/index.ts';
import { createIncidentsLayer } from '../layers/incidents/index.ts';
import { createTrafficLayer } from '../layers/traffic/index.ts';

/** Every layer, each with its own state: one per page. */
export function createLayers(): Layer[] {
  return [createIncidentsLayer(), createTrafficLayer(), createAirLayer(), createFloodLayer()];
}
