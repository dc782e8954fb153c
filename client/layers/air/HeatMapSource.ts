/**
 * What a view's heat map draws, the same in both views: the grid the legend chose (or the AQI's),
 * whether its extent is new (the mesh is made again) and whether its colours are (the texture is
 * repainted), and what was last painted, for the test hooks. Framework-free. Any picture over a
 * rectangle of ground can be drawn so (the air's grids, the flood's depths, an incident's zones):
 * it needs the grids (LiveAir has them) and what is chosen (AirDisplay says it).
 */
import type { DecodedScalarGrid, ScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';

/** A raster over the ground as the heat map drapes it: its extent, its layer and its time (a scalar grid's, without its values). */
export type GroundGrid = Omit<ScalarGrid, 'values'>;

/** Where a heat map finds its grid; `gridVersion` moves when any grid changes. */
export interface HeatMapGrids<G extends GroundGrid = DecodedScalarGrid> {
  gridFor(choice: string): G | null;
  readonly gridVersion: number;
}

/** What the heat map is to show (a layer id), as chosen in a legend. */
export interface HeatMapChoice {
  get(): string;
}

/** Tells its listeners of each change; returns the function that stops one. */
export interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/** Paints a grid's colours as RGBA bytes (4 a cell), row by row from the south (`northUp`: from the north, as a canvas is drawn). */
export type GroundPainter<G extends GroundGrid> = (grid: G, out: Uint8ClampedArray, northUp: boolean) => void;

/** What a heat map shows, for the test hooks. */
export interface HeatMapState {
  shown: boolean;
  layer: string | null;
  cols: number;
  rows: number;
  simTimeMs: number | null;
  /** Vertices of the terrain-following mesh (0 before it is made). */
  vertices: number;
  /** Bumped each time the texture is repainted. */
  paints: number;
}

export interface HeatMapFrame<G extends GroundGrid = DecodedScalarGrid> {
  grid: G;
  /** The grid covers another extent than the mesh was made for (or there is none yet). */
  remesh: boolean;
  /** New values, another choice, or a new mesh: the colours are to be painted again. */
  repaint: boolean;
}

export class HeatMapSource<G extends GroundGrid = DecodedScalarGrid> {
  private meshKey = '';
  private shownGridVersion = -1;
  private shownLayer = '';
  private paints = 0;
  private painted: { layer: string; cols: number; rows: number; simTimeMs: number } | null = null;

  constructor(
    private readonly grids: HeatMapGrids<G>,
    private readonly display: HeatMapChoice,
  ) {}

  /** The grid to draw now and what of it changed; null while there is none (the heat map is hidden). */
  next(): HeatMapFrame<G> | null {
    const layer = this.display.get();
    const grid = this.grids.gridFor(layer);
    if (!grid) {
      this.painted = null;
      this.shownGridVersion = this.grids.gridVersion;
      return null;
    }
    const key = `${grid.cols}|${grid.rows}|${grid.originX}|${grid.originY}|${grid.cellSize}`;
    const remesh = key !== this.meshKey;
    this.meshKey = key;
    const repaint = remesh || this.grids.gridVersion !== this.shownGridVersion || layer !== this.shownLayer || this.painted === null;
    if (repaint) {
      this.shownGridVersion = this.grids.gridVersion;
      this.shownLayer = layer;
      this.paints++;
      this.painted = { layer: grid.layer, cols: grid.cols, rows: grid.rows, simTimeMs: grid.simTimeMs };
    }
    return { grid, remesh, repaint };
  }

  /** True once something was painted (and not taken away since). */
  get hasPicture(): boolean {
    return this.painted !== null;
  }

  /** What is shown, given whether the view draws it and its mesh's vertices. */
  state(shown: boolean, vertices: number): HeatMapState {
    const p = this.painted;
    return { shown: shown && p !== null && vertices > 0, layer: p?.layer ?? null, cols: p?.cols ?? 0, rows: p?.rows ?? 0, simTimeMs: p?.simTimeMs ?? null, vertices, paints: this.paints };
  }
}
