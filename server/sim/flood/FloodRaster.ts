import type { CityModel, Point2, Polygon } from '../../city/CityModel.ts';
import { CityRaster } from '../CityRaster.ts';

/**
 * The flood model's raster: the city's extent in square cells of `cellM` metres, row 0 the
 * southmost and column 0 the westmost (as ScalarGrid has it); cell (c, r) is index r·cols + c.
 * Also turns city geometry into cells: polygons by their cell centres, lines by what they cross.
 */
export class FloodRaster extends CityRaster {
  constructor(city: CityModel, cellM: number) {
    super(city, cellM);
  }

  /** Centre of column c / row r, local metres. */
  colX(c: number): number {
    return this.originX + (c + 0.5) * this.cellM;
  }

  rowY(r: number): number {
    return this.originY + (r + 0.5) * this.cellM;
  }

  /**
   * Calls `visit` for every cell whose centre lies inside the polygon (holes excluded), row by row
   * from the south, west to east: a scanline fill over the crossings of every ring (even–odd).
   */
  forEachCellIn(polygon: Polygon, visit: (cell: number) => void): void {
    let minY = Infinity;
    let maxY = -Infinity;
    for (const ring of polygon) {
      for (const p of ring) {
        if (p[1] < minY) minY = p[1];
        if (p[1] > maxY) maxY = p[1];
      }
    }
    const r0 = Math.max(0, Math.ceil((minY - this.originY) / this.cellM - 0.5));
    const r1 = Math.min(this.rows - 1, Math.floor((maxY - this.originY) / this.cellM - 0.5));
    const xs: number[] = [];
    for (let r = r0; r <= r1; r++) {
      const y = this.rowY(r);
      xs.length = 0;
      for (const ring of polygon) crossings(ring, y, xs);
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const c0 = Math.max(0, Math.ceil((xs[k] - this.originX) / this.cellM - 0.5));
        const c1 = Math.min(this.cols - 1, Math.ceil((xs[k + 1] - this.originX) / this.cellM - 0.5) - 1);
        for (let c = c0; c <= c1; c++) visit(r * this.cols + c);
      }
    }
  }

  /** The cells whose centres lie within `radiusM` of (x, y), ascending; the cell holding (x, y) when no centre does. */
  cellsWithin(x: number, y: number, radiusM: number): number[] {
    const out: number[] = [];
    const c0 = Math.max(0, Math.floor((x - radiusM - this.originX) / this.cellM));
    const c1 = Math.min(this.cols - 1, Math.floor((x + radiusM - this.originX) / this.cellM));
    const r0 = Math.max(0, Math.floor((y - radiusM - this.originY) / this.cellM));
    const r1 = Math.min(this.rows - 1, Math.floor((y + radiusM - this.originY) / this.cellM));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) if (Math.hypot(this.colX(c) - x, this.rowY(r) - y) <= radiusM) out.push(r * this.cols + c);
    }
    if (out.length === 0 && this.cellAt(x, y) >= 0) out.push(this.cellAt(x, y));
    return out;
  }

  /** The cells a polyline crosses, in order along it, each once (sampled every quarter cell). */
  lineCells(points: readonly Point2[]): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    const step = this.cellM / 4;
    const add = (x: number, y: number): void => {
      const cell = this.cellAt(x, y);
      if (cell >= 0 && !seen.has(cell)) {
        seen.add(cell);
        out.push(cell);
      }
    };
    add(points[0][0], points[0][1]);
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = points[i - 1];
      const [x1, y1] = points[i];
      const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
      for (let j = 1; j <= n; j++) add(x0 + ((x1 - x0) * j) / n, y0 + ((y1 - y0) * j) / n);
    }
    return out;
  }
}

/** The x of every edge of the ring crossing the horizontal line at y (half-open in y, so a vertex counts once). */
function crossings(ring: readonly Point2[], y: number, out: number[]): void {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y) out.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
  }
}
