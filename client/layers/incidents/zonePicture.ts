/**
 * The incidents' zones as one picture on the ground, drawn with the air layer's heat-map machinery
 * in both views: the AEGL threat zones filled, the evacuation and shelter-in-place orders outlined
 * (ZONE_STYLES), over a rectangle around them snapped to 500 m (the terrain-following mesh is made
 * again only when the zones outgrow it). The picture is painted with a 2D canvas; its extent and
 * when it changes are pure.
 */
import type { Zone, ZoneKind } from '../../../server/protocol/EmergencySummary.ts';
import type { GroundGrid, HeatMapChoice, HeatMapGrids, Subscribable } from '../air/HeatMapSource.ts';
import { ZONE_ORDER, ZONE_STYLES } from './emergencyColors.ts';
import type { LiveIncidents } from './LiveIncidents.ts';

/** The picture's layer id (its heat map's choice). */
export const ZONE_LAYER = 'incidentZones';
/** The zones are the one picture shown: a choice that never changes. */
export const ZONE_CHOICE: HeatMapChoice & Subscribable = { get: () => ZONE_LAYER, subscribe: () => () => {} };
/** Metres above the terrain: over the flood's water (2 m), under the air's heat map (4 m). */
export const ZONE_LIFT_M = 3;
/** The picture reaches this far past the zones, metres, and its edges are multiples of SNAP_M. */
const MARGIN_M = 150;
const SNAP_M = 500;
/** Its longer side has at most this many cells, each at least MIN_CELL_M across. */
const MAX_CELLS = 1536;
const MIN_CELL_M = 3;

/** A zone as painted: its kind and polygons (rings of [x, y], local metres, the outer ring first). */
export interface PaintedZone {
  kind: ZoneKind;
  polygons: Zone['polygons'];
}

/** The picture of the zones: its extent on the ground and what is painted on it. */
export interface ZoneGrid extends GroundGrid {
  zones: PaintedZone[];
}

/** The rectangle (and cell size) a picture of `zones` covers, or null for none with a point. */
export function zoneExtent(zones: readonly PaintedZone[]): Pick<ZoneGrid, 'originX' | 'originY' | 'cols' | 'rows' | 'cellSize'> | null {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const zone of zones)
    for (const polygon of zone.polygons)
      for (const [x, y] of polygon[0] ?? []) {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
  if (!(minX <= maxX)) return null;
  const originX = Math.floor((minX - MARGIN_M) / SNAP_M) * SNAP_M;
  const originY = Math.floor((minY - MARGIN_M) / SNAP_M) * SNAP_M;
  const width = Math.ceil((maxX + MARGIN_M) / SNAP_M) * SNAP_M - originX;
  const height = Math.ceil((maxY + MARGIN_M) / SNAP_M) * SNAP_M - originY;
  const cellSize = Math.max(MIN_CELL_M, Math.max(width, height) / MAX_CELLS);
  return { originX, originY, cellSize, cols: Math.ceil(width / cellSize), rows: Math.ceil(height / cellSize) };
}

/** A short fingerprint of the zones: the picture is painted again only when it changes. */
function zonesKey(zones: readonly PaintedZone[]): string {
  return zones.map((z) => `${z.kind}:${z.polygons.map((p) => p.map((ring) => `${ring.length},${ring[0]?.join(',')},${ring[ring.length >> 1]?.join(',')}`).join('/')).join(';')}`).join('|');
}

/** The zones of the incidents not closed, in painting order. */
export function zonesOf(incidents: LiveIncidents): PaintedZone[] {
  const all = (incidents.summary?.incidents ?? []).filter((i) => i.status !== 'closed').flatMap((i) => i.zones.filter((z) => z.polygons.length > 0));
  return ZONE_ORDER.flatMap((kind) => all.filter((z) => z.kind === kind).map((z) => ({ kind, polygons: z.polygons })));
}

/** The zones of the joined run's incidents as a heat map's grids: one picture, painted again when they change. */
export class ZonePicture implements HeatMapGrids<ZoneGrid>, Subscribable {
  gridVersion = 0;
  private grid: ZoneGrid | null = null;
  private seenVersion = -1;
  private key = '';

  constructor(private readonly incidents: LiveIncidents) {}

  readonly subscribe = (listener: () => void): (() => void) => this.incidents.subscribe(listener);

  /** The picture now (whatever is asked), or null while no incident has a zone. */
  gridFor(): ZoneGrid | null {
    if (this.incidents.version === this.seenVersion) return this.grid;
    this.seenVersion = this.incidents.version;
    const zones = zonesOf(this.incidents);
    const key = zonesKey(zones);
    if (key === this.key) return this.grid;
    this.key = key;
    this.gridVersion++;
    const extent = zoneExtent(zones);
    this.grid = extent && { layer: ZONE_LAYER, simTimeMs: this.incidents.summary?.simTimeMs ?? 0, ...extent, zones };
    return this.grid;
  }
}

/** An evacuation's hatch repeats every this many pixels of the picture. */
const HATCH_PX = 14;
const hatchTiles = new Map<string, HTMLCanvasElement>();

/** A small tile of diagonal lines in `color`. */
function hatch(color: string): HTMLCanvasElement {
  let tile = hatchTiles.get(color);
  if (tile) return tile;
  tile = document.createElement('canvas');
  tile.width = tile.height = HATCH_PX;
  const g = tile.getContext('2d')!;
  g.strokeStyle = color;
  g.lineWidth = 3;
  g.beginPath();
  for (const o of [-HATCH_PX, 0, HATCH_PX]) {
    g.moveTo(o, HATCH_PX);
    g.lineTo(o + HATCH_PX, 0);
  }
  g.stroke();
  hatchTiles.set(color, tile);
  return tile;
}

/** Paints the zones of `grid` into `out` (RGBA, row by row from the south, or from the north when `northUp`), with a 2D canvas. */
export function paintZones(grid: ZoneGrid, out: Uint8ClampedArray, northUp: boolean): void {
  const canvas = document.createElement('canvas');
  canvas.width = grid.cols;
  canvas.height = grid.rows;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) throw new Error('paintZones: no 2D canvas context');
  const k = 1 / grid.cellSize;
  // Canvas rows go down: north up, row 0 is the north edge; else the south edge.
  if (northUp) g.setTransform(k, 0, 0, -k, -grid.originX * k, grid.rows + grid.originY * k);
  else g.setTransform(k, 0, 0, k, -grid.originX * k, -grid.originY * k);
  for (const zone of grid.zones) {
    const style = ZONE_STYLES[zone.kind];
    const path = new Path2D();
    for (const polygon of zone.polygons)
      for (const ring of polygon) {
        ring.forEach(([x, y], i) => (i === 0 ? path.moveTo(x, y) : path.lineTo(x, y)));
        path.closePath();
      }
    if (style.fillAlpha > 0) {
      g.globalAlpha = style.fillAlpha;
      if (style.hatch) {
        // The hatch in the picture's pixels, whatever its cell size.
        g.save();
        g.clip(path, 'evenodd');
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.fillStyle = g.createPattern(hatch(style.color), 'repeat') ?? style.color;
        g.fillRect(0, 0, grid.cols, grid.rows);
        g.restore();
      } else {
        g.fillStyle = style.color;
        g.fill(path, 'evenodd');
      }
    }
    g.globalAlpha = 0.95;
    g.strokeStyle = style.color;
    g.lineWidth = style.lineWidthM;
    g.lineCap = 'round';
    g.setLineDash(style.dashM);
    g.stroke(path);
    g.setLineDash([]);
  }
  out.set(g.getImageData(0, 0, grid.cols, grid.rows).data.subarray(0, out.length));
}
