/**
 * The incidents layer in the night view: the zones on the terrain (the air layer's NightHeatMap
 * with the zones' picture) and the units' routes (its NightContours with the routes' lines) in the
 * still picture, the markers over everything (NightMarkers), the fires' flames and smoke moving
 * (NightFire, DYNAMIC_LAYER); picking a marker; test hooks on `window.__twin.threeIncidents`.
 */
import type { ThreeLayerDrawing, ThreeLayerView } from '../../../three/ThreeLayer.ts';
import { exposeOnTwin } from '../../../twin/exposeOnTwin.ts';
import { AirParts } from '../../air/AirParts.ts';
import { NightContours } from '../../air/three/NightContours.ts';
import { NightHeatMap, type NightGroundLook } from '../../air/three/NightHeatMap.ts';
import { BurningBuildings } from '../burningBuildings.ts';
import type { IncidentsHooks } from '../globe/globeIncidents.ts';
import type { LiveIncidents } from '../LiveIncidents.ts';
import { ROUTE_LOOK, RouteLines } from '../unitRoutes.ts';
import { paintZones, ZONE_CHOICE, ZONE_LIFT_M, ZonePicture } from '../zonePicture.ts';
import { NightFire } from './NightFire.ts';
import { NightMarkers } from './NightMarkers.ts';

/** The zones at night: their own colours, bright enough to read on the dark ground, under the bloom's threshold. */
const ZONE_LOOK: NightGroundLook = { name: 'incident-zones', liftM: ZONE_LIFT_M, brightness: 0.75, opacity: 1 };

/** Draws `incidents` (the layer's state from the stream) in the night view's scene. */
export function nightIncidents(view: ThreeLayerView, incidents: LiveIncidents): ThreeLayerDrawing {
  const { scene, city } = view;
  const buildings = new BurningBuildings(incidents, city.id, () => view.invalidate());
  const zones = new NightHeatMap(scene, new ZonePicture(incidents), ZONE_CHOICE, paintZones, ZONE_LOOK);
  const routeLines = new RouteLines(incidents, city.id, () => view.invalidate());
  const routes = new NightContours(scene, routeLines, ROUTE_LOOK, 'incident-routes');
  const markers = new NightMarkers(scene, incidents, buildings);
  const fire = new NightFire(scene, buildings);
  const parts = new AirParts(city.id, [zones, routes, markers, fire], 'nightIncidents', () => view.invalidate());
  const hooks: IncidentsHooks = {
    zones: () => zones.state(),
    markers: () =>
      markers.shown().flatMap((m) => {
        const at = view.screenOf(m.at);
        return at ? [{ id: m.id, kind: m.kind, x: at.x, y: at.y }] : [];
      }),
    fire: () => fire.counts(),
    routes: () => routes.segments,
  };
  const removeHooks = exposeOnTwin('threeIncidents', hooks);
  return {
    update(camera) {
      // Each part first: every one must see the frame, whatever the others report.
      const still = [zones.update(), routes.update(), markers.update()];
      const moving = fire.update(camera);
      return still.some(Boolean) ? 'all' : moving;
    },
    pick(query) {
      const hit = parts.visible ? markers.pick(query) : null;
      return hit ? [hit] : [];
    },
    setVisible: (shown) => parts.setShown(shown),
    destroy() {
      removeHooks();
      buildings.destroy();
      routeLines.destroy();
      parts.destroy();
    },
  };
}
