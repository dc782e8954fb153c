/**
 * Contour lines of a scalar grid by marching squares, joined into polylines, and the levels a
 * release's plume is outlined at. Pure: both views draw the lines in their own way.
 */
import type { ScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import { contourColor, heatScale } from './airColors.ts';

/** One contour polyline in local metres (x east, y north), closed when it comes back to its start. */
export interface ContourLine {
  level: number;
  /** x, y pairs. */
  points: number[];
  closed: boolean;
}

/** The largest "nice" number (1, 2 or 5 times a power of ten) not above `v` (> 0). */
function niceBelow(v: number): number {
  const e = 10 ** Math.floor(Math.log10(v));
  const m = v / e;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * e;
}

/**
 * The levels a plume whose largest value is `max` is outlined at, ascending: round numbers near a
 * hundredth, a tenth and half of it (fewer when they coincide); none for a grid without a plume.
 */
export function contourLevels(max: number): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [];
  const levels = [0.01, 0.1, 0.5].map((f) => niceBelow(max * f));
  return [...new Set(levels)].filter((l) => l > 0 && l < max);
}

/**
 * The lines where `grid` crosses `level`, the values taken at the cells' centres; a NaN cell counts
 * as below. A saddle (two opposite corners above) is resolved by the mean of the four corners.
 */
export function contourLines(grid: Pick<ScalarGrid, 'cols' | 'rows' | 'originX' | 'originY' | 'cellSize' | 'values'>, level: number): ContourLine[] {
  const { cols, rows, originX, originY, cellSize, values } = grid;
  const above = (c: number, r: number) => values[r * cols + c] >= level;
  // Edge ids: 2·(r·cols + c) is the edge from (c, r) east to (c+1, r); + 1 the edge from (c, r) north to (c, r+1).
  const point = new Map<number, [number, number]>();
  const edgePoint = (id: number): void => {
    if (point.has(id)) return;
    const k = id >> 1;
    const c = k % cols;
    const r = (k - c) / cols;
    const [c2, r2] = id & 1 ? [c, r + 1] : [c + 1, r];
    const a = values[r * cols + c];
    const b = values[r2 * cols + c2];
    const t = Number.isFinite(a) && Number.isFinite(b) && a !== b ? Math.min(1, Math.max(0, (level - a) / (b - a))) : 0.5;
    point.set(id, [originX + (c + 0.5 + t * (c2 - c)) * cellSize, originY + (r + 0.5 + t * (r2 - r)) * cellSize]);
  };
  // Each edge point joins at most two segments (one in each square beside the edge).
  const links = new Map<number, number[]>();
  const link = (a: number, b: number) => {
    edgePoint(a);
    edgePoint(b);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const l = links.get(x);
      if (l) l.push(y);
      else links.set(x, [y]);
    }
  };
  for (let r = 0; r + 1 < rows; r++) {
    for (let c = 0; c + 1 < cols; c++) {
      // Corners: 1 south-west, 2 south-east, 4 north-east, 8 north-west.
      const code = (above(c, r) ? 1 : 0) | (above(c + 1, r) ? 2 : 0) | (above(c + 1, r + 1) ? 4 : 0) | (above(c, r + 1) ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const south = 2 * (r * cols + c);
      const north = 2 * ((r + 1) * cols + c);
      const west = 2 * (r * cols + c) + 1;
      const east = 2 * (r * cols + c + 1) + 1;
      switch (code) {
        case 1:
        case 14:
          link(west, south);
          break;
        case 2:
        case 13:
          link(south, east);
          break;
        case 3:
        case 12:
          link(west, east);
          break;
        case 4:
        case 11:
          link(east, north);
          break;
        case 6:
        case 9:
          link(south, north);
          break;
        case 7:
        case 8:
          link(west, north);
          break;
        case 5:
        case 10: {
          const mean = (values[r * cols + c] + values[r * cols + c + 1] + values[(r + 1) * cols + c + 1] + values[(r + 1) * cols + c]) / 4;
          // Centre above: the above corners join across it, so the lines cut off the below ones.
          const joined = mean >= level === (code === 5);
          if (joined) {
            link(west, north);
            link(south, east);
          } else {
            link(west, south);
            link(east, north);
          }
          break;
        }
      }
    }
  }
  const lines: ContourLine[] = [];
  const used = new Set<number>();
  const walk = (start: number): void => {
    const ids = [start];
    used.add(start);
    let at = start;
    for (;;) {
      const next = links.get(at)?.find((n) => !used.has(n));
      if (next === undefined) break;
      used.add(next);
      ids.push(next);
      at = next;
    }
    const closed = ids.length > 2 && (links.get(at)?.includes(start) ?? false);
    lines.push({ level, points: ids.flatMap((id) => point.get(id) ?? []), closed });
  };
  // Open lines first, from their ends (points with one neighbour); what is left are loops.
  for (const [id, l] of links) if (l.length === 1 && !used.has(id)) walk(id);
  for (const id of links.keys()) if (!used.has(id)) walk(id);
  return lines;
}

/** The lines of one level of a plume, with the colour both views and the legend draw it in. */
export interface PlumeContour {
  layer: string;
  level: number;
  color: string;
  lines: ContourLine[];
}

/** A released substance's plume outlined at its contour levels (lowest first). */
export function plumeContours(grid: ScalarGrid): PlumeContour[] {
  const levels = contourLevels(heatScale(grid).max);
  return levels.map((level, k) => ({ layer: grid.layer, level, color: contourColor(k, levels.length), lines: contourLines(grid, level) }));
}
