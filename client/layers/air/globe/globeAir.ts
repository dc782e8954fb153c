/**
 * The air layer on the globe: the heat map on the terrain (GlobeHeatMap), the stations with their
 * AQI (GlobeStations), the wind moving (GlobeWind) and a release's contours (GlobeContours);
 * picking a station, or the bare ground (a click the buildings and the other layers left, on the
 * ground tileset or on nothing) for the air there; test hooks on `window.__twin.cesiumAir`.
 */
import { Cartesian2, Cesium3DTileFeature, Cesium3DTileset } from 'cesium';
import type { GlobeLayerDrawing, GlobeLayerView } from '../../../globe/GlobeLayer.ts';
import { enuToGeodetic } from '../../../twin/geo.ts';
import { loadRoads, type TerrainHeights } from '../../../twin/traffic/roads.ts';
import type { LayerPick } from '../../../twin/types.ts';
import type { AirDisplay } from '../AirDisplay.ts';
import { pointPick, stationPick } from '../airPick.ts';
import { groundHit } from '../groundMesh.ts';
import type { LiveAir } from '../LiveAir.ts';
import { EnuFrame } from './EnuFrame.ts';
import { GlobeContours } from './GlobeContours.ts';
import { GlobeHeatMap, type HeatMapState } from './GlobeHeatMap.ts';
import { GlobeStations } from './GlobeStations.ts';
import { GlobeWind } from './GlobeWind.ts';

/** What the browser tests read of the air drawing (window.__twin.cesiumAir). */
export interface CesiumAirHooks {
  heatMap(): HeatMapState;
  /** The stations drawn, with their AQI and where their discs are on the page. */
  stations(): { id: string; aqi: number; x: number; y: number }[];
  /** Whether the wind is drawn, and how many steps it has taken. */
  wind(): { shown: boolean; particles: number; steps: number };
  /** Contour polylines drawn. */
  contours(): number;
  /** What a click at (x, y) page pixels on the bare ground would pick (null off the terrain). */
  groundPickAt(x: number, y: number): LayerPick | null;
}

/** The path of a URL, relative or absolute, to compare a tileset's with the city's. */
const pathOf = (url: string) => new URL(url, window.location.href).pathname;

/** Draws `air` (the layer's state from the stream) on the globe of `view`; the heat map shows what `display` says. */
export function globeAir(view: GlobeLayerView, air: LiveAir, display: AirDisplay): GlobeLayerDrawing {
  const { viewer, city, live } = view;
  const scene = viewer.scene;
  const frame = new EnuFrame(city.origin);
  const heatMap = new GlobeHeatMap(scene, frame, air, display);
  const contours = new GlobeContours(scene, frame, air);
  const stations = new GlobeStations(scene, frame, air);
  const wind = new GlobeWind(viewer, frame, air, live, view.frameCost);
  let terrain: TerrainHeights | null = null;
  let visible = true;
  let destroyed = false;
  loadRoads(city.id).then(
    (net) => {
      if (destroyed) return;
      terrain = net.terrain;
      for (const part of [heatMap, contours, stations, wind]) part.setTerrain(net.terrain);
    },
    // The traffic layer reports the failure; without the terrain there is no map to drape.
    (error: Error) => console.warn(`globeAir: ${error.message}`),
  );

  // Where the pointer last went down or up on the canvas (CSS pixels on it): the view's click
  // handler asks `pick` with what it hit, not where. Captured, so it is known before that handler runs.
  const canvas = scene.canvas;
  let pointer: Cartesian2 | null = null;
  const onPointer = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    pointer = new Cartesian2(e.clientX - r.left, e.clientY - r.top);
  };
  canvas.addEventListener('pointerdown', onPointer, { capture: true });
  canvas.addEventListener('pointerup', onPointer, { capture: true });

  const groundTilesPath = city.groundUrl ? pathOf(city.groundUrl) : null;
  /** True for a pick of the ground tileset, or of nothing (the ground hidden, or not yet in). */
  const isBareGround = (picked: unknown): boolean => {
    if (picked === undefined || picked === null) return true;
    const tileset = picked instanceof Cesium3DTileFeature ? picked.tileset : (picked as { primitive?: unknown }).primitive;
    return tileset instanceof Cesium3DTileset && groundTilesPath !== null && pathOf(tileset.resource.url) === groundTilesPath;
  };
  const groundAt = (at: Cartesian2): LayerPick | null => {
    if (!terrain) return null;
    const ray = viewer.camera.getPickRay(at);
    if (!ray) return null;
    const hit = groundHit(terrain, frame.fromEcef(ray.origin), frame.directionFromEcef(ray.direction));
    if (!hit) return null;
    const g = enuToGeodetic(city.origin, hit);
    return pointPick(g.lon, g.lat);
  };

  const removeHooks = exposeHooks({
    heatMap: () => heatMap.state(),
    stations() {
      const r = canvas.getBoundingClientRect();
      return stations.shown().map((s) => ({ ...s, x: r.left + s.x, y: r.top + s.y }));
    },
    wind: () => ({ shown: wind.isShown, particles: wind.particles.count, steps: wind.steps }),
    contours: () => contours.count,
    groundPickAt(x, y) {
      const r = canvas.getBoundingClientRect();
      return groundAt(new Cartesian2(x - r.left, y - r.top));
    },
  });

  return {
    setVisible(shown) {
      visible = shown;
      heatMap.setShown(shown);
      contours.setShown(shown);
      stations.setShown(shown);
      wind.setShown(shown);
    },
    pick(picked) {
      if (!visible) return null;
      const station = stations.stationAt(picked);
      if (station !== null) return stationPick(station);
      return pointer && isBareGround(picked) ? groundAt(pointer) : null;
    },
    destroy() {
      destroyed = true;
      removeHooks();
      canvas.removeEventListener('pointerdown', onPointer, { capture: true });
      canvas.removeEventListener('pointerup', onPointer, { capture: true });
      heatMap.destroy();
      contours.destroy();
      stations.destroy();
      wind.destroy();
    },
  };
}

/** Puts the hooks on window.__twin.cesiumAir (when the page has test hooks); returns the function that removes them. */
function exposeHooks(mine: CesiumAirHooks): () => void {
  const hooks = window.__twin as unknown as Record<string, unknown> | undefined;
  if (!hooks) return () => {};
  hooks.cesiumAir = mine;
  return () => {
    if (hooks.cesiumAir === mine) delete hooks.cesiumAir;
  };
}
