import type { AreaFeature, District, ManagementGrid, Point2, Ring } from '../CityModel.ts';
import { cm, orientPolygon, pointInPolygon, pointInRing } from '../polygon.ts';
import type { Box2 } from '../polygon.ts';
import { clipRingToBox } from './geometry.ts';
import type { CityPlan } from './plan.ts';
import { RIVER_ROAD_OFFSET } from './plan.ts';
import type { Random } from './random.ts';

/** Districts, management grid, water and the green that does not come from blocks. */

const roundRing = (ring: Point2[]): Ring => {
  const out: Ring = [];
  for (const [x, y] of ring) {
    const p: Point2 = [cm(x), cm(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
};

/** 新华区 in the west, 卫东区 in the east, 湛河区 along the river in the south; together they tile the extent. */
export function generateDistricts(plan: CityPlan, rng: Random): District[] {
  const { minX, minY, maxX, maxY } = plan.extent;
  const psi = rng.range(0, Math.PI * 2);
  const psi2 = rng.range(0, Math.PI * 2);
  const south = (x: number): number => -1500 + 110 * Math.sin(x / 1900 + psi);
  const split = (y: number): number => 320 + 90 * Math.sin(y / 1300 + psi2);
  let x0 = split(0);
  let y0 = south(x0);
  for (let k = 0; k < 30; k++) {
    y0 = south(x0);
    x0 = split(y0);
  }
  const corner: Point2 = [cm(x0), cm(y0)];
  const southLine: Point2[] = [];
  for (let x = minX; x <= maxX; x += 200) {
    if (x > x0 && (southLine.length === 0 || southLine[southLine.length - 1][0] < x0)) southLine.push(corner);
    southLine.push([cm(x), cm(south(x))]);
  }
  const splitLine: Point2[] = [corner];
  for (let y = Math.ceil(y0 / 200) * 200; y < maxY; y += 200) if (y > y0 + 1) splitLine.push([cm(split(y)), cm(y)]);
  splitLine.push([cm(split(maxY)), maxY]);
  const at = southLine.indexOf(corner);
  const xinhua: Ring = [[minX, maxY], ...southLine.slice(0, at + 1), ...splitLine.slice(1)];
  const weidong: Ring = [...southLine.slice(at), [maxX, maxY], ...[...splitLine].reverse().slice(0, -1)];
  const zhanhe: Ring = [[minX, minY], [maxX, minY], ...[...southLine].reverse()];
  return [
    { id: 'xinhua', name: { zh: '新华区', en: 'Xinhua District' }, polygon: orientPolygon([xinhua]) },
    { id: 'weidong', name: { zh: '卫东区', en: 'Weidong District' }, polygon: orientPolygon([weidong]) },
    { id: 'zhanhe', name: { zh: '湛河区', en: 'Zhanhe District' }, polygon: orientPolygon([zhanhe]) },
  ];
}

/** Management grid cell size, metres. */
export const GRID_CELL = 500;

/** The 网格: square cells over the extent, ids like "G-R07C12", each in the district holding its centre. */
export function generateGrid(extent: Box2, districts: District[]): ManagementGrid {
  const cols = Math.ceil((extent.maxX - extent.minX) / GRID_CELL);
  const rows = Math.ceil((extent.maxY - extent.minY) / GRID_CELL);
  const cells: ManagementGrid['cells'] = [];
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const centre: Point2 = [extent.minX + (col + 0.5) * GRID_CELL, extent.minY + (row + 0.5) * GRID_CELL];
      cells.push({ id: gridCellId(row, col), col, row, district: districtAt(districts, centre) });
    }
  }
  return { originX: extent.minX, originY: extent.minY, cellSize: GRID_CELL, cols, rows, cells };
}

export function gridCellId(row: number, col: number): string {
  return `G-R${String(row).padStart(2, '0')}C${String(col).padStart(2, '0')}`;
}

/** Id of the district containing the point, or "". */
export function districtAt(districts: District[], p: Point2): string {
  for (const d of districts) if (pointInPolygon(p, d.polygon)) return d.id;
  return '';
}

/** The Zhan River (湛河) from the west edge to the east edge, and Baiguishan Reservoir (白龟山水库). */
export function generateWater(plan: CityPlan): AreaFeature[] {
  const north: Point2[] = [];
  const south: Point2[] = [];
  for (let u = plan.extent.minX - 300; u <= plan.extent.maxX + 300; u += 40) {
    const v = plan.riverV(u);
    const w = plan.riverHalfWidth(u);
    north.push(plan.warp(u, v + w));
    south.push(plan.warp(u, v - w));
  }
  const river = roundRing(clipRingToBox([...south, ...north.reverse()], plan.extent));
  const reservoir = roundRing(clipRingToBox(plan.reservoir, plan.extent));
  return [
    { id: 'zhan-river', kind: 'river', name: '湛河', polygon: orientPolygon([river]) },
    { id: 'baiguishan-reservoir', kind: 'reservoir', name: '白龟山水库', polygon: orientPolygon([reservoir]) },
  ];
}

/** Riverside park strips between the river and its roads, broken at each bridge, and the forest on the northern hills. */
export function generateRiverGreen(plan: CityPlan): AreaFeature[] {
  const bridges = plan.vLines.filter((l) => l.class !== 'local').map((l) => l.at);
  const out: AreaFeature[] = [];
  for (let k = 0; k + 1 < bridges.length; k++) {
    const ua = bridges[k] + 25;
    const ub = bridges[k + 1] - 25;
    for (const side of [1, -1]) {
      const inner: Point2[] = [];
      const outer: Point2[] = [];
      const steps = Math.max(2, Math.ceil((ub - ua) / 40));
      for (let s = 0; s <= steps; s++) {
        const u = ua + ((ub - ua) * s) / steps;
        const v = plan.riverV(u);
        inner.push(plan.warp(u, v + side * (plan.riverHalfWidth(u) + 8)));
        outer.push(plan.warp(u, v + side * (RIVER_ROAD_OFFSET - 24)));
      }
      const ring = roundRing(clipRingToBox([...inner, ...outer.reverse()], plan.extent));
      if (ring.length < 3 || ring.some((p) => pointInRing(p, plan.reservoir))) continue;
      const cx = (inner[0][0] + inner[inner.length - 1][0]) / 2;
      const name = cx > 3000 ? '白鹭洲湿地公园' : cx > -2500 ? '湛河公园' : '湛河滨河绿地';
      out.push({ id: '', kind: 'park', name, polygon: orientPolygon([ring]) });
    }
  }
  const last = plan.hLines[plan.hLines.length - 1];
  const edge: Point2[] = [];
  for (let u = plan.extent.minX - 400; u <= plan.extent.maxX + 400; u += 150) edge.push(plan.warp(u, plan.lineV(last, u) + 45));
  const forest = roundRing(clipRingToBox([...edge, [plan.extent.maxX + 400, plan.extent.maxY + 100], [plan.extent.minX - 400, plan.extent.maxY + 100]], plan.extent));
  out.push({ id: '', kind: 'forest', name: '北山林区', polygon: orientPolygon([forest]) });
  return out;
}
