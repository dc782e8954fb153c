/** What of the traffic layer can be picked in a view: a road link or a vehicle (the inspector shows its figures). */
import type { LayerPick } from '../../twin/types.ts';

/** The traffic layer's id: in `?layers=`, the store's `layers.overlays` and its picks. */
export const TRAFFIC = 'traffic';

export type TrafficPick =
  | { layer: typeof TRAFFIC; kind: 'link'; /** The link's id in the city's road network. */ linkId: string; /** Its position in link frames. */ index: number }
  | { layer: typeof TRAFFIC; kind: 'vehicle'; /** The moving object's id in the stream. */ objectId: number };

/** The pick of road link `index` (id `linkId`). */
export const linkPick = (linkId: string, index: number): TrafficPick => ({ layer: TRAFFIC, kind: 'link', linkId, index });

/** The pick of the vehicle with object id `objectId`. */
export const vehiclePick = (objectId: number): TrafficPick => ({ layer: TRAFFIC, kind: 'vehicle', objectId });

/** `pick` itself when it is one of the traffic layer's, else null. */
export function trafficPickOf(pick: LayerPick | null): TrafficPick | null {
  if (pick?.layer !== TRAFFIC) return null;
  const link = pick.kind === 'link' && typeof pick.linkId === 'string' && typeof pick.index === 'number';
  const vehicle = pick.kind === 'vehicle' && typeof pick.objectId === 'number';
  return link || vehicle ? (pick as TrafficPick) : null;
}
