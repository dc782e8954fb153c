/**
 * The traffic layer in the night view: road ribbons coloured by congestion (TrafficRoads, part of
 * the still picture) and the vehicles (MovingObjects, drawn over it), picking either, and test hooks
 * on `window.__twin.threeTraffic`.
 */
import type { ThreeLayerDrawing, ThreeLayerView } from '../../../three/ThreeLayer.ts';
import { loadRoads } from '../../../twin/traffic/roads.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { MovingObjects } from './movingObjects.ts';
import { exposeTrafficHooks } from './trafficTestHooks.ts';
import { TrafficRoads } from './trafficRoads.ts';

/** Draws `traffic` (the layer's state from the stream) and the live vehicles in the night view's scene. */
export function nightTraffic(view: ThreeLayerView, traffic: LiveTraffic): ThreeLayerDrawing {
  // One fetch for both: the ribbons' lines, and the terrain the vehicles are set on.
  const net = loadRoads(view.city.id);
  const roads = new TrafficRoads(view.scene, net, traffic, view.store, view.telemetry);
  const objects = new MovingObjects(view.scene, view.live, view.telemetry, net);
  const removeHooks = exposeTrafficHooks(view, roads, objects, traffic);
  return {
    update(camera) {
      const recoloured = roads.update();
      const moved = objects.update(camera);
      return recoloured ? 'all' : moved ? 'moving' : 'none';
    },
    pick(query) {
      return [roads.pick(query), objects.pick(query)].filter((hit) => hit !== null);
    },
    setVisible(visible) {
      roads.setShown(visible);
      objects.setShown(visible);
    },
    destroy() {
      removeHooks();
      roads.dispose();
      objects.dispose();
    },
  };
}
