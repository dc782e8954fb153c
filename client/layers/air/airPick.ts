/** What of the air layer can be picked in a view: a point of the ground (its air is asked of the server) or a station. */
import type { LayerPick } from '../../twin/types.ts';

/** The air layer's id: in `?layers=`, the store's `layers.overlays` and its picks. */
export const AIR = 'air';

export type AirPick =
  | { layer: typeof AIR; kind: 'point'; /** WGS84 degrees. */ lon: number; lat: number }
  | { layer: typeof AIR; kind: 'station'; /** The station's id in the air summary. */ stationId: string };

/** The pick of the ground at (lon, lat), rounded to 1e-6° (about 10 cm): the same place picks the same. */
export const pointPick = (lon: number, lat: number): AirPick => ({ layer: AIR, kind: 'point', lon: Math.round(lon * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 });

/** The pick of station `stationId`. */
export const stationPick = (stationId: string): AirPick => ({ layer: AIR, kind: 'station', stationId });

/** `pick` itself when it is one of the air layer's, else null. */
export function airPickOf(pick: LayerPick | null): AirPick | null {
  if (pick?.layer !== AIR) return null;
  const point = pick.kind === 'point' && typeof pick.lon === 'number' && typeof pick.lat === 'number';
  const station = pick.kind === 'station' && typeof pick.stationId === 'string';
  return point || station ? (pick as AirPick) : null;
}
