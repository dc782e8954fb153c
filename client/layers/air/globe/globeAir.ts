/**
 * The air layer on the globe: the heat map on the terrain (GlobeHeatMap), the stations with their
 * AQI (GlobeStations), the wind moving (GlobeWind) and a release's contours (GlobeContours);
 * picking a station, or the bare ground (a click the buildings and the other layers left, on the
 * ground tileset or on nothing) for the air there; test hooks on `window.__twin.cesiumAir`.
 */
import { Cartesian2, Cesium3DTileFeature, Cesium3DTileset } from 'cesium';
import type { GlobeLayerDrawing, GlobeLayerView } from '../../../globe/GlobeLayer.ts';
import { enuToGeodetic } from '../../../twin/geo.ts';
import type { LayerPick } from '../../../twin/types.ts';
import type { AirDisplay } from '../AirDisplay.ts';
import { paintHeat } from '../airColors.ts';
import { pointPick, stationPick } from '../airPick.ts';
import { AirParts } from '../AirParts.ts';
import { plumeLines } from '../groundLines.ts';
import { groundHit } from '../groundMesh.ts';
import type { HeatMapState } from '../HeatMapSource.ts';
import type { LiveAir } from '../LiveAir.ts';
import { EnuFrame } from './EnuFrame.ts';
import { GlobeContours } from './GlobeContours.ts';
import { GlobeHeatMap } from './GlobeHeatMap.ts';
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
  const heatMap = new GlobeHeatMap(scene, frame, air, display, paintHeat);
  const contours = new GlobeContours(scene, frame, plumeLines(air));
  const stations = new GlobeStations(scene, frame, air);
  const wind = new GlobeWind(viewer, frame, air, live, view.frameCost);
  const parts = new AirParts(city.id, [heatMap, contours, stations, wind], 'globeAir');

  const canvas = scene.canvas;
  const groundTilesPath = city.groundUrl ? pathOf(city.groundUrl) : null;
  /**
   * True for a pick of the ground tileset, of nothing (the ground hidden, or not yet in), or of this
   * layer's own cover of the ground (a wind streak, a contour line): the click is on the ground there.
   */
  const isBareGround = (picked: unknown): boolean => {
    if (picked === undefined || picked === null) return true;
    const { primitive, collection } = picked as { primitive?: unknown; collection?: unknown };
    if (collection === wind.collection || primitive === contours.collection || collection === contours.collection) return true;
    const tileset = picked instanceof Cesium3DTileFeature ? picked.tileset : primitive;
    return tileset instanceof Cesium3DTileset && groundTilesPath !== null && pathOf(tileset.resource.url) === groundTilesPath;
  };
  const groundAt = (at: Cartesian2): LayerPick | null => {
    const terrain = parts.terrain;
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
    wind: () => ({ shown: wind.isShown, particles: wind.particles.count, steps: wind.particles.steps }),
    contours: () => contours.count,
    groundPickAt(x, y) {
      const r = canvas.getBoundingClientRect();
      return groundAt(new Cartesian2(x - r.left, y - r.top));
    },
  });

  return {
    setVisible(shown) {
      parts.setShown(shown);
    },
    pick(picked, position) {
      if (!parts.visible) return null;
      const station = stations.stationAt(picked);
      if (station !== null) return stationPick(station);
      return isBareGround(picked) ? groundAt(position) : null;
    },
    destroy() {
      removeHooks();
      parts.destroy();
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
