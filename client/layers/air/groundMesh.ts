/**
 * The ground as both views draw the air on it: a mesh over an area that follows the city's terrain
 * heights (the grid the road overlay uses, GET /api/cities/:id/roads), lifted a few metres, with
 * texture coordinates over the area; and where a view ray meets that terrain (a click on the
 * ground). Pure, in local metres (x east, y north, z up): each view converts to its own frame.
 */
import { terrainHeightAt, type TerrainHeights } from '../../twin/traffic/roads.ts';

/** A rectangle of the city in local metres: its south-west corner and size. */
export interface GroundArea {
  originX: number;
  originY: number;
  width: number;
  height: number;
}

export interface GroundMesh {
  /** x, y, z per vertex, local metres. */
  positions: Float64Array;
  /** u (east), v (north) per vertex, 0–1 over the area. */
  uvs: Float32Array;
  /** Triangles, counter-clockwise seen from above. */
  indices: Uint32Array;
  vertexCount: number;
}

/** The area a scalar grid covers. */
export function gridArea(grid: { originX: number; originY: number; cols: number; rows: number; cellSize: number }): GroundArea {
  return { originX: grid.originX, originY: grid.originY, width: grid.cols * grid.cellSize, height: grid.rows * grid.cellSize };
}

/** Sample coordinates from `from` to `to` at the terrain's nodes (so the mesh bends where the terrain does), ends included. */
function samples(from: number, to: number, origin: number, step: number): number[] {
  const out = [from];
  for (let k = Math.floor((from - origin) / step) + 1; origin + k * step < to - 1e-6; k++) if (origin + k * step > from + 1e-6) out.push(origin + k * step);
  out.push(to);
  return out;
}

/**
 * A mesh over `area` `liftM` above the terrain. Its vertices are the terrain grid's nodes inside
 * the area (and the area's edges), and its cells split along the same diagonal as terrainHeightAt
 * does, so where the two grids line up the mesh is the terrain surface lifted, never below it.
 */
export function groundMesh(terrain: TerrainHeights, area: GroundArea, liftM: number): GroundMesh {
  const xs = samples(area.originX, area.originX + area.width, terrain.originX, terrain.cellSize);
  const ys = samples(area.originY, area.originY + area.height, terrain.originY, terrain.cellSize);
  const nx = xs.length;
  const ny = ys.length;
  const positions = new Float64Array(nx * ny * 3);
  const uvs = new Float32Array(nx * ny * 2);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      positions[3 * k] = xs[i];
      positions[3 * k + 1] = ys[j];
      positions[3 * k + 2] = terrainHeightAt(terrain, xs[i], ys[j]) + liftM;
      uvs[2 * k] = (xs[i] - area.originX) / area.width;
      uvs[2 * k + 1] = (ys[j] - area.originY) / area.height;
    }
  }
  const indices = new Uint32Array((nx - 1) * (ny - 1) * 6);
  let o = 0;
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = j * nx + i;
      const b = a + 1;
      const c = a + nx + 1;
      const d = a + nx;
      // South-west to north-east, as the terrain's own triangles.
      indices.set([a, b, c, a, c, d], o);
      o += 6;
    }
  }
  return { positions, uvs, indices, vertexCount: nx * ny };
}

/**
 * Where the ray from `origin` along `direction` (local metres; any length) first meets the terrain,
 * or null when it misses the terrain grid. Marches at half a terrain cell, then halves the step.
 */
export function groundHit(terrain: TerrainHeights, origin: readonly number[], direction: readonly number[]): [number, number, number] | null {
  const [ox, oy, oz] = origin;
  const length = Math.hypot(direction[0], direction[1], direction[2]);
  if (!(length > 0)) return null;
  const [dx, dy, dz] = [direction[0] / length, direction[1] / length, direction[2] / length];
  let lowest = Infinity;
  let highest = -Infinity;
  for (const h of terrain.heights) {
    if (h < lowest) lowest = h;
    if (h > highest) highest = h;
  }
  // The stretch of the ray over the grid and between its lowest and highest ground.
  let t0 = 0;
  let t1 = Infinity;
  const slab = (o: number, d: number, lo: number, hi: number) => {
    if (Math.abs(d) < 1e-12) {
      if (o < lo || o > hi) t1 = -1;
      return;
    }
    const [a, b] = [(lo - o) / d, (hi - o) / d];
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
  };
  slab(ox, dx, terrain.originX, terrain.originX + (terrain.cols - 1) * terrain.cellSize);
  slab(oy, dy, terrain.originY, terrain.originY + (terrain.rows - 1) * terrain.cellSize);
  slab(oz, dz, lowest - 1, highest + 1);
  if (!(t1 >= t0)) return null;
  const above = (t: number) => oz + t * dz - terrainHeightAt(terrain, ox + t * dx, oy + t * dy);
  const horizontal = Math.hypot(dx, dy);
  const step = Math.min((terrain.cellSize * 0.5) / Math.max(horizontal, 1e-9), Math.max(t1 - t0, 1e-6));
  let a = t0;
  if (above(a) <= 0) return [ox + a * dx, oy + a * dy, oz + a * dz];
  for (let t = t0 + step; ; t += step) {
    const b = Math.min(t, t1);
    if (above(b) <= 0) {
      let [lo, hi] = [a, b];
      for (let k = 0; k < 40 && hi - lo > 1e-3; k++) {
        const mid = (lo + hi) / 2;
        if (above(mid) > 0) lo = mid;
        else hi = mid;
      }
      return [ox + hi * dx, oy + hi * dy, oz + hi * dz];
    }
    if (b >= t1) return null;
    a = b;
  }
}
