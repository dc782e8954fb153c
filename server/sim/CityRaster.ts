import type { CityModel } from '../city/CityModel.ts';

/**
 * A raster over a city's extent: square cells of `cellM` metres from its south-west corner, row 0
 * the southmost and column 0 the westmost (as ScalarGrid has it); cell (c, r) is index r·cols + c.
 * Cells grow coarser than asked when the city is wider than `maxCellsPerSide` of them.
 */
export class CityRaster {
  readonly cellM: number;
  readonly cols: number;
  readonly rows: number;
  readonly originX: number;
  readonly originY: number;

  constructor(city: CityModel, cellM: number, maxCellsPerSide = Infinity) {
    const { minX, minY, maxX, maxY } = city.extent;
    const span = Math.max(maxX - minX, maxY - minY);
    this.cellM = Number.isFinite(maxCellsPerSide) ? Math.max(cellM, Math.ceil(span / maxCellsPerSide)) : cellM;
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
}
