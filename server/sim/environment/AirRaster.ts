import type { CityModel } from '../../city/CityModel.ts';
import { CityRaster } from '../CityRaster.ts';

/** Most cells along one side: bigger cities get coarser cells so one update stays fast. */
const MAX_CELLS_PER_SIDE = 200;

/**
 * The raster the air is computed on: the city's extent in square cells of `cellM` metres (100 m by
 * default, coarser only when the city is wider than 200 cells), row 0 the southmost, as ScalarGrid has it.
 */
export class AirRaster extends CityRaster {
  constructor(city: CityModel, cellM = 100) {
    super(city, cellM, MAX_CELLS_PER_SIDE);
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
