import type { Point2 } from '../CityModel.ts';

/** Footprint shapes in a block's local frame (metres); each returns the polygon's rings, outer first. */

export type Rings = Point2[][];

export function rect(x0: number, y0: number, x1: number, y1: number): Rings {
  return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]];
}

/** A rectangle less one corner: corner 0 north-east, 1 north-west, 2 south-west, 3 south-east. */
export function lShape(x0: number, y0: number, x1: number, y1: number, cutW: number, cutH: number, corner: number): Rings {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hw = (x1 - x0) / 2;
  const hh = (y1 - y0) / 2;
  const sx = corner === 1 || corner === 2 ? -1 : 1;
  const sy = corner === 2 || corner === 3 ? -1 : 1;
  const ne: Point2[] = [[-hw, -hh], [hw, -hh], [hw, hh - cutH], [hw - cutW, hh - cutH], [hw - cutW, hh], [-hw, hh]];
  return [ne.map(([x, y]) => [cx + sx * x, cy + sy * y])];
}

/** A U: a base bar along one long side and two arms; `open` is the side the courtyard opens to. */
export function uShape(x0: number, y0: number, x1: number, y1: number, arm: number, bar: number, open: 'n' | 's'): Rings {
  const pts: Point2[] = [[x0, y0], [x1, y0], [x1, y1], [x1 - arm, y1], [x1 - arm, y0 + bar], [x0 + arm, y0 + bar], [x0 + arm, y1], [x0, y1]];
  return [open === 'n' ? pts : pts.map(([x, y]) => [x, y0 + y1 - y])];
}

/** A perimeter block around a courtyard: the outer ring and the courtyard as a hole. */
export function courtyard(x0: number, y0: number, x1: number, y1: number, wall: number): Rings {
  return [rect(x0, y0, x1, y1)[0], [[x0 + wall, y0 + wall], [x0 + wall, y1 - wall], [x1 - wall, y1 - wall], [x1 - wall, y0 + wall]]];
}

/** A cross-plan point tower, the common shape of Chinese high-rise residential towers. */
export function crossTower(cx: number, cy: number, size: number, arm: number): Rings {
  const s = size / 2;
  const a = arm / 2;
  return [[
    [cx - a, cy - s], [cx + a, cy - s], [cx + a, cy - a], [cx + s, cy - a], [cx + s, cy + a], [cx + a, cy + a],
    [cx + a, cy + s], [cx - a, cy + s], [cx - a, cy + a], [cx - s, cy + a], [cx - s, cy - a], [cx - a, cy - a],
  ]];
}

/** A rectangle with chamfered corners (office towers, halls). */
export function octagon(cx: number, cy: number, w: number, h: number, chamfer: number): Rings {
  const x0 = cx - w / 2;
  const x1 = cx + w / 2;
  const y0 = cy - h / 2;
  const y1 = cy + h / 2;
  const c = chamfer;
  return [[[x0 + c, y0], [x1 - c, y0], [x1, y0 + c], [x1, y1 - c], [x1 - c, y1], [x0 + c, y1], [x0, y1 - c], [x0, y0 + c]]];
}

/** A residential slab with its stair cores projecting north. */
export function notchedSlab(x0: number, y0: number, x1: number, y1: number, cores: number, coreW: number, coreD: number): Rings {
  const pts: Point2[] = [[x0, y0], [x1, y0], [x1, y1]];
  const step = (x1 - x0) / cores;
  for (let k = cores - 1; k >= 0; k--) {
    const mid = x0 + step * (k + 0.5);
    pts.push([mid + coreW / 2, y1], [mid + coreW / 2, y1 + coreD], [mid - coreW / 2, y1 + coreD], [mid - coreW / 2, y1]);
  }
  pts.push([x0, y1]);
  return [pts];
}

/** An elliptic ring with a hole: a stadium's stands around its pitch. */
export function stadiumRing(cx: number, cy: number, rx: number, ry: number, depth: number): Rings {
  const outer: Point2[] = [];
  const inner: Point2[] = [];
  for (let k = 0; k < 32; k++) {
    const t = (Math.PI * 2 * k) / 32;
    outer.push([cx + rx * Math.cos(t), cy + ry * Math.sin(t)]);
    inner.push([cx + (rx - depth) * Math.cos(-t), cy + (ry - depth) * Math.sin(-t)]);
  }
  return [outer, inner];
}
