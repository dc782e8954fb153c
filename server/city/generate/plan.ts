import type { Point2, RoadClass } from '../CityModel.ts';
import type { Box2 } from '../polygon.ts';
import type { Random } from './random.ts';
import { ARTERIAL_NAMES_EW, ARTERIAL_NAMES_NS, STREET_NAMES } from './names.ts';

/**
 * The city's layout before anything is placed: the lines of the road lattice, the smooth warp that
 * bends the lattice into the world, the Zhan River and the Baiguishan Reservoir.
 *
 * The lattice lives in (u, v) metres: north-south lines at constant u, east-west lines as
 * functions v(u) (straight, except the two river roads that follow the meanders). `warp` maps
 * (u, v) to world (x, y) with a near-identity bend so the grid is not perfectly regular.
 */

export interface PlanLine {
  /** Position along the lattice: u for north-south lines, v for straight east-west lines. */
  at: number;
  class: RoadClass;
  name: string;
  lanes: number;
  /** Active range along the line (v for north-south lines, u for east-west lines). */
  min: number;
  max: number;
  /** 0 two-way, 1 one-way towards increasing u or v, -1 the other way. */
  oneWay: 0 | 1 | -1;
  /** East-west lines that follow the river instead of being straight. */
  river?: 'north' | 'south';
}

export interface CityPlan {
  extent: Box2;
  /** North-south lines, west to east. */
  vLines: PlanLine[];
  /** East-west lines, south to north. */
  hLines: PlanLine[];
  warp(u: number, v: number): Point2;
  unwarp(x: number, y: number): Point2;
  /** v of an east-west line at u. */
  lineV(line: PlanLine, u: number): number;
  riverV(u: number): number;
  riverHalfWidth(u: number): number;
  /** Lowest and highest v an east-west line takes over the lattice. */
  lineEnvelope(line: PlanLine): [number, number];
  /** Reservoir shoreline in world metres (counter-clockwise, clipped to the extent). */
  reservoir: Point2[];
}

export const EXTENT: Box2 = { minX: -6000, minY: -4000, maxX: 6000, maxY: 4000 };
/** Distance from the river centre line to each riverside road. */
export const RIVER_ROAD_OFFSET = 150;
const U_MIN = -5750;
const U_MAX = 5750;
const V_MIN = -3750;
const V_MAX = 2900;

interface MainSpec {
  at: number;
  class: RoadClass;
  name: string;
  lanes?: number;
  min?: number;
  max?: number;
  river?: 'north' | 'south';
}

const TAU = Math.PI * 2;

/** Builds the lattice, warp, river and reservoir for one seed. */
export function createPlan(rng: Random): CityPlan {
  const p1 = rng.range(0, TAU);
  const p2 = rng.range(0, TAU);
  const r1 = rng.range(0, TAU);
  const r2 = rng.range(0, TAU);
  const r3 = rng.range(0, TAU);
  const warp = (u: number, v: number): Point2 => [
    u + 30 * Math.sin(v / 1200 + p1) + 0.008 * v,
    v + 25 * Math.sin(u / 1400 + p2) - 0.006 * u,
  ];
  const unwarp = (x: number, y: number): Point2 => {
    let u = x;
    let v = y;
    for (let k = 0; k < 6; k++) {
      u = x - 30 * Math.sin(v / 1200 + p1) - 0.008 * v;
      v = y - 25 * Math.sin(u / 1400 + p2) + 0.006 * u;
    }
    return [u, v];
  };
  const riverV = (u: number): number =>
    -2350 + 170 * Math.sin((TAU * (u + 6000)) / 5600 + r1) + 60 * Math.sin((TAU * u) / 1900 + r2);
  const riverHalfWidth = (u: number): number => 30 + 9 * Math.sin(u / 700 + r3);
  const lineV = (line: PlanLine, u: number): number =>
    line.river === 'north' ? riverV(u) + RIVER_ROAD_OFFSET : line.river === 'south' ? riverV(u) - RIVER_ROAD_OFFSET : line.at;
  const envelopes = new Map<PlanLine, [number, number]>();
  const lineEnvelope = (line: PlanLine): [number, number] => {
    let env = envelopes.get(line);
    if (!env) {
      if (!line.river) env = [line.at, line.at];
      else {
        env = [Infinity, -Infinity];
        for (let u = U_MIN - 300; u <= U_MAX + 300; u += 25) {
          const v = lineV(line, u);
          env = [Math.min(env[0], v), Math.max(env[1], v)];
        }
      }
      envelopes.set(line, env);
    }
    return env;
  };

  const jitter = (spec: MainSpec, amount: number): MainSpec => ({ ...spec, at: spec.at + (spec.class === 'expressway' ? 0 : rng.range(-amount, amount)) });
  const ns = ARTERIAL_NAMES_NS;
  const vMain: MainSpec[] = [
    { at: U_MIN, class: 'expressway', name: '西环快速路' },
    { at: -4800, class: 'arterial', name: ns[0] },
    { at: -3800, class: 'arterial', name: ns[1] },
    { at: -2800, class: 'arterial', name: ns[2] },
    { at: -1800, class: 'arterial', name: ns[3] },
    { at: -800, class: 'arterial', name: ns[4] },
    { at: 200, class: 'arterial', name: ns[5], lanes: 3 },
    { at: 1200, class: 'arterial', name: ns[6], lanes: 3 },
    { at: 2200, class: 'arterial', name: ns[7] },
    { at: 3200, class: 'arterial', name: ns[8] },
    { at: 4200, class: 'arterial', name: ns[9] },
    { at: 5000, class: 'arterial', name: ns[10] },
    { at: U_MAX, class: 'expressway', name: '东环快速路' },
  ].map((s) => jitter(s as MainSpec, 60));
  const ew = ARTERIAL_NAMES_EW;
  const hMain: MainSpec[] = [
    { at: V_MIN, class: 'expressway', name: '南环快速路', min: -3500 },
    { at: -3150, class: 'arterial', name: ew[0] },
    { at: 0, class: 'arterial', name: '湛河南路', river: 'south' },
    { at: 0, class: 'arterial', name: '湛河北路', river: 'north' },
    { at: -1300, class: 'arterial', name: ew[1] },
    { at: -500, class: 'arterial', name: ew[2] },
    { at: 300, class: 'arterial', name: ew[3], lanes: 3 },
    { at: 1150, class: 'arterial', name: ew[4] },
    { at: 2000, class: 'arterial', name: ew[5] },
    { at: V_MAX, class: 'arterial', name: ew[6] },
  ].map((s) => jitter(s as MainSpec, 50));

  const makeLine = (spec: MainSpec, min: number, max: number): PlanLine => ({
    at: spec.at,
    class: spec.class,
    name: spec.name,
    lanes: spec.lanes ?? (spec.class === 'expressway' ? 3 : spec.class === 'arterial' ? 2 : spec.class === 'collector' ? 2 : 1),
    min: spec.min ?? min,
    max: spec.max ?? max,
    oneWay: 0,
    river: spec.river,
  });
  let street = 0;
  const streetName = (suffix: string): string => {
    const name = STREET_NAMES[(street * 7 + Math.floor(rng.next() * 3)) % STREET_NAMES.length] + suffix;
    street++;
    return name;
  };

  /** Fills the gaps between main lines with collectors and locals; denser near the centre. */
  const fill = (mains: MainSpec[], envelope: (s: MainSpec) => [number, number], coreCentre: number, coreRadius: number, lineMin: number, lineMax: number, suffix: string): PlanLine[] => {
    const lines: PlanLine[] = [];
    for (let k = 0; k < mains.length; k++) {
      const main = makeLine(mains[k], lineMin, lineMax);
      lines.push(main);
      if (k === mains.length - 1) break;
      const lo = envelope(mains[k])[1];
      const hi = envelope(mains[k + 1])[0];
      const gaps: [number, number][] = [];
      if (hi - lo > 600) {
        const mid = (lo + hi) / 2 + rng.range(-40, 40);
        gaps.push([lo, mid], [mid, hi]);
      } else gaps.push([lo, hi]);
      for (let g = 0; g < gaps.length; g++) {
        const [a, b] = gaps[g];
        const centre = (a + b) / 2;
        const spacing = Math.abs(centre - coreCentre) < coreRadius ? 150 : 215;
        const pieces = Math.max(1, Math.round((b - a) / spacing));
        for (let n = 1; n < pieces; n++) {
          const at = a + ((b - a) * n) / pieces + rng.range(-0.12, 0.12) * ((b - a) / pieces);
          const line = makeLine({ at, class: 'local', name: streetName(suffix) }, lineMin, lineMax);
          if (rng.chance(0.07)) line.oneWay = rng.chance(0.5) ? 1 : -1;
          lines.push(line);
        }
        if (g === 0 && gaps.length === 2) lines.push(makeLine({ at: gaps[0][1], class: 'collector', name: streetName('路') }, lineMin, lineMax));
      }
    }
    return lines.sort((a, b) => envelopeOf(a)[0] - envelopeOf(b)[0]);
  };
  const envelopeOf = (line: PlanLine): [number, number] => lineEnvelope(line);
  const specEnvelope = (s: MainSpec): [number, number] => (s.river ? lineEnvelope(makeLine(s, 0, 0)) : [s.at, s.at]);

  const vLines = fill(vMain, (s) => [s.at, s.at], 300, 3000, V_MIN, V_MAX, '街');
  const hLines = fill(hMain, specEnvelope, 300, 1600, U_MIN, U_MAX, '路');
  // Locals and collectors thin out on the northern hills.
  for (const line of vLines) {
    if (line.class === 'local') line.max = 2300 + rng.range(0, 600);
  }

  const reservoir: Point2[] = [];
  const q1 = rng.range(0, TAU);
  const q2 = rng.range(0, TAU);
  for (let k = 0; k < 96; k++) {
    const t = (TAU * k) / 96;
    const r = 1 + 0.1 * Math.sin(3 * t + q1) + 0.05 * Math.sin(7 * t + q2);
    reservoir.push([-5150 + 1500 * r * Math.cos(t), -3500 + 850 * r * Math.sin(t)]);
  }

  return { extent: EXTENT, vLines, hLines, warp, unwarp, lineV, riverV, riverHalfWidth, lineEnvelope, reservoir };
}
