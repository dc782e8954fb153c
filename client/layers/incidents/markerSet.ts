/**
 * The markers one view draws, kept in step with the summary, the language, the terrain and the
 * burning buildings' shapes: one entry (a billboard, a sprite) per marker, its image made again
 * only when its look changes. The view says how to make, place and hide an entry.
 */
import i18next from 'i18next';
import type { TerrainHeights } from '../../twin/traffic/roads.ts';
import type { StationMarker } from '../air/stationMarker.ts';
import type { BurningBuildings } from './burningBuildings.ts';
import { markersOf, type MarkerSpec } from './incidentMarkers.ts';
import { markerImage } from './markerImage.ts';
import type { LiveIncidents } from './LiveIncidents.ts';

/** How a view draws a marker. */
export interface MarkerEntries<E> {
  make(spec: MarkerSpec): E;
  /** Puts `entry` at `spec`'s place and shows it; `image` is its new picture when its look changed. */
  place(entry: E, spec: MarkerSpec, image: StationMarker | null): void;
  hide(entry: E): void;
}

export class MarkerSet<E> {
  terrain: TerrainHeights | null = null;
  private readonly byId = new Map<string, { entry: E; spec: MarkerSpec }>();
  private drawnKey = '';

  constructor(
    private readonly incidents: LiveIncidents,
    private readonly buildings: BurningBuildings,
    private readonly entries: MarkerEntries<E>,
  ) {}

  /** The entries and their markers, those hidden included. */
  all(): { entry: E; spec: MarkerSpec }[] {
    return [...this.byId.values()];
  }

  /** Brings the entries in line with what is to be shown; false when nothing changed since the last time. */
  sync(): boolean {
    const zh = i18next.language?.startsWith('zh') ?? true;
    const key = `${this.incidents.version}|${this.buildings.version}|${i18next.language}|${this.terrain !== null}`;
    if (key === this.drawnKey) return false;
    this.drawnKey = key;
    const specs = markersOf(this.incidents.summary, { t: i18next.t.bind(i18next), zh, terrain: this.terrain, roofOf: (i) => this.buildings.roofOf(i) });
    const seen = new Set<string>();
    for (const spec of specs) {
      const id = `${spec.kind}:${spec.id}`;
      seen.add(id);
      const known = this.byId.get(id);
      const entry = known?.entry ?? this.entries.make(spec);
      this.entries.place(entry, spec, known?.spec.key === spec.key ? null : markerImage(spec.look));
      this.byId.set(id, { entry, spec });
    }
    for (const [id, { entry }] of this.byId) if (!seen.has(id)) this.entries.hide(entry);
    return true;
  }
}
