import type { Building, District, Point2, Ring, TerrainGrid } from '../CityModel.ts';
import { cm, orientPolygon, pointInRing, ringCentroid, ringsBox } from '../polygon.ts';
import type { Box2 } from '../polygon.ts';
import { districtAt, GRID_CELL, gridCellId } from './areas.ts';
import type { Block } from './blocks.ts';
import { blockToWorld } from './blocks.ts';
import { pointSegmentDistance2, ringDistance2, segmentDistance2 } from './geometry.ts';
import type { Proto, Zone } from './layoutBlock.ts';
import { layoutBlock } from './layoutBlock.ts';
import type { CityPlan } from './plan.ts';
import type { Random } from './random.ts';
import type { RoadRibbon } from './roads.ts';
import { sampleTerrain } from './terrain.ts';

const INDEX_CELL = 100;

/** Road centre-line segments bucketed on a coarse grid, to find the streets near a footprint. */
class RibbonIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly a: Point2[] = [];
  private readonly b: Point2[] = [];
  private readonly halfWidth: number[] = [];
  private readonly stamp: number[] = [];
  private query = 0;

  constructor(ribbons: RoadRibbon[]) {
    for (const r of ribbons) {
      for (let k = 1; k < r.points.length; k++) {
        const id = this.a.length;
        this.a.push(r.points[k - 1]);
        this.b.push(r.points[k]);
        this.halfWidth.push(r.halfWidth);
        this.stamp.push(-1);
        const box = ringsBox([[r.points[k - 1], r.points[k], r.points[k]]]);
        this.forCells(box, r.halfWidth, (key) => {
          let list = this.cells.get(key);
          if (!list) this.cells.set(key, (list = []));
          list.push(id);
        });
      }
    }
  }

  private forCells(box: Box2, margin: number, visit: (key: number) => void): void {
    const c0 = Math.floor((box.minX - margin) / INDEX_CELL);
    const c1 = Math.floor((box.maxX + margin) / INDEX_CELL);
    const r0 = Math.floor((box.minY - margin) / INDEX_CELL);
    const r1 = Math.floor((box.maxY + margin) / INDEX_CELL);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * 100000 + c);
  }

  /** True when the ring comes closer to a street's centre line than half the street's width (plus a kerb). */
  hits(ring: Ring): boolean {
    const q = ++this.query;
    let hit = false;
    const box = ringsBox([ring]);
    const centre: Point2 = [(box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2];
    const radius = Math.hypot(box.maxX - box.minX, box.maxY - box.minY) / 2;
    this.forCells(box, 0, (key) => {
      if (hit) return;
      for (const id of this.cells.get(key) ?? []) {
        if (this.stamp[id] === q) continue;
        this.stamp[id] = q;
        const limit = (this.halfWidth[id] + 1) ** 2;
        // Most streets near the box are clear of its bounding circle: skip the edge tests for them.
        if (pointSegmentDistance2(centre, this.a[id], this.b[id]) > (radius + this.halfWidth[id] + 1) ** 2) continue;
        if (pointInRing(this.a[id], ring)) hit = true;
        for (let i = 0, j = ring.length - 1; i < ring.length && !hit; j = i++) {
          if (segmentDistance2(ring[j], ring[i], this.a[id], this.b[id]) < limit) hit = true;
        }
        if (hit) return;
      }
    });
    return hit;
  }
}

/**
 * Lays out every block and places the buildings in the world: centimetre coordinates, rings
 * oriented, base at the lowest terrain under the corners, district and grid by centroid. Buildings
 * that would stand on a street, in water or outside the extent are left out.
 */
export function placeBuildings(
  blocks: Block[], zones: Zone[], plan: CityPlan, ribbons: RoadRibbon[], terrain: TerrainGrid, districts: District[], rng: Random,
): Building[] {
  const index = new RibbonIndex(ribbons);
  const { extent, reservoir } = plan;
  const resBox = ringsBox([reservoir]);
  const wet = (p: Point2): boolean => {
    const [u, v] = plan.unwarp(p[0], p[1]);
    if (Math.abs(v - plan.riverV(u)) < plan.riverHalfWidth(u) + 6) return true;
    if (p[0] < resBox.minX - 10 || p[0] > resBox.maxX + 10 || p[1] < resBox.minY - 10 || p[1] > resBox.maxY + 10) return false;
    return pointInRing(p, reservoir) || ringDistance2(p, reservoir) < 100;
  };
  const inside = (p: Point2): boolean => p[0] >= extent.minX && p[0] <= extent.maxX && p[1] >= extent.minY && p[1] <= extent.maxY;
  const gridCols = Math.ceil((extent.maxX - extent.minX) / GRID_CELL);
  const gridRows = Math.ceil((extent.maxY - extent.minY) / GRID_CELL);

  const buildings: Building[] = [];
  const place = (block: Block, p: Proto): void => {
    const polygon = orientPolygon(p.rings.map((ring) => ring.map(([a, b]) => {
      const [x, y] = blockToWorld(block, a, b);
      return [cm(x), cm(y)] as Point2;
    })));
    const outer = polygon[0];
    if (!outer.every(inside)) return;
    const centroid = ringCentroid(outer);
    if (wet(centroid) || outer.some(wet)) return;
    if (index.hits(outer)) return;
    let base = Infinity;
    for (const [x, y] of outer) base = Math.min(base, sampleTerrain(terrain, x, y));
    const col = Math.floor((centroid[0] - extent.minX) / GRID_CELL);
    const row = Math.floor((centroid[1] - extent.minY) / GRID_CELL);
    const grid = col >= 0 && col < gridCols && row >= 0 && row < gridRows ? gridCellId(row, col) : '';
    buildings.push({
      id: `B${String(buildings.length).padStart(6, '0')}`,
      name: p.name,
      footprint: polygon,
      base: cm(base),
      height: cm(p.floors * p.floorHeight + p.roof),
      floors: p.floors,
      use: p.use,
      district: districtAt(districts, centroid),
      grid,
    });
  };
  blocks.forEach((block, k) => {
    for (const p of layoutBlock(block, zones[k], rng.fork(k))) place(block, p);
  });
  return buildings;
}
