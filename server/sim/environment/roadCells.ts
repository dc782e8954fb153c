import type { CityModel } from '../../city/CityModel.ts';
import type { AirRaster } from './AirRaster.ts';

/**
 * Where each road link lies on the air raster: for link k, the cells its line crosses and the share
 * of its length in each (entries linkStart[k] … linkStart[k + 1] − 1 of `cell` and `share`).
 * Emissions of the link are spread over those cells in proportion.
 */
export interface RoadCells {
  linkStart: Int32Array;
  cell: Int32Array;
  share: Float32Array;
}

/** Samples each link's line every few metres and tallies the length falling in each raster cell. */
export function roadCells(city: CityModel, raster: AirRaster): RoadCells {
  const starts: number[] = [0];
  const cells: number[] = [];
  const shares: number[] = [];
  const step = raster.cellM / 8;
  for (const link of city.roads.links) {
    const tally = new Map<number, number>();
    const pts = link.geometry;
    let total = 0;
    for (let i = 1; i < pts.length; i++) {
      const [x0, y0] = pts[i - 1];
      const [x1, y1] = pts[i];
      const len = Math.hypot(x1 - x0, y1 - y0);
      const n = Math.max(1, Math.ceil(len / step));
      for (let j = 0; j < n; j++) {
        const f = (j + 0.5) / n;
        const cell = raster.cellAt(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
        if (cell >= 0) tally.set(cell, (tally.get(cell) ?? 0) + len / n);
        total += len / n;
      }
    }
    // Cells in ascending order: the same floats sum in the same order on every run.
    for (const [cell, len] of [...tally].sort((a, b) => a[0] - b[0])) {
      cells.push(cell);
      shares.push(total > 0 ? len / total : 0);
    }
    starts.push(cells.length);
  }
  return { linkStart: Int32Array.from(starts), cell: Int32Array.from(cells), share: Float32Array.from(shares) };
}
