import type { TerrainGrid } from '../CityModel.ts';
import { cm, pointInRing } from '../polygon.ts';
import { ringDistance2 } from './geometry.ts';
import type { CityPlan } from './plan.ts';
import { hash3 } from './random.ts';

/** Terrain cell size, metres: heights are sampled at the cell corners over the whole extent. */
export const TERRAIN_CELL = 50;

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Smooth value noise in [-1, 1] from a seed. */
function valueNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const h = (i: number, j: number): number => hash3(seed, i, j) / 2147483648 - 1;
  const a = h(ix, iy) + (h(ix + 1, iy) - h(ix, iy)) * sx;
  const b = h(ix, iy + 1) + (h(ix + 1, iy + 1) - h(ix, iy + 1)) * sx;
  return a + (b - a) * sy;
}

function fbm(seed: number, x: number, y: number): number {
  return 0.6 * valueNoise(seed, x, y) + 0.3 * valueNoise(seed + 1, 2 * x, 2 * y) + 0.1 * valueNoise(seed + 2, 4 * x, 4 * y);
}

/**
 * Heights over the extent: a flat core near 0, hills rising to ~150–250 m at the northern edge,
 * a shallow valley along the Zhan River and a basin under the reservoir.
 */
export function generateTerrain(plan: CityPlan, seed: number): TerrainGrid {
  const { extent } = plan;
  const cols = Math.round((extent.maxX - extent.minX) / TERRAIN_CELL) + 1;
  const rows = Math.round((extent.maxY - extent.minY) / TERRAIN_CELL) + 1;
  const heights: number[] = new Array(cols * rows);
  const reservoir = plan.reservoir;
  for (let row = 0; row < rows; row++) {
    const y = extent.minY + row * TERRAIN_CELL;
    for (let col = 0; col < cols; col++) {
      const x = extent.minX + col * TERRAIN_CELL;
      let h = 2.5 * fbm(seed, x / 900, y / 900);
      const hill = smoothstep(900, 3900, y + 250 * valueNoise(seed + 7, x / 2000, 0.5));
      h += hill * hill * (185 + 55 * fbm(seed + 11, x / 1500, 3.5)) + hill * 35 * fbm(seed + 13, x / 450, y / 450);
      if (y < -2700) h += (-2700 - y) * 0.004;
      const [u, v] = plan.unwarp(x, y);
      const d = Math.abs(v - plan.riverV(u));
      h -= 5 * Math.exp(-((d / 300) ** 2));
      if (d < plan.riverHalfWidth(u) + 5) h -= 3;
      if (x < -3000 && y < -2200) {
        const inside = pointInRing([x, y], reservoir);
        const shore = Math.sqrt(ringDistance2([x, y], reservoir));
        if (inside) h = Math.min(h, -4 - Math.min(6, shore / 40));
        else if (shore < 150) h = Math.min(h, -4 + (h + 4) * (shore / 150));
      }
      heights[row * cols + col] = cm(h);
    }
  }
  return { originX: extent.minX, originY: extent.minY, cellSize: TERRAIN_CELL, cols, rows, heights };
}

/** Bilinear terrain height at (x, y); points outside the grid take the nearest edge. */
export function sampleTerrain(terrain: TerrainGrid, x: number, y: number): number {
  const { originX, originY, cellSize, cols, rows, heights } = terrain;
  const fx = Math.min(cols - 1, Math.max(0, (x - originX) / cellSize));
  const fy = Math.min(rows - 1, Math.max(0, (y - originY) / cellSize));
  const c = Math.min(cols - 2, Math.floor(fx));
  const r = Math.min(rows - 2, Math.floor(fy));
  const tx = fx - c;
  const ty = fy - r;
  const i = r * cols + c;
  const a = heights[i] + (heights[i + 1] - heights[i]) * tx;
  const b = heights[i + cols] + (heights[i + cols + 1] - heights[i + cols]) * tx;
  return a + (b - a) * ty;
}
