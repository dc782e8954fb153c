import type { LinkState } from '../../protocol/LinkState.ts';
import type { EngineSnapshot } from '../Engine.ts';
import type { Rng } from '../random.ts';
import type { BusLines } from './BusLines.ts';
import type { Departures, SpecialEvent } from './Departures.ts';
import type { Driving } from './Driving.ts';
import type { FloodedRoads } from './FloodedRoads.ts';
import type { LinkActivityMeter } from './LinkActivityMeter.ts';
import type { LinkFigures } from './LinkFigures.ts';
import type { Rerouting } from './Rerouting.ts';
import type { SignalPlans } from './SignalPlans.ts';
import type { TaggedTrips, TaggedTripsSnapshot } from './TaggedTrips.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type DriversSnapshot, type VehicleStore } from './VehicleStore.ts';

interface TrafficSnapshotData {
  version: 1;
  dynT: number;
  stepNo: number;
  nextId: number;
  rng: number;
  counters: Float64Array;
  carry: Float64Array;
  demandScale: number;
  closedLanes: Uint8Array;
  closedUntil: Float64Array;
  signals: { cycle: Float32Array; green: Float32Array };
  speedEma: Float32Array;
  flowEma: Float32Array;
  exits: Float32Array;
  linkCount: Float32Array;
  linkSpeedSum: Float32Array;
  cost: Float32Array;
  delayed: Uint8Array;
  water: Uint8Array;
  waterSpeed: Float32Array;
  emergencyCost: Float32Array;
  floodSeen: number;
  tagged: TaggedTripsSnapshot;
  lastEntry: Float64Array;
  linkState: LinkState;
  activity: ReturnType<LinkActivityMeter['snapshot']>;
  events: SpecialEvent[];
  busNext: Float64Array;
  vehicles: {
    id: Uint32Array;
    kind: Uint8Array;
    flags: Uint8Array;
    lane: Int32Array;
    pos: Float64Array;
    speed: Float32Array;
    acc: Float32Array;
    factor: Float32Array;
    step: Int32Array;
    destPos: Float32Array;
    depart: Float64Array;
    wait: Float32Array;
    stopPos: Float32Array;
    dwell: Float32Array;
    busLine: Int16Array;
    tag: Int32Array;
    routeStart: Int32Array;
    routes: Int32Array;
  };
  pending: { origin: Int32Array; dest: Int32Array; kind: Uint8Array; tries: Uint8Array; tag: Int32Array };
  drivers: DriversSnapshot;
}

/** The parts of a traffic engine whose state a snapshot holds. */
export interface TrafficParts {
  net: TrafficNetwork;
  rng: Rng;
  store: VehicleStore;
  departures: Departures;
  buses: BusLines;
  rerouting: Rerouting;
  signals: SignalPlans;
  figures: LinkFigures;
  driving: Driving;
  flooded: FloodedRoads;
  tagged: TaggedTrips;
}

/**
 * Snapshots of a traffic engine as plain data: the live vehicles in id order (routes packed into
 * one array), the waiting trips, and every link, node and signal figure that later steps read.
 * A restored engine continues exactly like the original.
 */
export class TrafficSnapshots {
  constructor(private readonly parts: TrafficParts) {}

  /** A copy of the state, with the dynamics clock (time dynT seconds, step stepNo). */
  take(dynT: number, stepNo: number): EngineSnapshot {
    const { rng, store: st, departures: dep, buses, rerouting, signals, figures, driving, flooded, tagged } = this.parts;
    const ids: number[] = [];
    for (let a = 0; a < st.activeCount; a++) if (st.vAlive[st.active[a]]) ids.push(st.active[a]);
    const n = ids.length;
    const take = <T extends Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Int16Array>(src: T, make: (n: number) => T): T => {
      const out = make(n);
      ids.forEach((i, j) => (out[j] = src[i]));
      return out;
    };
    let routeLen = 0;
    for (const i of ids) routeLen += (st.routes[i] as Int32Array).length;
    const routeStart = new Int32Array(n + 1);
    const routes = new Int32Array(routeLen);
    let r = 0;
    ids.forEach((i, j) => {
      routeStart[j] = r;
      routes.set(st.routes[i] as Int32Array, r);
      r += (st.routes[i] as Int32Array).length;
    });
    routeStart[n] = r;
    const snap: TrafficSnapshotData = {
      version: 1,
      dynT,
      stepNo,
      nextId: st.nextId,
      rng: rng.getState(),
      counters: st.counters.slice(),
      carry: dep.carry.slice(),
      demandScale: dep.demandScale,
      closedLanes: rerouting.closedLanes.slice(),
      closedUntil: rerouting.closedUntil.slice(),
      signals: signals.save(),
      speedEma: figures.speedEma.slice(),
      flowEma: figures.flowEma.slice(),
      exits: figures.exits.slice(),
      linkCount: figures.linkCount.slice(),
      linkSpeedSum: figures.linkSpeedSum.slice(),
      cost: rerouting.cost.slice(),
      delayed: rerouting.delayed.slice(),
      water: rerouting.water.slice(),
      waterSpeed: rerouting.waterSpeed.slice(),
      emergencyCost: rerouting.emergencyCost.slice(),
      floodSeen: flooded.seen,
      tagged: tagged.snapshot(),
      lastEntry: driving.lastEntry.slice(),
      linkState: copyLinkState(figures.linkState),
      activity: figures.activity.snapshot(),
      events: dep.events.map((e) => ({ ...e })),
      busNext: buses.next.slice(),
      vehicles: {
        id: take(st.vId, (m) => new Uint32Array(m)),
        kind: take(st.vKind, (m) => new Uint8Array(m)),
        flags: take(st.vFlags, (m) => new Uint8Array(m)),
        lane: take(st.vLane, (m) => new Int32Array(m)),
        pos: take(st.vPos, (m) => new Float64Array(m)),
        speed: take(st.vSpeed, (m) => new Float32Array(m)),
        acc: take(st.vAcc, (m) => new Float32Array(m)),
        factor: take(st.vFactor, (m) => new Float32Array(m)),
        step: take(st.vStep, (m) => new Int32Array(m)),
        destPos: take(st.vDestPos, (m) => new Float32Array(m)),
        depart: take(st.vDepart, (m) => new Float64Array(m)),
        wait: take(st.vWait, (m) => new Float32Array(m)),
        stopPos: take(st.vStopPos, (m) => new Float32Array(m)),
        dwell: take(st.vDwell, (m) => new Float32Array(m)),
        busLine: take(st.vBusLine, (m) => new Int16Array(m)),
        tag: take(st.vTag, (m) => new Int32Array(m)),
        routeStart,
        routes,
      },
      drivers: st.saveDrivers(ids),
      pending: {
        origin: dep.pendOrigin.slice(0, dep.pendCount),
        dest: dep.pendDest.slice(0, dep.pendCount),
        kind: dep.pendKind.slice(0, dep.pendCount),
        tries: dep.pendTries.slice(0, dep.pendCount),
        tag: dep.pendTag.slice(0, dep.pendCount),
      },
    };
    return snap;
  }

  /** Restores a snapshot taken by `take` in the same run; returns the dynamics clock saved with it. */
  restore(snapshot: EngineSnapshot): { dynT: number; stepNo: number } {
    const s = snapshot as TrafficSnapshotData;
    const { net, rng, store: st, departures: dep, buses, rerouting, signals, figures, driving, flooded, tagged } = this.parts;
    st.nextId = s.nextId;
    rng.setState(s.rng);
    st.counters.set(s.counters);
    dep.carry.set(s.carry);
    dep.demandScale = s.demandScale;
    rerouting.closedLanes.set(s.closedLanes);
    rerouting.closedUntil.set(s.closedUntil);
    signals.restore(s.signals);
    figures.speedEma.set(s.speedEma);
    figures.flowEma.set(s.flowEma);
    figures.exits.set(s.exits);
    rerouting.cost.set(s.cost);
    rerouting.delayed.set(s.delayed);
    rerouting.water.set(s.water);
    rerouting.waterSpeed.set(s.waterSpeed);
    rerouting.emergencyCost.set(s.emergencyCost);
    flooded.seen = s.floodSeen;
    tagged.restore(s.tagged);
    st.tagArrivals.length = 0;
    dep.tagFailures.length = 0;
    dep.tagDepartures.length = 0;
    driving.lastEntry.set(s.lastEntry);
    figures.linkState = copyLinkState(s.linkState);
    figures.activity.restore(s.activity);
    dep.events = s.events.map((e) => ({ ...e }));
    buses.next.set(s.busNext);
    const v = s.vehicles;
    const n = v.id.length;
    if (n > st.cap) throw new Error(`TrafficEngine: snapshot of ${n} vehicles does not fit ${st.cap}`);
    st.vAlive.fill(0);
    st.routes.fill(null);
    st.laneHead.fill(NO);
    st.laneTail.fill(NO);
    for (let j = 0; j < n; j++) {
      const i = j;
      st.vId[i] = v.id[j];
      st.vKind[i] = v.kind[j];
      st.vFlags[i] = v.flags[j];
      st.vLane[i] = v.lane[j];
      st.vLink[i] = net.laneLink[v.lane[j]];
      st.vPos[i] = v.pos[j];
      st.vSpeed[i] = v.speed[j];
      st.vAcc[i] = v.acc[j];
      st.vFactor[i] = v.factor[j];
      st.vDepart[i] = v.depart[j];
      st.vWait[i] = v.wait[j];
      st.vBusLine[i] = v.busLine[j];
      st.vTag[i] = v.tag[j];
      st.vAlive[i] = 1;
      st.vMoved[i] = 0;
      st.vSeg[i] = net.pointStart[st.vLink[i]];
      st.routes[i] = v.routes.slice(v.routeStart[j], v.routeStart[j + 1]);
      st.vStep[i] = v.step[j];
      rerouting.enterLinkPlan(i);
      st.vDestPos[i] = v.destPos[j];
      st.vStopPos[i] = v.stopPos[j];
      st.vDwell[i] = v.dwell[j];
      st.active[j] = i;
    }
    st.restoreDrivers(s.drivers);
    st.activeCount = n;
    st.releasedCount = 0;
    st.freeCount = 0;
    for (let i = st.cap - 1; i >= n; i--) st.free[st.freeCount++] = i;
    // Rebuild the lanes: front (largest position) first.
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => st.vLane[a] - st.vLane[b] || st.vPos[b] - st.vPos[a]);
    for (const i of order) st.appendTail(i, st.vLane[i]);
    const pend = s.pending;
    dep.pendCount = pend.origin.length;
    dep.pendOrigin.set(pend.origin);
    dep.pendDest.set(pend.dest);
    dep.pendKind.set(pend.kind);
    dep.pendTries.set(pend.tries);
    dep.pendTag.set(pend.tag);
    figures.linkCount.set(s.linkCount);
    figures.linkSpeedSum.set(s.linkSpeedSum);
    return { dynT: s.dynT, stepNo: s.stepNo };
  }
}

function copyLinkState(s: LinkState): LinkState {
  return {
    count: s.count,
    speed: s.speed.slice(),
    density: s.density.slice(),
    flow: s.flow.slice(),
    queue: s.queue.slice(),
    index: s.index.slice(),
    closedLanes: s.closedLanes.slice(),
  };
}
