import type { BuildingUse, LocalizedName } from '../CityModel.ts';
import type { Block } from './blocks.ts';
import type { Random } from './random.ts';
import { courtyard, crossTower, lShape, notchedSlab, octagon, rect, stadiumRing, uShape } from './shapes.ts';
import type { Rings } from './shapes.ts';

/** What a block is used for. */
export type ZoneKind =
  | 'cbd' | 'towers' | 'highres' | 'midres' | 'oldres' | 'industrial' | 'village' | 'forest' | 'park'
  | 'school' | 'hospital' | 'stadium' | 'government' | 'library' | 'museum' | 'landmark' | 'fire' | 'police' | 'none';

export interface Zone {
  kind: ZoneKind;
  /** Institution, park or landmark name; for housing, the compound (小区) name or "". */
  name: LocalizedName;
  /** Landmarks: height and floors of the tower. */
  heightM?: number;
  floors?: number;
  use?: BuildingUse;
}

/** A building in the block's frame, before it is placed in the world. */
export interface Proto {
  rings: Rings;
  floors: number;
  /** Storey height, metres; height = floors × floorHeight + roof. */
  floorHeight: number;
  roof: number;
  use: BuildingUse;
  name: string;
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

function proto(rings: Rings, floors: number, floorHeight: number, use: BuildingUse, name = '', roof = 0): Proto {
  return { rings, floors: Math.max(1, Math.round(floors)), floorHeight, roof, use, name };
}

/** Numbers buildings of a named compound: "建业森林半岛3号楼". */
function numberer(compound: string): () => string {
  let n = 0;
  return () => (compound ? `${compound}${++n}号楼` : '');
}

/** Shops along a street side (沿街商铺); returns the rect left for the compound behind them. */
function streetShops(r: Rect, block: Block, rng: Random, out: Proto[]): Rect {
  const depth = rng.range(12, 16);
  const inner = { ...r };
  const sides: ('s' | 'n')[] = [];
  if (block.sides.s === 'arterial') sides.push('s');
  if (block.sides.n === 'arterial') sides.push('n');
  for (const side of sides) {
    if (inner.y1 - inner.y0 < 90) break;
    const y0 = side === 's' ? inner.y0 : inner.y1 - depth;
    let x = inner.x0 + rng.range(0, 8);
    while (x + 15 < inner.x1) {
      const len = Math.min(rng.range(18, 36), inner.x1 - x);
      if (len < 12) break;
      out.push(proto(rect(x, y0, x + len, y0 + depth), rng.int(2, 3), 4.5, 'commercial'));
      x += len + rng.range(3, 8);
    }
    if (side === 's') inner.y0 += depth + 12;
    else inner.y1 -= depth + 12;
  }
  return inner;
}

/** 行列式 housing: rows of slabs facing south, row spacing growing with height for winter sun. */
function slabRows(r: Rect, rng: Random, minF: number, maxF: number, compound: string, out: Proto[]): void {
  const next = numberer(compound);
  const baseF = rng.int(minF, maxF);
  const depth = rng.range(11, 15);
  let y = r.y0 + rng.range(0, 4);
  while (y + depth <= r.y1) {
    const floors = clamp(baseF + rng.int(-2, 2), minF, maxF);
    const height = floors * 3;
    let x = r.x0 + rng.range(0, 5);
    while (x < r.x1) {
      const len = Math.min(rng.range(36, 78), r.x1 - x);
      if (len < 24) break;
      const core = rng.chance(0.45) && y + depth + 4 <= r.y1;
      const rings = core ? notchedSlab(x, y, x + len, y + depth, Math.max(1, Math.round(len / 25)), 6, 2.5) : rect(x, y, x + len, y + depth);
      out.push(proto(rings, floors, 3, 'residential', next(), rng.range(0, 1.2)));
      x += len + rng.range(10, 18);
    }
    y += depth + clamp(height * 0.85, 14, 55) + rng.range(2, 5);
  }
}

/** Point towers on a grid, with a low clubhouse. */
function towerGrid(r: Rect, rng: Random, compound: string, out: Proto[]): void {
  const next = numberer(compound);
  const size = rng.range(24, 30);
  const pitchX = size + rng.range(22, 32);
  const pitchY = size + rng.range(30, 42);
  const floors = rng.int(24, 33);
  let clubhouse = false;
  for (let y = r.y0; y + size <= r.y1; y += pitchY) {
    for (let x = r.x0; x + size <= r.x1; x += pitchX) {
      if (!clubhouse && rng.chance(0.12)) {
        clubhouse = true;
        out.push(proto(lShape(x, y, x + size, y + size * 0.7, size * 0.4, size * 0.3, rng.int(0, 3)), 2, 4, 'commercial'));
        continue;
      }
      const rings = rng.chance(0.7) ? crossTower(x + size / 2, y + size / 2, size, size * 0.55) : rect(x, y + size * 0.2, x + size, y + size * 0.8);
      out.push(proto(rings, clamp(floors + rng.int(-3, 0), 18, 33), 3, 'residential', next(), rng.range(1, 2)));
    }
  }
}

/** Older danwei housing: 5–7 floor walk-ups, the odd courtyard block and sheds. */
function oldHousing(r: Rect, rng: Random, compound: string, out: Proto[]): void {
  const next = numberer(compound);
  let y = r.y0 + rng.range(0, 4);
  while (y + 10 <= r.y1) {
    const depth = rng.range(10, 12);
    const floors = rng.int(5, 7);
    if (rng.chance(0.15) && y + 48 <= r.y1 && r.x1 - r.x0 > 70) {
      const w = Math.min(rng.range(55, 80), r.x1 - r.x0 - 4);
      const h = rng.range(40, 48);
      const x = r.x0 + rng.range(0, r.x1 - r.x0 - w);
      out.push(proto(rng.chance(0.5) ? courtyard(x, y, x + w, y + h, 11) : uShape(x, y, x + w, y + h, 11, 11, 'n'), floors, 3, 'residential', next()));
      y += h + 16;
      continue;
    }
    let x = r.x0 + rng.range(0, 4);
    while (x < r.x1) {
      const len = Math.min(rng.range(40, 66), r.x1 - x);
      if (len < 20) {
        if (r.x1 - x > 8) out.push(proto(rect(x, y, Math.min(r.x1, x + 10), y + 6), rng.int(1, 2), 3, 'residential'));
        break;
      }
      out.push(proto(rect(x, y, x + len, y + depth), floors, 3, 'residential', next(), 0.8));
      x += len + rng.range(7, 12);
    }
    y += depth + rng.range(15, 19);
    if (y + 6 <= r.y1 && rng.chance(0.35)) {
      // a row of garages and bike sheds between the walk-ups
      const gx = r.x0 + rng.range(0, 20);
      out.push(proto(rect(gx, y - 11, Math.min(r.x1, gx + rng.range(15, 30)), y - 5), 1, 3, 'residential'));
    }
  }
}

/** Commercial core: lots with a podium and a tower, or mid-rise offices. */
function cbdLots(r: Rect, rng: Random, out: Proto[]): void {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  const nx = Math.max(1, Math.round(w / rng.range(70, 100)));
  const ny = Math.max(1, Math.round(h / rng.range(70, 100)));
  const lw = w / nx;
  const lh = h / ny;
  for (let a = 0; a < nx; a++) {
    for (let b = 0; b < ny; b++) {
      const x0 = r.x0 + a * lw + 5;
      const y0 = r.y0 + b * lh + 5;
      const x1 = x0 + lw - 10;
      const y1 = y0 + lh - 10;
      if (x1 - x0 < 20 || y1 - y0 < 20) continue;
      if (rng.chance(0.7) && x1 - x0 > 40 && y1 - y0 > 40) {
        const podium = rng.chance(0.4) ? lShape(x0, y0, x1, y1, (x1 - x0) * 0.35, (y1 - y0) * 0.35, rng.int(0, 3)) : rect(x0, y0, x1, y1);
        out.push(proto(podium, rng.int(3, 5), 4.5, 'commercial'));
        const tw = Math.min(rng.range(28, 40), (x1 - x0) * 0.55);
        const th = Math.min(rng.range(24, 36), (y1 - y0) * 0.55);
        const cx = (x0 + x1) / 2 - ((x1 - x0) * 0.1);
        const cy = (y0 + y1) / 2 - ((y1 - y0) * 0.1);
        const tower = rng.chance(0.5) ? octagon(cx, cy, tw, th, Math.min(tw, th) * 0.18) : rect(cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2);
        out.push(proto(tower, 18 + Math.floor(19 * rng.next() ** 2), 3.8, rng.chance(0.6) ? 'office' : 'commercial', '', rng.range(2, 6)));
      } else {
        const shape = rng.chance(0.5) ? lShape(x0, y0, x1, y1, (x1 - x0) * 0.5, (y1 - y0) * 0.45, rng.int(0, 3)) : rect(x0, y0, x1, y1);
        out.push(proto(shape, rng.int(6, 16), 4, 'office', '', 1));
      }
    }
  }
}

function factoryBlock(r: Rect, rng: Random, factory: string, out: Proto[]): void {
  let first = true;
  let y = r.y0;
  while (y + 25 <= r.y1) {
    const lh = Math.min(rng.range(45, 90), r.y1 - y);
    let x = r.x0;
    while (x + 25 <= r.x1) {
      const lw = Math.min(rng.range(60, 140), r.x1 - x);
      if (lw < 25) break;
      if (rng.chance(0.85)) {
        const shape = rng.chance(0.25) ? lShape(x, y, x + lw, y + lh, lw * 0.4, lh * 0.4, rng.int(0, 3)) : rect(x, y, x + lw, y + lh);
        out.push(proto(shape, rng.int(1, 3), 5, 'industrial', first && factory ? `${factory}主厂房` : ''));
        first = false;
      }
      x += lw + rng.range(12, 20);
    }
    y += lh + rng.range(12, 20);
  }
  if (out.length > 0 && r.x1 - r.x0 > 40) {
    out.push(proto(rect(r.x0, r.y1 - 14, r.x0 + 36, r.y1), rng.int(3, 5), 3.5, 'industrial', factory ? `${factory}办公楼` : ''));
  }
}

/** A village (城中村): small 1–3 floor houses packed along narrow lanes. */
function village(r: Rect, rng: Random, out: Proto[]): void {
  let y = r.y0 + rng.range(0, 3);
  let row = 0;
  while (y + 8 <= r.y1) {
    const depth = rng.range(9, 13);
    let x = r.x0 + rng.range(0, 3);
    let inRow = 0;
    while (x + 7 <= r.x1) {
      const w = Math.min(rng.range(8, 12), r.x1 - x);
      if (w < 7) break;
      const d = Math.min(depth, r.y1 - y);
      if (!rng.chance(0.08) && d >= 7) {
        const shape = rng.chance(0.25) ? lShape(x, y, x + w, y + d, w * 0.45, d * 0.4, rng.int(0, 3)) : rect(x, y, x + w, y + d);
        const f = rng.next();
        out.push(proto(shape, f < 0.3 ? 1 : f < 0.78 ? 2 : 3, 3, 'residential', '', rng.range(0, 0.8)));
      }
      inRow++;
      x += w + (inRow % rng.int(5, 8) === 0 ? 5 : rng.range(1.5, 3));
    }
    row++;
    y += depth + (row % 3 === 0 ? 7 : rng.range(4, 6));
  }
}

/** Splits a rect at fraction t along x: [west, east] with a gap between. */
function splitX(r: Rect, width: number, gap: number): [Rect, Rect] {
  const cut = Math.min(r.x1, r.x0 + width);
  return [{ ...r, x1: cut }, { ...r, x0: cut + gap }];
}

function school(r: Rect, rng: Random, name: string, out: Proto[]): void {
  let rest = r;
  if (r.x1 - r.x0 > 240 && r.y1 - r.y0 > 110) rest = splitX(r, 180, 10)[1]; // the sports ground
  const w = rest.x1 - rest.x0;
  const h = rest.y1 - rest.y0;
  const x0 = rest.x0;
  const y0 = rest.y0;
  const tw = Math.min(72, w - 4);
  const teach = rng.chance(0.5) ? uShape(x0, y0, x0 + tw, y0 + Math.min(50, h * 0.5), 16, 16, 'n') : lShape(x0, y0, x0 + tw, y0 + Math.min(50, h * 0.5), tw - 18, Math.min(50, h * 0.5) - 16, 0);
  out.push(proto(teach, 5, 3.8, 'school', `${name}教学楼`));
  if (h > 90) out.push(proto(rect(x0, y0 + h * 0.5 + 15, x0 + Math.min(60, w - 4), y0 + h * 0.5 + 31), 5, 3.8, 'school', `${name}实验楼`));
  if (w > tw + 40) {
    const gx = x0 + tw + 15;
    out.push(proto(rect(gx, y0, Math.min(rest.x1, gx + 40), y0 + 28), 2, 4.5, 'school', `${name}体育馆`));
    if (h > 80) out.push(proto(rect(gx, y0 + 45, Math.min(rest.x1, gx + 55), y0 + 60), 6, 3, 'school', `${name}宿舍楼`));
  }
}

function hospital(r: Rect, rng: Random, name: string, out: Proto[]): void {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  const ow = Math.min(90, w * 0.6);
  const oh = Math.min(60, h * 0.45);
  out.push(proto(lShape(r.x0, r.y0, r.x0 + ow, r.y0 + oh, ow * 0.55, oh * 0.5, 0), 4, 4.5, 'hospital', `${name}门诊楼`));
  const iw = Math.min(70, w - 10);
  const iy = r.y0 + oh + 20;
  if (iy + 24 <= r.y1) out.push(proto(octagon(r.x0 + iw / 2, iy + 12, iw, 24, 4), rng.int(16, 24), 3.8, 'hospital', `${name}住院部`, 4));
  if (w - ow > 45) out.push(proto(rect(r.x0 + ow + 15, r.y0, Math.min(r.x1, r.x0 + ow + 60), r.y0 + 30), 6, 4.2, 'hospital', `${name}医技楼`));
  if (w - ow > 45 && h > 90) out.push(proto(rect(r.x0 + ow + 15, r.y0 + 50, Math.min(r.x1, r.x0 + ow + 40), r.y0 + 65), 3, 3.5, 'hospital'));
}

function fitted(r: Rect, w: number, h: number): Rect {
  const cx = (r.x0 + r.x1) / 2;
  const cy = (r.y0 + r.y1) / 2;
  const hw = Math.min(w, r.x1 - r.x0) / 2;
  const hh = Math.min(h, r.y1 - r.y0) / 2;
  return { x0: cx - hw, y0: cy - hh, x1: cx + hw, y1: cy + hh };
}

/** Lays out one block's buildings in its local frame. */
export function layoutBlock(block: Block, zone: Zone, rng: Random): Proto[] {
  const out: Proto[] = [];
  const r: Rect = { x0: -block.halfW, y0: -block.halfH, x1: block.halfW, y1: block.halfH };
  const name = zone.name.zh;
  switch (zone.kind) {
    case 'highres':
      slabRows(streetShops(r, block, rng, out), rng, 11, 33, name, out);
      break;
    case 'midres':
      slabRows(streetShops(r, block, rng, out), rng, 6, 11, name, out);
      break;
    case 'towers':
      towerGrid(streetShops(r, block, rng, out), rng, name, out);
      break;
    case 'oldres':
      oldHousing(streetShops(r, block, rng, out), rng, name, out);
      break;
    case 'cbd':
      cbdLots(r, rng, out);
      break;
    case 'industrial':
      factoryBlock(r, rng, name, out);
      break;
    case 'village':
      village(r, rng, out);
      break;
    case 'school':
      school(r, rng, name, out);
      break;
    case 'hospital':
      hospital(r, rng, name, out);
      break;
    case 'landmark': {
      const [lot, rest] = splitX(r, Math.min(170, (r.x1 - r.x0) * 0.65), 15);
      const p = fitted(lot, 150, 120);
      out.push(proto(lShape(p.x0, p.y0, p.x1, p.y1, (p.x1 - p.x0) * 0.3, (p.y1 - p.y0) * 0.3, 1), 5, 5, 'commercial', `${name}裙楼`));
      const floors = zone.floors ?? 40;
      const side = Math.min(46, (p.x1 - p.x0) * 0.45, (p.y1 - p.y0) * 0.45);
      out.push(proto(octagon(p.x1 - side / 2 - 8, (p.y0 + p.y1) / 2, side, side, side * 0.2), floors, (zone.heightM ?? floors * 4) / floors, zone.use ?? 'office', name));
      if (rest.x1 - rest.x0 > 30) cbdLots(rest, rng, out);
      break;
    }
    case 'stadium': {
      const [west, east] = splitX(r, Math.min(240, (r.x1 - r.x0) * 0.6), 15);
      const f = fitted(west, 230, 170);
      const cx = (f.x0 + f.x1) / 2;
      const cy = (f.y0 + f.y1) / 2;
      out.push(proto(stadiumRing(cx, cy, (f.x1 - f.x0) / 2, (f.y1 - f.y0) / 2, Math.min(28, (f.y1 - f.y0) / 5)), 8, 4.5, 'public', `${name}体育场`));
      if (east.x1 - east.x0 > 40) {
        const g = fitted(east, 90, 70);
        out.push(proto(octagon((g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2, g.x1 - g.x0, g.y1 - g.y0, 12), 6, 4.5, 'public', `${name}体育馆`));
      }
      break;
    }
    case 'government': {
      const g = fitted(r, 130, 70);
      out.push(proto(uShape(g.x0, g.y1 - 60 > g.y0 ? g.y1 - 60 : g.y0, g.x1, g.y1, 22, 22, 's'), 12, 3.6, 'public', name, 3));
      if (r.x1 - g.x1 > 30) out.push(proto(rect(g.x1 + 12, g.y0, Math.min(r.x1, g.x1 + 30), g.y1), 8, 3.6, 'public', `${name}东楼`));
      if (g.x0 - r.x0 > 30) out.push(proto(rect(Math.max(r.x0, g.x0 - 30), g.y0, g.x0 - 12, g.y1), 8, 3.6, 'public', `${name}西楼`));
      break;
    }
    case 'library': {
      const g = fitted(r, 90, 80);
      out.push(proto(courtyard(g.x0, g.y0, g.x1, g.y1, Math.min(22, (g.x1 - g.x0) / 4)), 6, 4.5, 'public', name));
      break;
    }
    case 'museum': {
      const g = fitted(r, 100, 70);
      out.push(proto(octagon((g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2, g.x1 - g.x0, g.y1 - g.y0, 14), 4, 5, 'public', name, 2));
      break;
    }
    case 'fire':
    case 'police': {
      const [station, rest] = splitX(r, Math.min(60, (r.x1 - r.x0) * 0.45), 12);
      const s = fitted({ ...station, y1: station.y0 + 40 }, 50, 40);
      out.push(proto(lShape(s.x0, s.y0, s.x1, s.y1, (s.x1 - s.x0) * 0.45, (s.y1 - s.y0) * 0.5, 0), 4, 3.6, 'public', name));
      if (zone.kind === 'fire' && station.y1 - s.y1 > 20) out.push(proto(rect(s.x0, s.y1 + 8, s.x0 + 7, s.y1 + 14), 7, 3.5, 'public', `${name}训练塔`));
      if (rest.x1 - rest.x0 > 30) slabRows(rest, rng, 6, 11, '', out);
      break;
    }
    case 'forest':
    case 'park':
    case 'none':
      break;
  }
  return out;
}
