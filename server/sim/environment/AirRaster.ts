import type { CityModel } from '../../city/CityModel.ts';

/** Most cells along one side: bigger cities get coarser cells so one update stays fast. */
const MAX_CELLS_PER_SIDE = 200;

/**
 * The raster the air is computed on: the city's extent in square cells of `cellM` metres (100 m by
 * default, coarser only when the city is wider than 200 cells), row 0 the southmost, as ScalarGrid has it.
 */
export class AirRaster {
  readonly cellM: number;
  readonly cols: number;
  readonly rows: number;
  readonly originX: number;
  readonly originY: number;

  constructor(city: CityModel, cellM = 100) {
    const { minX, minY, maxX, maxY } = city.extent;
    const span = Math.max(maxX - minX, maxY - minY);
    this.cellM = Math.max(cellM, Math.ceil(span / MAX_CELLS_PER_SIDE));
    this.cols = Math.max(1, Math.ceil((maxX - minX) / this.cellM));
    this.rows = Math.max(1, Math.ceil((maxY - minY) / this.cellM));
    this.originX = minX;
    this.originY = minY;
  }

  get cells(): number {
    return this.cols * this.rows;
  }

  /** The cell holding (x, y), or −1 outside the raster. */
  cellAt(x: number, y: number): number {
    const c = Math.floor((x - this.originX) / this.cellM);
    const r = Math.floor((y - this.originY) / this.cellM);
    return c < 0 || r < 0 || c >= this.cols || r >= this.rows ? -1 : r * this.cols + c;
  }

  /** Centre of cell i, local metres. */
  centreX(i: number): number {
    return this.originX + ((i % this.cols) + 0.5) * this.cellM;
  }

  centreY(i: number): number {
    return this.originY + (Math.floor(i / this.cols) + 0.5) * this.cellM;
  }

  /** Bilinear value of a cell-centred grid at (x, y), clamped at the edges. */
  sample(values: ArrayLike<number>, x: number, y: number): number {
    const fx = Math.min(this.cols - 1, Math.max(0, (x - this.originX) / this.cellM - 0.5));
    const fy = Math.min(this.rows - 1, Math.max(0, (y - this.originY) / this.cellM - 0.5));
    const c0 = Math.floor(fx);
    const r0 = Math.floor(fy);
    const c1 = Math.min(this.cols - 1, c0 + 1);
    const r1 = Math.min(this.rows - 1, r0 + 1);
    const tx = fx - c0;
    const ty = fy - r0;
    const v = (c: number, r: number): number => values[r * this.cols + c];
    return (v(c0, r0) * (1 - tx) + v(c1, r0) * tx) * (1 - ty) + (v(c0, r1) * (1 - tx) + v(c1, r1) * tx) * ty;
  }
}
