import { createLinkState, type LinkState } from '../../protocol/LinkState.ts';
import type { TrafficSummary } from '../../protocol/TrafficSummary.ts';
import { VEHICLE_LENGTH } from './idm.ts';
import { LinkActivityMeter } from './LinkActivityMeter.ts';
import { congestionLevel, linkIndex } from './performanceIndex.ts';
import type { OdPair } from './resolveOdPairs.ts';
import { WATER_CLOSED, WATER_IMPASSABLE, type Rerouting } from './Rerouting.ts';
import type { Router } from './Router.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

/** Link figures are refreshed this often, sim seconds. */
export const SAMPLE_EVERY_S = 5;
/** Smoothing of link speeds and flows (time constant, seconds). */
const SPEED_TAU_S = 90;
const FLOW_TAU_S = 300;

/**
 * What the traffic engine measures on its links and reports: counts and speeds of the vehicles on
 * each link every step, smoothed speeds and flows, the link figures for the map (speed, density,
 * flow, queue, performance index) every 5 s, the vehicle-metres by kind, and the city's summary.
 */
export class LinkFigures {
  /** Smoothed mean speed on each link, m/s, and flow leaving it, vehicles per hour. */
  readonly speedEma: Float32Array;
  readonly flowEma: Float32Array;
  /** Vehicles that left each link since the last sample. */
  readonly exits: Float32Array;
  /** Vehicle-steps on each link since the last sample, and the sum of their speeds. */
  readonly linkCount: Float32Array;
  readonly linkSpeedSum: Float32Array;
  linkState: LinkState;
  readonly activity: LinkActivityMeter;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly dt: number,
    private readonly store: VehicleStore,
    private readonly rerouting: Rerouting,
    private readonly router: Router,
  ) {
    const L = net.linkCount;
    this.speedEma = net.freeSpeed.slice();
    this.flowEma = new Float32Array(L);
    this.exits = new Float32Array(L);
    this.linkCount = new Float32Array(L);
    this.linkSpeedSum = new Float32Array(L);
    this.linkState = createLinkState(L);
    this.activity = new LinkActivityMeter(L);
  }

  /** Every SAMPLE_EVERY_S: smoothed link speeds and flows, and the link figures for the map. */
  sample(): void {
    const net = this.net;
    const span = SAMPLE_EVERY_S;
    const aSpeed = 1 - Math.exp(-span / SPEED_TAU_S);
    const aFlow = 1 - Math.exp(-span / FLOW_TAU_S);
    for (let k = 0; k < net.linkCount; k++) {
      const n = this.linkCount[k];
      const speed = n > 0 ? this.linkSpeedSum[k] / n : net.freeSpeed[k];
      this.speedEma[k] += (speed - this.speedEma[k]) * (n > 0 ? aSpeed : aSpeed * 0.5);
      this.flowEma[k] += ((this.exits[k] * 3600) / span - this.flowEma[k]) * aFlow;
      this.exits[k] = 0;
    }
    this.refreshLinkState();
    this.linkCount.fill(0);
    this.linkSpeedSum.fill(0);
  }

  /** Fills the link figures for the map from the smoothed figures and the queues now. */
  refreshLinkState(): void {
    const net = this.net;
    const st = this.linkState;
    const { vSpeed, vPos, vKind, vFollower, laneHead } = this.store;
    const { closedLanes, freeCost, water } = this.rerouting;
    const steps = Math.max(1, Math.round(SAMPLE_EVERY_S / this.dt));
    for (let k = 0; k < net.linkCount; k++) {
      st.speed[k] = this.speedEma[k];
      st.density[k] = this.linkCount[k] / steps / (net.length[k] / 1000);
      st.flow[k] = this.flowEma[k];
      // A link barred to cars by water shows as closed, like one an operator closed.
      st.closedLanes[k] = water[k] >= WATER_CLOSED ? net.lanes[k] : closedLanes[k];
      // Against the free-flow travel speed: the limit, slowed by the mean red time at the link's end,
      // so an uncongested signalised street reads as free.
      st.index[k] = linkIndex(this.speedEma[k] / (net.length[k] / freeCost[k]));
      // Queue: from the end of the link back over the vehicles standing in its longest lane queue.
      let queue = 0;
      for (let lane = net.laneStart[k]; lane < net.laneStart[k + 1]; lane++) {
        let q = 0;
        for (let i = laneHead[lane]; i !== NO && vSpeed[i] < 2; i = vFollower[i]) q = net.length[k] - vPos[i] + VEHICLE_LENGTH[vKind[i]];
        if (q > queue) queue = q;
      }
      st.queue[k] = Math.min(queue, net.length[k]);
    }
  }

  /** Links closed now, whole or in part, in link order: by an operator (`closed`) or by water on them (`flood`). */
  private closures(): TrafficSummary['closures'] {
    const net = this.net;
    const { closedLanes, water } = this.rerouting;
    const out: TrafficSummary['closures'] = [];
    for (let k = 0; k < net.linkCount; k++) {
      if (closedLanes[k] > 0) out.push({ linkId: net.linkIds[k], name: net.linkNames[k], reason: 'closed', lanes: closedLanes[k], emergencyPass: closedLanes[k] < net.lanes[k] });
      else if (water[k] >= WATER_CLOSED) out.push({ linkId: net.linkIds[k], name: net.linkNames[k], reason: 'flood', lanes: net.lanes[k], emergencyPass: water[k] < WATER_IMPASSABLE });
    }
    return out;
  }

  /** The city's figures at dynamics time dynT (seconds): indices, speeds, totals, the worst links, travel times of the OD pairs. */
  summary(dynT: number, odPairs: readonly OdPair[]): TrafficSummary {
    const net = this.net;
    const st = this.linkState;
    const store = this.store;
    const cost = this.rerouting.cost;
    const districts = net.districtIds.length;
    const wSum = new Float64Array(districts + 1);
    const iSum = new Float64Array(districts + 1);
    const vkm = new Float64Array(net.linkCount);
    for (let k = 0; k < net.linkCount; k++) vkm[k] = st.density[k] * (net.length[k] / 1000) * (net.length[k] / 1000);
    for (let k = 0; k < net.linkCount; k++) {
      const w = vkm[k];
      if (w <= 0) continue;
      wSum[districts] += w;
      iSum[districts] += w * st.index[k];
      const d = net.linkDistrict[k];
      if (d >= 0) {
        wSum[d] += w;
        iSum[d] += w * st.index[k];
      }
    }
    const idx = (d: number): number => round2(wSum[d] > 0 ? Math.min(10, iSum[d] / wSum[d]) : 0);
    let speedSum = 0;
    let vehicles = 0;
    for (let a = 0; a < store.activeCount; a++) {
      const i = store.active[a];
      if (!store.vAlive[i]) continue;
      vehicles++;
      speedSum += store.vSpeed[i];
    }
    const worst: number[] = [];
    for (let k = 0; k < net.linkCount; k++) if (st.density[k] * net.length[k] >= 2000 && st.index[k] >= 4) worst.push(k);
    worst.sort((a, b) => st.index[b] - st.index[a] || a - b);
    const index = idx(districts);
    return {
      simTimeMs: Math.max(0, Math.round(dynT * 1000)),
      index,
      level: congestionLevel(index),
      meanSpeedKmh: round2(vehicles > 0 ? (speedSum / vehicles) * 3.6 : 0),
      vehicles,
      departed: store.counters[0],
      arrived: store.counters[1],
      vehicleHours: round2(store.counters[2] / 3600),
      delayHours: round2(store.counters[3] / 3600),
      districts: net.districtIds.map((id, d) => ({ id, index: idx(d) })),
      odTimes: odTimesOn(this.router, odPairs, cost),
      closures: this.closures(),
      worstLinks: worst.slice(0, 10).map((k) => ({ linkId: net.linkIds[k], name: net.linkNames[k], index: round2(st.index[k]), speedKmh: round2(st.speed[k] * 3.6) })),
    };
  }
}

/**
 * Travel times of the OD pairs on link costs `cost`: from node to node by the fastest open way,
 * whole seconds, or null for a pair that no open way connects (unreachable: a closure or water cut
 * it off). One backward search per destination.
 */
function odTimesOn(router: Router, odPairs: readonly OdPair[], cost: Float32Array): TrafficSummary['odTimes'] {
  const toDestination = new Map<number, Float64Array>();
  return odPairs.map((p) => {
    let times = toDestination.get(p.to);
    if (!times) toDestination.set(p.to, (times = router.timesToNode(p.to, cost)));
    const t = times[p.from];
    return { id: p.id, name: p.name, seconds: t < Infinity ? Math.round(t) : null };
  });
}

/** A figure as reported: two decimals. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
