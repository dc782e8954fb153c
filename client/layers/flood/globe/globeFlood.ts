/**
 * The flood layer on the globe: the water on the terrain (the air layer's GlobeHeatMap, painted by
 * depth band, dry ground clear); test hooks on `window.__twin.cesiumFlood`.
 */
import type { GlobeLayerDrawing, GlobeLayerView } from '../../../globe/GlobeLayer.ts';
import { exposeOnTwin } from '../../../twin/exposeOnTwin.ts';
import { AirParts } from '../../air/AirParts.ts';
import { EnuFrame } from '../../air/globe/EnuFrame.ts';
import { GlobeHeatMap } from '../../air/globe/GlobeHeatMap.ts';
import type { HeatMapState } from '../../air/HeatMapSource.ts';
import { paintDepth } from '../floodColors.ts';
import type { LiveFlood } from '../LiveFlood.ts';
import { WATER_CHOICE, WATER_LIFT_M } from '../water.ts';

/** What the browser tests read of the flood drawing (window.__twin.cesiumFlood). */
export interface CesiumFloodHooks {
  water(): HeatMapState;
}

/** Draws `flood` (the layer's state from the stream) on the globe of `view`. */
export function globeFlood(view: GlobeLayerView, flood: LiveFlood): GlobeLayerDrawing {
  const { viewer, city } = view;
  const water = new GlobeHeatMap(viewer.scene, new EnuFrame(city.origin), flood, WATER_CHOICE, paintDepth, WATER_LIFT_M);
  const parts = new AirParts(city.id, [water], 'globeFlood');
  const hooks: CesiumFloodHooks = { water: () => water.state() };
  const removeHooks = exposeOnTwin('cesiumFlood', hooks);
  return {
    setVisible: (shown) => parts.setShown(shown),
    destroy() {
      removeHooks();
      parts.destroy();
    },
  };
}
