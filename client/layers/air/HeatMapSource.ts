/**
 * What a view's heat map draws, the same in both views: the grid the legend chose (or the AQI's),
 * whether its extent is new (the mesh is made again) and whether its colours are (the texture is
 * repainted), and what was last painted, for the test hooks. Framework-free.
 */
import type { DecodedScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import type { AirDisplay } from './AirDisplay.ts';
import type { LiveAir } from './LiveAir.ts';

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

export interface HeatMapFrame {
  grid: DecodedScalarGrid;
  /** The grid covers another extent than the mesh was made for (or there is none yet). */
  remesh: boolean;
  /** New values, another choice, or a new mesh: the colours are to be painted again. */
  repaint: boolean;
}

export class HeatMapSource {
  private meshKey = '';
  private shownGridVersion = -1;
  private shownLayer = '';
  private paints = 0;
  private painted: { layer: string; cols: number; rows: number; simTimeMs: number } | null = null;

  constructor(
    private readonly air: LiveAir,
    private readonly display: AirDisplay,
  ) {}

  /** The grid to draw now and what of it changed; null while there is none (the heat map is hidden). */
  next(): HeatMapFrame | null {
    const layer = this.display.get();
    const grid = this.air.gridFor(layer);
    if (!grid) {
      this.painted = null;
      this.shownGridVersion = this.air.gridVersion;
      return null;
    }
    const key = `${grid.cols}|${grid.rows}|${grid.originX}|${grid.originY}|${grid.cellSize}`;
    const remesh = key !== this.meshKey;
    this.meshKey = key;
    const repaint = remesh || this.air.gridVersion !== this.shownGridVersion || layer !== this.shownLayer || this.painted === null;
    if (repaint) {
      this.shownGridVersion = this.air.gridVersion;
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
