import type { Building } from '../../city/CityModel.ts';

/**
 * How a building fire grows, for drills (assumptions of the model, with the sources they lean on):
 * - Each burning floor grows as a "fast" t² fire, HRR = α t², α = 0.0469 kW/s² (SFPE Handbook's
 *   t-squared design fires, NFPA 72 annex), until fully developed at FLOOR_PEAK_KW (a flat's
 *   ventilation-limited fire is of the order of 5–10 MW).
 * - The fire climbs the façade: the floor above catches FLOOR_SPREAD_S after the floor below was
 *   fully developed (external flame spread through windows, of the order of 10–20 min a floor in
 *   high-rise fires).
 * - Suppression begins SET_UP_S after the second fire engine is on the scene; from then no floor
 *   catches and each floor's HRR decays with time constant DECAY_S; below CONTAINED_KW the fire is
 *   contained.
 * - Smoke: the fuel burnt is HRR / 20 kJ/g (a mixed residential fuel load's heat of combustion);
 *   PM2.5 and CO are produced at yields of 0.04 and 0.06 g/g (SFPE Handbook yields for wood and common
 *   polymers, soot 0.015–0.1, CO 0.004–0.2 under poor ventilation).
 */
export const FIRE_GROWTH = {
  alphaKwPerS2: 0.0469,
  floorPeakKw: 8000,
  floorSpreadS: 12 * 60,
  setUpS: 5 * 60,
  decayS: 10 * 60,
  containedKw: 300,
  heatOfCombustionKjPerG: 20,
  pm25Yield: 0.04,
  coYield: 0.06,
  /** A neighbour catches only while the fire gives at least this much. */
  spreadMinKw: 5000,
  /** Footprints closer than this, m, with the neighbour downwind (within 60° of the wind's heading). */
  spreadDistanceM: 8,
  /** Chance a minute that a neighbour in reach catches. */
  spreadChancePerMin: 0.05,
} as const;

export interface FireState {
  floors: number;
  /** Sim ms each floor (1-based index − 1) caught fire, or -1. */
  caughtAtMs: number[];
  /** Sim ms each floor was fully developed, or -1. */
  peakAtMs: number[];
  /** When suppression began, or -1. */
  suppressedAtMs: number;
  /** HRR of each floor when suppression began, kW. */
  hrrAtSuppression: number[];
  containedAtMs: number;
}

export function igniteFire(building: Building, floor: number, nowMs: number): FireState {
  const caughtAtMs = new Array<number>(building.floors).fill(-1);
  caughtAtMs[floor - 1] = nowMs;
  return { floors: building.floors, caughtAtMs, peakAtMs: new Array<number>(building.floors).fill(-1), suppressedAtMs: -1, hrrAtSuppression: [], containedAtMs: -1 };
}

/** A floor's HRR at time t (before suppression), kW. */
function growth(caughtAtMs: number, tMs: number): number {
  if (caughtAtMs < 0 || tMs < caughtAtMs) return 0;
  const s = (tMs - caughtAtMs) / 1000;
  return Math.min(FIRE_GROWTH.floorPeakKw, FIRE_GROWTH.alphaKwPerS2 * s * s);
}

/** Each floor's heat release rate now, kW. */
export function floorHrr(f: FireState, tMs: number): number[] {
  return f.caughtAtMs.map((caught, i) => {
    if (f.suppressedAtMs < 0 || tMs <= f.suppressedAtMs) return growth(caught, tMs);
    const at = f.hrrAtSuppression[i] ?? 0;
    return at * Math.exp(-(tMs - f.suppressedAtMs) / 1000 / FIRE_GROWTH.decayS);
  });
}

export function totalHrr(f: FireState, tMs: number): number {
  return floorHrr(f, tMs).reduce((a, b) => a + b, 0);
}

/** Floors burning now (HRR above the contained level), 1-based. */
export function burningFloors(f: FireState, tMs: number): number[] {
  const out: number[] = [];
  floorHrr(f, tMs).forEach((h, i) => {
    if (h > FIRE_GROWTH.containedKw / 4) out.push(i + 1);
  });
  return out;
}

/**
 * Advances the fire to time t: floors reach their peak, the fire climbs, suppression starts once
 * `suppressFromMs` is reached (≥ 0), and the fire is contained when small enough.
 */
export function advanceFire(f: FireState, tMs: number, suppressFromMs: number): void {
  if (f.containedAtMs >= 0) return;
  if (f.suppressedAtMs < 0 && suppressFromMs >= 0 && tMs >= suppressFromMs) {
    f.suppressedAtMs = suppressFromMs;
    f.hrrAtSuppression = f.caughtAtMs.map((c) => growth(c, suppressFromMs));
  }
  if (f.suppressedAtMs < 0) {
    const peakAfterMs = Math.sqrt(FIRE_GROWTH.floorPeakKw / FIRE_GROWTH.alphaKwPerS2) * 1000;
    for (let i = 0; i < f.floors; i++) {
      if (f.caughtAtMs[i] >= 0 && f.peakAtMs[i] < 0 && tMs >= f.caughtAtMs[i] + peakAfterMs) f.peakAtMs[i] = f.caughtAtMs[i] + peakAfterMs;
      if (f.peakAtMs[i] >= 0 && i + 1 < f.floors && f.caughtAtMs[i + 1] < 0 && tMs >= f.peakAtMs[i] + FIRE_GROWTH.floorSpreadS * 1000) {
        f.caughtAtMs[i + 1] = f.peakAtMs[i] + FIRE_GROWTH.floorSpreadS * 1000;
      }
    }
  } else if (totalHrr(f, tMs) < FIRE_GROWTH.containedKw) {
    f.containedAtMs = tMs;
  }
}

/** Smoke from a fire of `hrrKw`: PM2.5 and CO, g/s. */
export function smokeRates(hrrKw: number): { pm25: number; co: number } {
  const fuel = hrrKw / FIRE_GROWTH.heatOfCombustionKjPerG;
  return { pm25: fuel * FIRE_GROWTH.pm25Yield, co: fuel * FIRE_GROWTH.coYield };
}

/** Shortest distance between two footprints' outer rings, m (0 when they touch or overlap at a vertex). */
export function footprintGap(a: Building, b: Building): number {
  const ra = a.footprint[0];
  const rb = b.footprint[0];
  let best = Infinity;
  const pass = (p: readonly number[][], q: readonly number[][]): void => {
    for (const [px, py] of p) {
      for (let j = 0; j < q.length; j++) {
        const [ax, ay] = q[j];
        const [bx, by] = q[(j + 1) % q.length];
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
        best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
      }
    }
  };
  pass(ra, rb);
  pass(rb, ra);
  return best;
}
