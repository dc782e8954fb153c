import type { Point2, RoadClass } from '../CityModel.ts';
import type { CityPlan, PlanLine } from './plan.ts';
import { roadHalfWidth } from './roads.ts';

/**
 * A city block: the land between two consecutive north-south lines and two consecutive east-west
 * lines of the lattice, less a setback from each street. Buildings are laid out in the block's own
 * frame (a: along the block's east-west axis, b: north), centred on `centre`, inside ±halfW × ±halfH.
 */
export interface Block {
  i: number;
  j: number;
  centre: Point2;
  /** Angle of the block's a axis from east, radians. */
  angle: number;
  halfW: number;
  halfH: number;
  /** Class of the street along each side, or null where the line has no street there. */
  sides: { s: RoadClass | null; n: RoadClass | null; w: RoadClass | null; e: RoadClass | null };
  /** The block lies between the two riverside roads: the river and its banks. */
  river: boolean;
}

/** Distance kept free from the street's centre line: the roadway plus a pavement and green strip. */
function setback(line: PlanLine | null): number {
  if (!line) return 4;
  const margin = line.class === 'expressway' ? 25 : line.class === 'arterial' ? 10 : line.class === 'collector' ? 6 : 4;
  return roadHalfWidth(line.class, line.lanes) + margin;
}

/** Local block coordinates → world. */
export function blockToWorld(block: Block, a: number, b: number): Point2 {
  const c = Math.cos(block.angle);
  const s = Math.sin(block.angle);
  return [block.centre[0] + a * c - b * s, block.centre[1] + a * s + b * c];
}

/** Every block of the lattice that has room for a building. */
export function computeBlocks(plan: CityPlan): Block[] {
  const { vLines, hLines } = plan;
  const blocks: Block[] = [];
  for (let i = 0; i + 1 < vLines.length; i++) {
    const u0 = vLines[i].at;
    const u1 = vLines[i + 1].at;
    for (let j = 0; j + 1 < hLines.length; j++) {
      let vBottom = -Infinity;
      let vTop = Infinity;
      for (let k = 0; k <= 6; k++) {
        const u = u0 + ((u1 - u0) * k) / 6;
        vBottom = Math.max(vBottom, plan.lineV(hLines[j], u));
        vTop = Math.min(vTop, plan.lineV(hLines[j + 1], u));
      }
      const vMid = (vBottom + vTop) / 2;
      const uMid = (u0 + u1) / 2;
      const activeV = (line: PlanLine): PlanLine | null => (vMid >= line.min && vMid <= line.max ? line : null);
      const activeH = (line: PlanLine): PlanLine | null => (uMid >= line.min && uMid <= line.max ? line : null);
      const w = activeV(vLines[i]);
      const e = activeV(vLines[i + 1]);
      const s = activeH(hLines[j]);
      const n = activeH(hLines[j + 1]);
      const ua = u0 + setback(w);
      const ub = u1 - setback(e);
      const va = vBottom + setback(s);
      const vb = vTop - setback(n);
      if (ub - ua < 20 || vb - va < 20) continue;
      const uc = (ua + ub) / 2;
      const vc = (va + vb) / 2;
      const centre = plan.warp(uc, vc);
      const east = plan.warp(uc + 1, vc);
      blocks.push({
        i,
        j,
        centre,
        angle: Math.atan2(east[1] - centre[1], east[0] - centre[0]),
        halfW: (ub - ua) / 2,
        halfH: (vb - va) / 2,
        sides: { s: s?.class ?? null, n: n?.class ?? null, w: w?.class ?? null, e: e?.class ?? null },
        river: hLines[j].river === 'south',
      });
    }
  }
  return blocks;
}
