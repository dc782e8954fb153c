/** Flies the screen's 3D view to a place a panel names (a road, an incident, a shelter). */
import { enuToGeodetic, viewLookingAt } from '../../twin/geo.ts';
import type { TwinStore } from '../../twin/TwinStore.ts';
import type { CityInfo } from '../../twin/types.ts';

const DEG = Math.PI / 180;

/** Flies to look at (lon, lat) from `range` metres, keeping the camera's heading, in 2 s. */
export function flyToPlace(store: TwinStore, place: { lon: number; lat: number }, range = 1500): void {
  const heading = store.getState().camera?.heading ?? 0;
  const height = store.getState().city?.origin.height ?? 0;
  store.command({ kind: 'flyTo', view: viewLookingAt({ lon: place.lon, lat: place.lat, height }, heading, -45 * DEG, range), duration: 2 });
}

/** Longitude and latitude of a point in the city's local metres. */
export function lonLatOf(city: CityInfo, x: number, y: number): { lon: number; lat: number } {
  const g = enuToGeodetic(city.origin, [x, y, 0]);
  return { lon: g.lon, lat: g.lat };
}
