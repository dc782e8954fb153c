/**
 * The incidents layer on the globe: the zones on the terrain (the air layer's GlobeHeatMap with the
 * zones' picture), the units' routes (its GlobeContours with the routes' lines), the fires' flames
 * and smoke (GlobeFire) and the markers (GlobeMarkers); picking a marker; test hooks on
 * `window.__twin.cesiumIncidents`.
 */
import type { GlobeLayerDrawing, GlobeLayerView } from '../../../globe/GlobeLayer.ts';
import { exposeOnTwin } from '../../../twin/exposeOnTwin.ts';
import { AirParts } from '../../air/AirParts.ts';
import { EnuFrame } from '../../air/globe/EnuFrame.ts';
import { GlobeContours } from '../../air/globe/GlobeContours.ts';
import { GlobeHeatMap } from '../../air/globe/GlobeHeatMap.ts';
import type { HeatMapState } from '../../air/HeatMapSource.ts';
import { BurningBuildings } from '../burningBuildings.ts';
import type { MarkerKind } from '../incidentMarkers.ts';
import { markerPick } from '../incidentPick.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';
import { ROUTE_LOOK, RouteLines } from '../unitRoutes.ts';
import { paintZones, ZONE_CHOICE, ZONE_LIFT_M, ZonePicture } from '../zonePicture.ts';
import { GlobeFire } from './GlobeFire.ts';
import { GlobeMarkers } from './GlobeMarkers.ts';

/** What the browser tests read of the incidents drawing (window.__twin.cesiumIncidents and threeIncidents). */
export interface IncidentsHooks {
  zones(): HeatMapState;
  /** The markers drawn and where their feet are on the page. */
  markers(): { id: string; kind: MarkerKind; x: number; y: number }[];
  fire(): { flames: number; puffs: number };
  /** Route lines (globe) or segments (night view) drawn. */
  routes(): number;
}

/** Draws `incidents` (the layer's state from the stream) on the globe of `view`. */
export function globeIncidents(view: GlobeLayerView, incidents: LiveIncidents): GlobeLayerDrawing {
  const { viewer, city } = view;
  const scene = viewer.scene;
  const frame = new EnuFrame(city.origin);
  const buildings = new BurningBuildings(incidents, city.id, () => !scene.isDestroyed() && scene.requestRender());
  const zones = new GlobeHeatMap(scene, frame, new ZonePicture(incidents), ZONE_CHOICE, paintZones, ZONE_LIFT_M);
  const routeLines = new RouteLines(incidents, city.id, () => !scene.isDestroyed() && scene.requestRender());
  const routes = new GlobeContours(scene, frame, routeLines, ROUTE_LOOK);
  const fire = new GlobeFire(scene, frame, buildings, view.frameCost);
  const markers = new GlobeMarkers(scene, frame, incidents, buildings);
  const parts = new AirParts(city.id, [zones, routes, fire, markers], 'globeIncidents');
  const canvas = scene.canvas;
  const hooks: IncidentsHooks = {
    zones: () => zones.state(),
    markers() {
      const r = canvas.getBoundingClientRect();
      return markers.shown().map((m) => ({ ...m, x: r.left + m.x, y: r.top + m.y }));
    },
    fire: () => fire.counts(),
    routes: () => routes.count,
  };
  const removeHooks = exposeOnTwin('cesiumIncidents', hooks);
  return {
    setVisible: (shown) => parts.setShown(shown),
    pick(picked) {
      const marker = parts.visible ? markers.markerAt(picked) : null;
      return marker && markerPick(marker.kind, marker.id);
    },
    destroy() {
      removeHooks();
      buildings.destroy();
      routeLines.destroy();
      parts.destroy();
    },
  };
}
