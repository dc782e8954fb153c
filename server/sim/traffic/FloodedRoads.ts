import { CLOSED_DEPTH_M, IMPASSABLE_DEPTH_M, SLOW_DEPTH_M } from '../../protocol/FloodSummary.ts';
import type { LinkWater } from '../outputs.ts';
import { WATER_CLOSED, WATER_DRY, WATER_IMPASSABLE, WATER_SLOW, type Rerouting } from './Rerouting.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';

/** A state falls back only once the water is this much below its threshold, so a link does not flicker. */
const HYSTERESIS_M = 0.02;
/** Vehicles still on a link that closed creep off it at this speed, m/s. */
const CREEP_SPEED = 5 / 3.6;

/**
 * Speed a car keeps through standing water `depthM` deep, m/s: Pregnolato et al. (2017),
 * Transportation Research Part D 55, the depth–disruption curve
 * v = 0.0009 w² − 0.5529 w + 86.9448 km/h for w in mm (0 from about 294 mm); never below a creep.
 */
export function speedInWaterMs(depthM: number): number {
  const w = Math.min(depthM * 1000, 294);
  const kmh = 0.0009 * w * w - 0.5529 * w + 86.9448;
  return Math.max(CREEP_SPEED, kmh / 3.6);
}

function stateOf(depthM: number, before: number): number {
  const lower = (threshold: number, state: number): boolean => depthM >= threshold - (before >= state ? HYSTERESIS_M : 0);
  if (lower(IMPASSABLE_DEPTH_M, WATER_IMPASSABLE)) return WATER_IMPASSABLE;
  if (lower(CLOSED_DEPTH_M, WATER_CLOSED)) return WATER_CLOSED;
  if (lower(SLOW_DEPTH_M, WATER_SLOW)) return WATER_SLOW;
  return WATER_DRY;
}

/**
 * Roads under water (the flood engine's `flood.roads`): each time the depths are new, every link's
 * water state and speed cap are set on the rerouting, which takes barred links out of the routes of
 * the vehicles they bar (the closure mechanism) and lets them back when the water falls.
 */
export class FloodedRoads {
  private lastSimTimeMs = -1;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly rerouting: Rerouting,
  ) {}

  apply(water: LinkWater | undefined): void {
    if (!water || water.simTimeMs === this.lastSimTimeMs) return;
    this.lastSimTimeMs = water.simTimeMs;
    const r = this.rerouting;
    const n = Math.min(this.net.linkCount, water.depthM.length);
    let flagged: Uint8Array | undefined;
    for (let k = 0; k < n; k++) {
      const depth = water.depthM[k];
      const before = r.water[k];
      const state = stateOf(depth, before);
      if (state === before && state === WATER_DRY) continue;
      if (r.setWater(k, state, state === WATER_DRY ? Infinity : speedInWaterMs(depth))) (flagged ??= new Uint8Array(this.net.linkCount))[k] = 1;
    }
    // One pass over the vehicles for every link the water newly bars: a storm closes hundreds at once.
    if (flagged) r.rerouteOff(flagged);
  }

  /** The last depths' time (snapshots). */
  get seen(): number {
    return this.lastSimTimeMs;
  }

  set seen(simTimeMs: number) {
    this.lastSimTimeMs = simTimeMs;
  }
}
