/**
 * The traffic layer on the globe: roads coloured by congestion (TrafficRoads) and the vehicles
 * (showMovingObjects), picking either, test hooks on `window.__twin.cesiumTraffic`, and with
 * `?bench=traffic` the client-side traffic benchmark's hooks (bench/trafficClient.ts, loaded only then).
 */
import type { GlobeLayerDrawing, GlobeLayerView } from '../../../globe/GlobeLayer.ts';
import type { LiveTraffic } from '../LiveTraffic.ts';
import { linkPick, vehiclePick } from '../trafficPick.ts';
import { showMovingObjects } from './movingObjects.ts';
import { exposeTrafficHooks } from './trafficTestHooks.ts';
import { TrafficRoads } from './trafficRoads.ts';

/** `?bench=traffic`: puts the bench hooks on window.__twin.trafficBench; returns their removal. */
function exposeBench({ viewer, city }: GlobeLayerView): () => void {
  if (new URLSearchParams(window.location.search).get('bench') !== 'traffic') return () => {};
  let remove: (() => void) | null = null;
  let cancelled = false;
  void import('./trafficBench.ts').then((m) => {
    if (!cancelled) remove = m.exposeTrafficBench(viewer, city);
  });
  return () => {
    cancelled = true;
    remove?.();
  };
}

/** Draws `traffic` (the layer's state from the stream) and the live vehicles on the globe of `view`. */
export function globeTraffic(view: GlobeLayerView, traffic: LiveTraffic): GlobeLayerDrawing {
  const { viewer, city, live, telemetry } = view;
  const roads = new TrafficRoads(viewer.scene, city, traffic, telemetry);
  const moving = showMovingObjects(viewer, city, live, telemetry, view.frameCost);
  const removeHooks = exposeTrafficHooks(viewer, roads, moving);
  const removeBench = exposeBench(view);
  return {
    setVisible(visible) {
      roads.setShown(visible);
      moving.setShown(visible);
    },
    pick(picked) {
      const link = roads.linkAt(picked);
      if (roads.net && link !== null) return linkPick(roads.net.ids[link], link);
      const objectId = moving.vehicles.objectIdAt(picked);
      return objectId === null ? null : vehiclePick(objectId);
    },
    busy: () => roads.isBuilding,
    destroy() {
      removeBench();
      removeHooks();
      roads.destroy();
      moving.destroy();
    },
  };
}
