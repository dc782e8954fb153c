/**
 * Moving objects in the Cesium view: the vehicle billboards updated in place every display frame
 * from the interpolated live state, set on the terrain once the city's road data (which carries
 * the terrain heights) has loaded.
 */
import type { Viewer } from 'cesium';
import type { FrameCost } from '../../../twin/frameCost.ts';
import type { LiveConnection } from '../../../twin/live/LiveConnection.ts';
import type { Telemetry } from '../../../twin/telemetry.ts';
import { loadRoads } from '../../../twin/traffic/roads.ts';
import type { CityInfo } from '../../../twin/types.ts';
import { VehicleBillboards } from './VehicleBillboards.ts';

/** What showMovingObjects draws: the billboards (for picking), showing and hiding them, and the function that removes them. */
export interface MovingObjects {
  vehicles: VehicleBillboards;
  /** Shows or hides the vehicles; hidden, they are not updated either. */
  setShown(shown: boolean): void;
  destroy(): void;
}

/**
 * Draws the live objects in `viewer` until `destroy` is called. `frameCost` is the view's (null
 * until known): when frames are slow the vehicles alone ask for a frame less often (FrameCost).
 */
export function showMovingObjects(viewer: Viewer, city: CityInfo, live: LiveConnection, telemetry: Telemetry, frameCost: () => FrameCost | null = () => null): MovingObjects {
  const scene = viewer.scene;
  const vehicles = new VehicleBillboards(city);
  scene.primitives.add(vehicles.collection);
  let stopped = false;
  loadRoads(city.id).then(
    (net) => {
      if (!stopped) vehicles.setTerrain(net.terrain);
    },
    // The roads layer reports the failure; vehicles stay at a flat height.
    () => {},
  );
  let frame = 0;
  let requestedAt = -Infinity;
  let shown = true;

  const update = () => {
    frame = requestAnimationFrame(update);
    if (viewer.isDestroyed() || !shown) return;
    const now = performance.now();
    if (!(frameCost()?.allowsObjectFrame(now, requestedAt) ?? true)) return;
    const objects = live.sample();
    // A still picture (a paused run) needs no drawing: Cesium renders only on request.
    if (!vehicles.wouldChange(objects, now)) return;
    vehicles.update(objects, now);
    telemetry.counters['cesium.objectsDrawn'] = objects.count;
    telemetry.counters['live.sequence'] = objects.lastSequence;
    scene.requestRender();
    requestedAt = now;
  };
  frame = requestAnimationFrame(update);

  return {
    vehicles,
    setShown(visible) {
      shown = visible;
      vehicles.collection.show = visible;
      telemetry.counters['cesium.objectsDrawn'] = visible ? vehicles.count : 0;
      if (!viewer.isDestroyed()) scene.requestRender();
    },
    destroy() {
      stopped = true;
      cancelAnimationFrame(frame);
      // remove() destroys the collection (the scene's primitives own what they hold).
      if (!viewer.isDestroyed()) scene.primitives.remove(vehicles.collection);
      telemetry.counters['cesium.objectsDrawn'] = 0;
    },
  };
}
