/**
 * The flood layer in the night view: the water on the terrain (the air layer's NightHeatMap,
 * painted by depth band, dry ground clear) in the still picture, brighter than the air's tint so
 * the water reads at night; test hooks on `window.__twin.threeFlood`.
 */
import type { ThreeLayerDrawing, ThreeLayerView } from '../../../three/ThreeLayer.ts';
import { exposeOnTwin } from '../../../twin/exposeOnTwin.ts';
import { AirParts } from '../../air/AirParts.ts';
import { NightHeatMap, type NightGroundLook, type NightHeatMapState } from '../../air/three/NightHeatMap.ts';
import { paintDepth } from '../floodColors.ts';
import type { LiveFlood } from '../LiveFlood.ts';
import { WATER_CHOICE, WATER_LIFT_M } from '../water.ts';

/** Under the bloom's threshold: water is dark, lit only by the city. */
const WATER_LOOK: NightGroundLook = { name: 'flood-water', liftM: WATER_LIFT_M, brightness: 0.6, opacity: 0.9 };

/** What the browser tests read of the flood drawing (window.__twin.threeFlood). */
export interface ThreeFloodHooks {
  water(): NightHeatMapState;
}

/** Draws `flood` (the layer's state from the stream) in the night view's scene. */
export function nightFlood(view: ThreeLayerView, flood: LiveFlood): ThreeLayerDrawing {
  const water = new NightHeatMap(view.scene, flood, WATER_CHOICE, paintDepth, WATER_LOOK);
  const parts = new AirParts(view.city.id, [water], 'nightFlood', () => view.invalidate());
  const hooks: ThreeFloodHooks = { water: () => water.state() };
  const removeHooks = exposeOnTwin('threeFlood', hooks);
  return {
    update: () => (water.update() ? 'all' : 'none'),
    setVisible: (shown) => parts.setShown(shown),
    destroy() {
      removeHooks();
      parts.destroy();
    },
  };
}
