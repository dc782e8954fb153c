import earcut from 'earcut';
import type { Point2, Polygon, RoadLink, TerrainGrid } from '../city/CityModel.ts';
import { orientPolygon, pointInPolygon, polygonArea, ringsBox } from '../city/polygon.ts';
import { MeshData } from './meshData.ts';

/**
 * Ground geometry: the terrain surface at a level of detail, and the roads, water and green
 * areas draped on it. Draped features sample the same triangulated surface the terrain mesh of
 * that level shows, then rise a little above it so they never z-fight with it.
 */

/** Metres of lane width, per lane and direction. */
export const LANE_WIDTH = 3.5;
/** Lifts above the terrain surface: green under water under roads, so overlaps draw in that order. */
export const LIFT = { green: 0.1, water: 0.15, road: 0.25 };

/** The terrain grid seen at a stride: nodes every `stride` columns and rows, plus the last ones. */
export class TerrainSurface {
  constructor(
    readonly terrain: TerrainGrid,
    readonly stride: number,
  ) {}

  /** Grid indices of the node at or before `i` and of the next one, at this stride. */
  private bracket(i: number, count: number): [number, number] {
    const last = count - 1;
    if (last === 0) return [0, 0];
    const c = Math.min(Math.max(i, 0), last);
    let k0 = Math.floor(c / this.stride) * this.stride;
    if (k0 >= last) k0 = Math.max(0, last - 1 - ((last - 1) % this.stride));
    return [k0, Math.min(k0 + this.stride, last)];
  }

  node(col: number, row: number): number {
    return this.terrain.heights[row * this.terrain.cols + col];
  }

  /** Height of the surface at (x, y), on the same two triangles per cell as `terrainMesh`. */
  heightAt(x: number, y: number): number {
    const t = this.terrain;
    const fc = (x - t.originX) / t.cellSize;
    const fr = (y - t.originY) / t.cellSize;
    const [c0, c1] = this.bracket(Math.floor(fc), t.cols);
    const [r0, r1] = this.bracket(Math.floor(fr), t.rows);
    const u = c1 > c0 ? Math.min(Math.max((fc - c0) / (c1 - c0), 0), 1) : 0;
    const v = r1 > r0 ? Math.min(Math.max((fr - r0) / (r1 - r0), 0), 1) : 0;
    const h00 = this.node(c0, r0);
    const h10 = this.node(c1, r0);
    const h01 = this.node(c0, r1);
    const h11 = this.node(c1, r1);
    return u >= v ? h00 + u * (h10 - h00) + v * (h11 - h10) : h00 + v * (h01 - h00) + u * (h11 - h01);
  }

  /** Upward unit normal at (x, y) from central differences over one stride. */
  normalAt(x: number, y: number): [number, number, number] {
    const d = this.terrain.cellSize * this.stride;
    const dx = (this.heightAt(x + d, y) - this.heightAt(x - d, y)) / (2 * d);
    const dy = (this.heightAt(x, y + d) - this.heightAt(x, y - d)) / (2 * d);
    const len = Math.hypot(dx, dy, 1);
    return [-dx / len, -dy / len, 1 / len];
  }

  /** Node indices along one axis from first to last (inclusive) at this stride. */
  axisNodes(first: number, last: number): number[] {
    const nodes: number[] = [];
    for (let i = first; i < last; i += this.stride) nodes.push(i);
    nodes.push(last);
    return nodes;
  }
}

/**
 * The terrain mesh over grid nodes [col0, col1] × [row0, row1] at the surface's stride, with
 * skirts hanging `skirt` metres down its edges to hide cracks against neighbours at other levels.
 */
export function terrainMesh(surface: TerrainSurface, col0: number, col1: number, row0: number, row1: number, skirt: number): MeshData {
  const t = surface.terrain;
  const mesh = new MeshData();
  const cols = surface.axisNodes(col0, col1);
  const rows = surface.axisNodes(row0, row1);
  const index = (i: number, j: number) => j * cols.length + i;
  for (const r of rows) {
    for (const c of cols) {
      const x = t.originX + c * t.cellSize;
      const y = t.originY + r * t.cellSize;
      const [ne, nn, nu] = surface.normalAt(x, y);
      mesh.addVertex(x, y, surface.node(c, r), ne, nn, nu);
    }
  }
  for (let j = 0; j + 1 < rows.length; j++) {
    for (let i = 0; i + 1 < cols.length; i++) {
      mesh.addTriangle(index(i, j), index(i + 1, j), index(i + 1, j + 1));
      mesh.addTriangle(index(i, j), index(i + 1, j + 1), index(i, j + 1));
    }
  }
  if (skirt > 0) {
    // Each edge walked counter-clockwise (surface on the left), so its right-hand side faces out.
    const edges: number[][] = [
      cols.map((_, i) => index(i, 0)),
      rows.map((_, j) => index(cols.length - 1, j)),
      cols.map((_, i) => index(i, rows.length - 1)).reverse(),
      rows.map((_, j) => index(0, j)).reverse(),
    ];
    const p = mesh.positions;
    for (const edge of edges) {
      for (let k = 0; k + 1 < edge.length; k++) {
        const [a, b] = [edge[k], edge[k + 1]];
        // Positions are stored y-up (east, up, -north).
        const [ax, ay, ah] = [p[3 * a], -p[3 * a + 2], p[3 * a + 1]];
        const [bx, by, bh] = [p[3 * b], -p[3 * b + 2], p[3 * b + 1]];
        const len = Math.hypot(bx - ax, by - ay);
        if (len === 0) continue;
        const [ne, nn] = [(by - ay) / len, -(bx - ax) / len];
        const lowA = mesh.addVertex(ax, ay, ah - skirt, ne, nn, 0);
        const lowB = mesh.addVertex(bx, by, bh - skirt, ne, nn, 0);
        const topB = mesh.addVertex(bx, by, bh, ne, nn, 0);
        const topA = mesh.addVertex(ax, ay, ah, ne, nn, 0);
        mesh.addTriangle(lowA, lowB, topB);
        mesh.addTriangle(lowA, topB, topA);
      }
    }
  }
  return mesh;
}

/** Points along a polyline no further apart than `step`. */
function densify(points: Point2[], step: number, closed: boolean): Point2[] {
  const out: Point2[] = [];
  const n = points.length;
  const segments = closed ? n : n - 1;
  for (let i = 0; i < segments; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % n];
    const parts = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = 0; k < parts; k++) out.push([x0 + ((x1 - x0) * k) / parts, y0 + ((y1 - y0) * k) / parts]);
  }
  if (!closed) out.push(points[n - 1]);
  return out;
}

/**
 * Road ribbons, one per directed link: a link whose reverse twin exists (a two-way street) covers
 * the right-hand side of the centre line, so the two directions meet without overlapping; a
 * one-way link is centred on its line. Width = lanes × LANE_WIDTH.
 */
export function roadRibbons(links: RoadLink[], twoWay: (link: RoadLink) => boolean, surface: TerrainSurface, mesh = new MeshData()): MeshData {
  const step = Math.max(surface.terrain.cellSize * surface.stride * 0.5, 2);
  for (const link of links) {
    const width = link.lanes * LANE_WIDTH;
    const [left, right] = twoWay(link) ? [0, width] : [-width / 2, width / 2];
    const points = linkPoints(link, step);
    if (points.length < 2) continue;
    const first = mesh.vertexCount;
    for (let i = 0; i < points.length; i++) {
      const [here, mx, my, scale] = mitre(points, i);
      for (const offset of [left, right]) {
        const x = here[0] + mx * offset * scale;
        const y = here[1] + my * offset * scale;
        const [ne, nn, nu] = surface.normalAt(x, y);
        mesh.addVertex(x, y, surface.heightAt(x, y) + LIFT.road, ne, nn, nu);
      }
    }
    for (let i = 0; i + 1 < points.length; i++) {
      const l0 = first + 2 * i;
      const r0 = l0 + 1;
      const l1 = l0 + 2;
      const r1 = l0 + 3;
      mesh.addTriangle(l0, r0, r1);
      mesh.addTriangle(l0, r1, l1);
    }
  }
  return mesh;
}

/** Tells whether a link has a reverse twin (a two-way street) among `links`. */
export function twoWayTest(links: readonly RoadLink[]): (link: RoadLink) => boolean {
  const directed = new Set(links.map((l) => `${l.from}\u0000${l.to}`));
  return (l) => directed.has(`${l.to}\u0000${l.from}`);
}

/** A link's centre line split every `step` metres, repeated points dropped. */
export function linkPoints(link: RoadLink, step: number): Point2[] {
  return densify(link.geometry, step, false).filter((p, i, all) => i === 0 || Math.hypot(p[0] - all[i - 1][0], p[1] - all[i - 1][1]) > 1e-3);
}

/**
 * Point i of a line with its right-hand offset direction (mx, my), the mean of the right normals of
 * the segments before and after (a mitre), and the factor that keeps an offset's width along the bend.
 */
export function mitre(points: Point2[], i: number): [here: Point2, mx: number, my: number, scale: number] {
  const prev = points[Math.max(i - 1, 0)];
  const next = points[Math.min(i + 1, points.length - 1)];
  const here = points[i];
  const nIn = rightNormal(prev === here ? here : prev, prev === here ? next : here);
  const nOut = rightNormal(here === next ? prev : here, here === next ? here : next);
  let mx = nIn[0] + nOut[0];
  let my = nIn[1] + nOut[1];
  const ml = Math.hypot(mx, my) || 1;
  mx /= ml;
  my /= ml;
  return [here, mx, my, 1 / Math.max(0.5, mx * nOut[0] + my * nOut[1])];
}

function rightNormal(a: Point2, b: Point2): Point2 {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  return [(b[1] - a[1]) / len, -(b[0] - a[0]) / len];
}

/** Most interior points one polygon gets, so earcut stays fast on large parks and rivers. */
const MAX_INTERIOR_POINTS = 400;

/**
 * Polygons (holes kept) triangulated and draped on the surface: edges are split at the surface's
 * spacing and interior points added on a lattice, so triangles follow the terrain's shape.
 */
export function drapedPolygons(polygons: Polygon[], surface: TerrainSurface, lift: number, mesh = new MeshData()): MeshData {
  const spacing = surface.terrain.cellSize * surface.stride;
  for (const raw of polygons) {
    const polygon = orientPolygon(raw);
    const area = polygonArea(polygon);
    if (!(area > 0)) continue;
    const step = Math.max(spacing, Math.sqrt(area / MAX_INTERIOR_POINTS));
    const flat: number[] = [];
    const holes: number[] = [];
    polygon.forEach((ring, r) => {
      if (r > 0) holes.push(flat.length / 2);
      for (const [x, y] of densify(ring, step, true)) flat.push(x, y);
    });
    // Interior lattice points go in as one-point holes: earcut's way of taking Steiner points.
    const box = ringsBox([polygon[0]]);
    for (let y = Math.ceil(box.minY / step) * step; y < box.maxY; y += step) {
      for (let x = Math.ceil(box.minX / step) * step; x < box.maxX; x += step) {
        if (pointInPolygon([x, y], polygon) && nearestEdgeDistance([x, y], polygon) > step * 0.3) {
          holes.push(flat.length / 2);
          flat.push(x, y);
        }
      }
    }
    const triangles = earcut(flat, holes, 2);
    const first = mesh.vertexCount;
    for (let i = 0; i < flat.length; i += 2) {
      const [ne, nn, nu] = surface.normalAt(flat[i], flat[i + 1]);
      mesh.addVertex(flat[i], flat[i + 1], surface.heightAt(flat[i], flat[i + 1]) + lift, ne, nn, nu);
    }
    mesh.addUpwardTriangles(flat, triangles, first);
  }
  return mesh;
}

function nearestEdgeDistance([px, py]: Point2, polygon: Polygon): number {
  let best = Infinity;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j];
      const [bx, by] = ring[i];
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.min(Math.max(((px - ax) * dx + (py - ay) * dy) / len2, 0), 1) : 0;
      best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
    }
  }
  return best;
}
