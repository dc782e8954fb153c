/**
 * The air layer in the night view: the heat map on the terrain (NightHeatMap) and a release's
 * contours (NightContours) in the still picture, the stations as glowing markers with their AQI
 * (NightStations), the wind moving over it (NightWind, DYNAMIC_LAYER); picking a station, or the
 * bare ground for the air there (a hit that loses to any other within reach); test hooks on
 * `window.__twin.threeAir`.
 */
import { Raycaster, Vector2 } from 'three';
import type { PerspectiveCamera } from 'three';
import type { ThreeLayerDrawing, ThreeLayerView } from '../../../three/ThreeLayer.ts';
import { enuToGeodetic } from '../../../twin/geo.ts';
import type { LayerPick } from '../../../twin/types.ts';
import type { AirDisplay } from '../AirDisplay.ts';
import { paintHeat } from '../airColors.ts';
import { pointPick } from '../airPick.ts';
import { AirParts } from '../AirParts.ts';
import { plumeLines } from '../groundLines.ts';
import { groundHit } from '../groundMesh.ts';
import type { LiveAir } from '../LiveAir.ts';
import { NightContours } from './NightContours.ts';
import { NightHeatMap, type NightHeatMapState } from './NightHeatMap.ts';
import { markerScale, NightStations } from './NightStations.ts';
import { NightWind } from './NightWind.ts';
import { DISC_ABOVE_PX } from '../stationMarker.ts';
import { localOf, sceneOf } from './sceneFrame.ts';

/**
 * How far off the ground hit is said to be from the cursor, CSS pixels: farther than any thing a
 * layer reports, so a road or a vehicle within its reach wins over the ground under it.
 */
const GROUND_OFF_PX = 1e6;
/** And last among equals. */
const GROUND_RANK = 100;

/** What the browser tests read of the air drawing (window.__twin.threeAir). */
export interface ThreeAirHooks {
  heatMap(): NightHeatMapState;
  /** The stations drawn, with their AQI and where their discs are on the page (those whose foot is off screen left out). */
  stations(): { id: string; aqi: number; x: number; y: number }[];
  wind(): { shown: boolean; particles: number; steps: number };
  /** Contour line segments drawn. */
  contours(): number;
  /** What a click at (x, y) page pixels would pick among the buildings and every layer. */
  pickAt(x: number, y: number): { kind: 'building'; id: string } | LayerPick | null;
}

/** Draws `air` (the layer's state from the stream) in the night view's scene; the heat map shows what `display` says. */
export function nightAir(view: ThreeLayerView, air: LiveAir, display: AirDisplay): ThreeLayerDrawing {
  const { scene, city, live } = view;
  const heatMap = new NightHeatMap(scene, air, display, paintHeat);
  const contours = new NightContours(scene, plumeLines(air));
  const stations = new NightStations(scene, air);
  const wind = new NightWind(scene, air, live);
  const parts = new AirParts(city.id, [heatMap, contours, stations, wind], 'nightAir', () => view.invalidate());
  const raycaster = new Raycaster();
  let camera: PerspectiveCamera | null = null;

  const removeHooks = exposeHooks({
    heatMap: () => heatMap.state(),
    stations() {
      const height = document.querySelector('.three-view canvas')?.getBoundingClientRect().height ?? 0;
      const scale = camera ? markerScale(camera, height) : 1;
      return stations.shown().flatMap((s) => {
        const at = view.screenOf(s.at);
        return at ? [{ id: s.id, aqi: s.aqi, x: at.x, y: at.y - DISC_ABOVE_PX * scale }] : [];
      });
    },
    wind: () => ({ shown: wind.isShown, particles: wind.particles.count, steps: wind.particles.steps }),
    contours: () => contours.segments,
    pickAt(x, y) {
      const p = view.pickAt(x, y);
      if (!p) return null;
      return p.kind === 'building' ? { kind: 'building', id: p.record.id } : p.pick;
    },
  });

  return {
    update(viewCamera) {
      camera = viewCamera;
      // Each part first: every one must see the frame, whatever the others report.
      const still = [heatMap.update(), contours.update(), stations.update()];
      const moved = wind.update(viewCamera);
      return still.some(Boolean) ? 'all' : moved ? 'moving' : 'none';
    },
    pick(query) {
      const terrain = parts.terrain;
      if (!parts.visible || !terrain) return [];
      const station = stations.pick(query);
      if (station) return [station];
      raycaster.setFromCamera(new Vector2((query.x / query.width) * 2 - 1, -(query.y / query.height) * 2 + 1), query.camera);
      const hit = groundHit(terrain, localOf(raycaster.ray.origin), localOf(raycaster.ray.direction));
      if (!hit) return [];
      const g = enuToGeodetic(city.origin, hit);
      const distance = sceneOf(hit[0], hit[1], hit[2], raycaster.ray.origin.clone()).distanceTo(query.camera.position);
      return [{ distance, offPx: GROUND_OFF_PX, rank: GROUND_RANK, pick: pointPick(g.lon, g.lat) }];
    },
    setVisible(shown) {
      parts.setShown(shown);
    },
    destroy() {
      removeHooks();
      parts.destroy();
    },
  };
}

/** Puts the hooks on window.__twin.threeAir (when the page has test hooks); returns the function that removes them. */
function exposeHooks(mine: ThreeAirHooks): () => void {
  const twin = window.__twin as (Record<string, unknown> & object) | undefined;
  if (!twin) return () => undefined;
  twin.threeAir = mine;
  return () => {
    if (twin.threeAir === mine) delete twin.threeAir;
  };
}
