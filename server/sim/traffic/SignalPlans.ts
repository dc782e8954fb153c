import type { TrafficNetwork } from './TrafficNetwork.ts';

/** Amber after each green, seconds. */
export const AMBER_S = 3;
/** All-red after each amber, seconds. */
export const ALL_RED_S = 1;
/**
 * Saturation flow per lane, vehicles per hour of green: what the engine delivers for through cars
 * at 50 km/h (measured on a single crossroads, test/server/sim/traffic/calibration.test.ts; HCM
 * 2016's base is 1,900, 1,800 being usual in practice).
 */
export const SATURATION_VPH_PER_LANE = 1840;
const MIN_CYCLE_S = 40;
const MAX_CYCLE_S = 150;
const MIN_GREEN_S = 8;
/** Progression speed of the offsets: a green wave at about 50 km/h running north-east. */
const WAVE_SPEED = 13.9;

export const SignalState = { green: 0, amber: 1, red: 2 } as const;

/**
 * Fixed-time signal plans of every signalised node. Each plan has one phase per approach axis
 * (north–south and east–west, found by clustering the approaches' headings); a phase serves its
 * approaches' through, right and (permitted) left movements. Cycle and green splits follow
 * Webster's method from the approaches' peak demand: critical flow ratio y = demand / saturation
 * flow per phase, cycle C = (1.5 L + 5) / (1 − Y), greens share C − L in proportion to y, where L
 * is the lost time (amber + all-red per phase). Plans can be replaced from scenarios.
 */
export class SignalPlans {
  /** Per node: cycle length (0 for unsignalised nodes), offset, number of phases. */
  readonly cycle: Float32Array;
  readonly offset: Float32Array;
  readonly phases: Uint8Array;
  /** Green seconds of node n's phase p at green[n * 4 + p]. */
  readonly green: Float32Array;
  /** Phase of each link at its end node (-1: not signalised). */
  readonly linkPhase: Int8Array;
  /** State of each link's signal now (SignalState); green where there is no signal. */
  readonly state: Uint8Array;

  constructor(
    private readonly net: TrafficNetwork,
    approachVph: Float32Array,
  ) {
    const n = net.nodeCount;
    this.cycle = new Float32Array(n);
    this.offset = new Float32Array(n);
    this.phases = new Uint8Array(n);
    this.green = new Float32Array(n * 4);
    this.linkPhase = new Int8Array(net.linkCount).fill(-1);
    this.state = new Uint8Array(net.linkCount);
    for (let node = 0; node < n; node++) {
      if (!net.signalised[node]) continue;
      const incoming = Array.from(net.inLinks.subarray(net.inStart[node], net.inStart[node + 1]));
      if (incoming.length < 2) continue;
      const axis = (k: number): number => net.endHeading(k) % Math.PI;
      // Phase 0 serves the axis nearest north–south (as scenarios' greenSplits are given), whatever the links' numbering.
      const offNorth = (k: number): number => Math.min(axis(k), Math.PI - axis(k));
      let ref = incoming[0];
      for (const k of incoming) if (offNorth(k) < offNorth(ref) || (offNorth(k) === offNorth(ref) && axis(k) < axis(ref))) ref = k;
      const a0 = axis(ref);
      let groups = 1;
      for (const k of incoming) {
        let d = Math.abs(axis(k) - a0);
        d = Math.min(d, Math.PI - d);
        this.linkPhase[k] = d < Math.PI / 4 ? 0 : 1;
        if (this.linkPhase[k] === 1) groups = 2;
      }
      if (groups < 2) {
        for (const k of incoming) this.linkPhase[k] = -1;
        continue;
      }
      this.phases[node] = 2;
      const y = [0, 0];
      for (const k of incoming) {
        const ratio = approachVph[k] / (SATURATION_VPH_PER_LANE * net.lanes[k]);
        y[this.linkPhase[k]] = Math.max(y[this.linkPhase[k]], ratio, 0.05);
      }
      const splits = y.map((v) => v / (y[0] + y[1]));
      const lost = 2 * (AMBER_S + ALL_RED_S);
      const Y = Math.min(0.85, y[0] + y[1]);
      const cycle = Math.min(MAX_CYCLE_S, Math.max(MIN_CYCLE_S, Math.round((1.5 * lost + 5) / (1 - Y))));
      this.setPlan(node, cycle, splits);
      this.offset[node] = ((net.nodeX[node] + net.nodeY[node]) / WAVE_SPEED) % cycle;
      if (this.offset[node] < 0) this.offset[node] += cycle;
    }
  }

  /**
   * Sets node's cycle and green splits (fractions of the effective green, one per phase, any
   * positive numbers; normalised). Returns an error message naming the bad value, or null.
   */
  setPlan(node: number, cycleS: number, splits: readonly number[]): string | null {
    const phases = this.phases[node];
    if (phases === 0) return `node ${this.net.nodeIds[node]} has no signal`;
    if (splits.length !== phases) return `greenSplits: node ${this.net.nodeIds[node]} has ${phases} phases, got ${splits.length} splits`;
    const lost = phases * (AMBER_S + ALL_RED_S);
    if (!(cycleS >= lost + phases * MIN_GREEN_S) || cycleS > 300) return `cycleS: ${cycleS} s must be between ${lost + phases * MIN_GREEN_S} and 300`;
    const sum = splits.reduce((a, b) => a + b, 0);
    if (!(sum > 0) || splits.some((s) => !(s > 0))) return `greenSplits: ${JSON.stringify(splits)} must all be positive`;
    this.cycle[node] = cycleS;
    const effective = cycleS - lost - phases * MIN_GREEN_S;
    for (let p = 0; p < phases; p++) this.green[node * 4 + p] = MIN_GREEN_S + (effective * splits[p]) / sum;
    return null;
  }

  /** The plan of a node: cycle seconds and green seconds per phase (empty for no signal). */
  planOf(node: number): { cycleS: number; greensS: number[] } {
    return { cycleS: this.cycle[node], greensS: Array.from(this.green.subarray(node * 4, node * 4 + this.phases[node])) };
  }

  /** Updates `state` of every signalised link for sim time `t` seconds. */
  update(t: number): void {
    const { net, cycle, phases, green, linkPhase, state } = this;
    for (let node = 0; node < net.nodeCount; node++) {
      if (phases[node] === 0) continue;
      let tc = (t + this.offset[node]) % cycle[node];
      let current = 0;
      let light: number = SignalState.red;
      for (let p = 0; p < phases[node]; p++) {
        const g = green[node * 4 + p];
        if (tc < g) {
          current = p;
          light = SignalState.green;
          break;
        }
        if (tc < g + AMBER_S) {
          current = p;
          light = SignalState.amber;
          break;
        }
        tc -= g + AMBER_S + ALL_RED_S;
        if (tc < 0) {
          current = p;
          light = SignalState.red;
          break;
        }
      }
      for (let j = net.inStart[node]; j < net.inStart[node + 1]; j++) {
        const k = net.inLinks[j];
        state[k] = linkPhase[k] === current ? light : SignalState.red;
      }
    }
  }

  /** A copy of the editable part (cycles and greens), for snapshots. */
  save(): { cycle: Float32Array; green: Float32Array } {
    return { cycle: this.cycle.slice(), green: this.green.slice() };
  }

  restore(saved: { cycle: Float32Array; green: Float32Array }): void {
    this.cycle.set(saved.cycle);
    this.green.set(saved.green);
  }
}
