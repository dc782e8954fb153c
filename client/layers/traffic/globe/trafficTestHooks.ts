/**
 * Test hooks of the globe's traffic drawing on `window.__twin.cesiumTraffic`: what the road lines
 * show and where roads and vehicles are on the page, so browser tests can aim at thin things.
 */
import { SceneTransforms } from 'cesium';
import type { Viewer } from 'cesium';
import type { MovingObjects } from './movingObjects.ts';
import type { TrafficRoads } from './trafficRoads.ts';

/** What the browser tests read of the traffic drawing (window.__twin.cesiumTraffic). */
export interface CesiumTrafficHooks {
  /** Links drawn once the road lines are ready, else 0. */
  readyLinks(): number;
  /** LiveTraffic version the road colours show (-1 before any), and whether they came from a link frame. */
  colored(): { version: number; fromLinkFrame: boolean };
  roadsShown(): boolean;
  /** RGB bytes link `k` is drawn in. */
  linkColor(k: number): [number, number, number];
  /** `n` points along link `k`, CSS pixels from the page's top-left (null behind the camera). */
  linkScreenPoints(k: number, n: number): ({ x: number; y: number } | null)[];
  /** The vehicles drawn, with where they are on the page (null behind the camera). */
  vehicleScreenPoints(): { objectId: number; x: number; y: number }[];
}

/** Puts the hooks on window.__twin.cesiumTraffic (when the page has test hooks); returns the function that removes them. */
export function exposeTrafficHooks(viewer: Viewer, roads: TrafficRoads, moving: MovingObjects): () => void {
  const hooks = window.__twin as unknown as Record<string, unknown> | undefined;
  if (!hooks) return () => {};
  const scene = viewer.scene;
  const offset = () => scene.canvas.getBoundingClientRect();
  const mine: CesiumTrafficHooks = {
    readyLinks: () => roads.readyLinks,
    colored: () => ({ version: roads.coloredVersion, fromLinkFrame: roads.hasLinkFrame }),
    roadsShown: () => roads.isShown,
    linkColor: (k) => roads.linkColor(k),
    linkScreenPoints(k, n) {
      const r = offset();
      return roads.linkScreenPoints(k, n).map((p) => (p ? { x: r.left + p.x, y: r.top + p.y } : null));
    },
    vehicleScreenPoints() {
      const r = offset();
      const out: { objectId: number; x: number; y: number }[] = [];
      if (!moving.vehicles.collection.show) return out;
      for (const v of moving.vehicles.shown()) {
        const w = SceneTransforms.worldToWindowCoordinates(scene, v.position);
        if (w) out.push({ objectId: v.objectId, x: r.left + w.x, y: r.top + w.y });
      }
      return out;
    },
  };
  hooks.cesiumTraffic = mine;
  return () => {
    if (hooks.cesiumTraffic === mine) delete hooks.cesiumTraffic;
  };
}
