/** What of the incidents layer can be picked in a view: a marker (an incident, a unit, a shelter, a hospital); the panel opens its incident. */
import type { LayerPick } from '../../twin/types.ts';
import type { MarkerKind } from './incidentMarkers.ts';

/** The incidents layer's id: in `?layers=`, the store's `layers.overlays` and its picks. */
export const INCIDENTS = 'incidents';

export type IncidentPick = { layer: typeof INCIDENTS; kind: MarkerKind; id: string };

/** The pick of marker `id` of `kind`. */
export const markerPick = (kind: MarkerKind, id: string): IncidentPick => ({ layer: INCIDENTS, kind, id });

/** `pick` itself when it is one of the incidents layer's, else null. */
export function incidentPickOf(pick: LayerPick | null): IncidentPick | null {
  return pick?.layer === INCIDENTS && typeof pick.id === 'string' ? (pick as IncidentPick) : null;
}
