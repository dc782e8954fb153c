import { ObjectFlags, ObjectKind } from '../../protocol/ObjectState.ts';
import type { Rng } from '../random.ts';
import type { BusLines } from './BusLines.ts';
import { drawDriver } from './Drivers.ts';
import { VEHICLE_LENGTH } from './idm.ts';
import { EMERGENCY_SPEED_FACTOR, type Rerouting } from './Rerouting.ts';
import type { Router } from './Router.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import type { TrafficParams } from './trafficParams.ts';
import { dayTypeAt, PURPOSES, type TravelDemand } from './TravelDemand.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

/** A special event's departures: `remaining` vehicles leave zone `zone` at `rate` per second. */
export interface SpecialEvent {
  zone: number;
  remaining: number;
  rate: number;
  carry: number;
}

/**
 * Where vehicles come from: trips drawn from the demand by the hourly profiles, special events and
 * the bus timetables go into a waiting list, and from there onto their first link where there is
 * room, each routed on current travel times. Emergency vehicles start here too.
 */
export class Departures {
  /** Multiplies the demand (the scale_demand inject). */
  demandScale: number;
  /** Fractional trips carried to the next step, by purpose. */
  readonly carry = new Float64Array(PURPOSES.length);
  events: SpecialEvent[] = [];

  // Trips waiting to depart (no room on their first link yet).
  pendOrigin = new Int32Array(0);
  pendDest = new Int32Array(0);
  pendKind = new Uint8Array(0);
  pendTries = new Uint8Array(0);
  /** The trip's tag (TaggedTrips), or -1. */
  pendTag = new Int32Array(0);
  pendCount = 0;
  /** Tags of tagged trips given up since TaggedTrips last took them (no way, or no room in time). */
  tagFailures: number[] = [];
  /** Tags of tagged trips that set off since TaggedTrips last took them. */
  tagDepartures: number[] = [];

  /** Hour of the day at sim time 0, Asia/Shanghai. */
  private readonly startHour: number;

  // The place findRoom found, for place.
  private roomLane = 0;
  private roomPos = 0;
  private roomLeader = NO;
  private roomFollower = NO;

  constructor(
    private readonly net: TrafficNetwork,
    private readonly demand: TravelDemand,
    private readonly router: Router,
    private readonly rng: Rng,
    private readonly params: TrafficParams,
    private readonly dt: number,
    /** Epoch milliseconds of sim time 0: the hour and the kind of day (weekday, weekend) the demand follows. */
    private readonly startEpochMs: number,
    private readonly store: VehicleStore,
    private readonly rerouting: Rerouting,
    private readonly buses: BusLines,
  ) {
    this.startHour = (((startEpochMs / 3_600_000 + 8) % 24) + 24) % 24;
    this.demandScale = params.demandScale;
    this.allocatePending(params.maxVehicles);
  }

  /** Empties the waiting list, with room for a network of `cap` vehicles. */
  allocatePending(cap: number): void {
    const pend = Math.max(1024, cap >> 2);
    this.pendOrigin = new Int32Array(pend);
    this.pendDest = new Int32Array(pend);
    this.pendKind = new Uint8Array(pend);
    this.pendTries = new Uint8Array(pend);
    this.pendTag = new Int32Array(pend);
    this.pendCount = 0;
  }

  /**
   * Peak-hour demand on each link, for the signal plans: the morning peak's trips between zone
   * pairs (a sample, scaled) assigned all-or-nothing to free-flow shortest paths. It depends only
   * on the city, `dailyTrips` and the seed, so runs share it (peakFlowsOf): shared, never changed.
   */
  peakApproachFlows(): Float32Array {
    return peakFlowsOf(this.net, this.demand, this.router, this.rng.fork('signals'), this.params.dailyTrips);
  }

  /** Draws the trips of the step at sim time t (seconds) from the demand (and special events and bus timetables) into the waiting list. */
  draw(t: number, stepNo: number): void {
    const hour = (((this.startHour + t / 3600) % 24) + 24) % 24;
    const day = dayTypeAt(this.startEpochMs + t * 1000);
    const dt = this.dt;
    const rng = this.rng;
    PURPOSES.forEach((purpose, p) => {
      this.carry[p] += this.demand.rate(purpose, hour, this.params.dailyTrips, day) * this.demandScale * dt;
      while (this.carry[p] >= 1) {
        this.carry[p] -= 1;
        const trip = this.demand.draw(purpose, rng.next(), rng.next());
        const a = this.demand.drawLink(trip.origin, rng.next());
        const b = this.demand.drawLink(trip.destination, rng.next());
        if (a !== b) this.queueTrip(a, b, purpose === 'freight' ? ObjectKind.truck : ObjectKind.car);
      }
    });
    for (let e = this.events.length - 1; e >= 0; e--) {
      const ev = this.events[e];
      ev.carry += ev.rate * dt;
      while (ev.carry >= 1 && ev.remaining > 0) {
        ev.carry -= 1;
        ev.remaining--;
        const a = this.demand.drawLink(ev.zone, rng.next());
        const b = this.demand.drawLink(this.demand.drawHomeZone(rng.next()), rng.next());
        if (a !== b) this.queueTrip(a, b, ObjectKind.car);
      }
      if (ev.remaining <= 0) this.events.splice(e, 1);
    }
    if (hour >= 6 && hour < 22) {
      const buses = this.buses;
      for (let line = 0; line < buses.routes.length; line++) {
        if (t < buses.next[line]) continue;
        buses.next[line] = t + this.params.busHeadwaySeconds;
        this.spawnOnRoute(buses.routes[line], ObjectKind.bus, line, t, stepNo);
      }
    }
  }

  /** `vehicles` vehicles leave zone `zone` over `durationS` seconds from now. */
  addEvent(zone: number, vehicles: number, durationS: number): void {
    this.events.push({ zone, remaining: vehicles, rate: vehicles / durationS, carry: 0 });
  }

  /** Puts a trip on the waiting list; false when the list is full (the trip is not made). */
  queueTrip(origin: number, dest: number, kind: number, tag = -1): boolean {
    if (this.pendCount === this.pendOrigin.length) return false;
    const i = this.pendCount++;
    this.pendOrigin[i] = origin;
    this.pendDest[i] = dest;
    this.pendKind[i] = kind;
    this.pendTries[i] = 0;
    this.pendTag[i] = tag;
    return true;
  }

  /** Puts waiting trips on their first link where there is room; the rest wait (a few tries, then they give up). */
  insertPending(t: number, stepNo: number): void {
    let keep = 0;
    const n = this.pendCount;
    for (let i = 0; i < n; i++) {
      const origin = this.pendOrigin[i];
      const dest = this.pendDest[i];
      const kind = this.pendKind[i];
      const tag = this.pendTag[i];
      if (this.store.freeCount > 0 && this.findRoom(origin, kind, false)) {
        const route = this.router.route(origin, dest, this.rerouting.costFor(kind));
        // Unreachable now: the trip is not made.
        if (route) this.place(route, kind, -1, t, stepNo, false, tag);
        else if (tag >= 0) this.tagFailures.push(tag);
        continue;
      }
      // Tagged trips (evacuees) keep trying; others give up after a while.
      if (tag < 0 && ++this.pendTries[i] > 40) continue;
      this.pendOrigin[keep] = origin;
      this.pendDest[keep] = dest;
      this.pendKind[keep] = kind;
      this.pendTries[keep] = this.pendTries[i];
      this.pendTag[keep] = tag;
      keep++;
    }
    this.pendCount = keep;
  }

  /** Starts a vehicle on route[0] at a free place along it; false when there is no room. */
  spawnOnRoute(route: Int32Array, kind: number, busLine: number, t: number, stepNo: number, emergency = false, tag = -1): boolean {
    if (this.store.freeCount === 0 || !this.findRoom(route[0], kind, true)) return false;
    this.place(route, kind, busLine, t, stepNo, emergency, tag);
    return true;
  }

  /**
   * Looks for room for a vehicle of `kind` on link k's first open lane from the kerb: at its start
   * (`atStart`: buses, emergency vehicles) or at a random place along it (a car leaving its parking
   * place). Remembers the place for `place`.
   */
  private findRoom(k: number, kind: number, atStart: boolean): boolean {
    const net = this.net;
    const st = this.store;
    const closedLanes = this.rerouting.closedLanes;
    if (this.rerouting.barred(k, kind)) return false;
    const len = net.length[k];
    const lane = net.laneStart[k] + closedLanes[k];
    const vlen = VEHICLE_LENGTH[kind];
    const pos = atStart ? Math.min(len * 0.5, vlen + 1) : len * this.rng.range(0.15, 0.85);
    let leader = NO;
    let follower = st.laneHead[lane];
    while (follower !== NO && st.vPos[follower] > pos) {
      leader = follower;
      follower = st.vFollower[follower];
    }
    if (leader !== NO && st.vPos[leader] - VEHICLE_LENGTH[st.vKind[leader]] - pos < 3) return false;
    if (follower !== NO && pos - vlen - st.vPos[follower] < 3 + st.vSpeed[follower] * 1.2) return false;
    this.roomLane = lane;
    this.roomPos = pos;
    this.roomLeader = leader;
    this.roomFollower = follower;
    return true;
  }

  /** Starts a vehicle on route[0] at the place findRoom found. */
  private place(route: Int32Array, kind: number, busLine: number, t: number, stepNo: number, emergency: boolean, tag = -1): void {
    const net = this.net;
    const rng = this.rng;
    const st = this.store;
    const k = route[0];
    const leader = this.roomLeader;
    const i = st.add();
    st.vKind[i] = kind;
    st.vFlags[i] = emergency ? ObjectFlags.sirens : 0;
    st.vFactor[i] = kind === ObjectKind.car ? rng.range(0.9, 1.1) : kind === ObjectKind.emergency ? EMERGENCY_SPEED_FACTOR : kind === ObjectKind.bus ? 0.8 : 0.85;
    drawDriver(st, i, kind, rng);
    st.vPos[i] = this.roomPos;
    st.vSpeed[i] = leader === NO ? 0 : Math.min(st.vSpeed[leader], 3);
    st.vAcc[i] = 0;
    st.vWait[i] = 0;
    st.vDwell[i] = 0;
    st.vBusLine[i] = busLine;
    st.vTag[i] = tag;
    if (tag >= 0) this.tagDepartures.push(tag);
    st.vDepart[i] = t;
    st.vMoved[i] = stepNo;
    st.routes[i] = route;
    st.vStep[i] = 0;
    st.vLink[i] = k;
    st.vSeg[i] = net.pointStart[k];
    st.insertAt(i, this.roomLane, leader, this.roomFollower);
    this.rerouting.enterLinkPlan(i);
    st.counters[0]++;
  }
}

/** Peak flows kept per city's demand, by `dailyTrips` and seed; a few, the latest used last. */
const peakFlows = new WeakMap<TravelDemand, Map<string, Float32Array>>();
const PEAK_FLOWS_KEPT = 8;

/**
 * Departures.peakApproachFlows, computed on first use for a demand, `dailyTrips` and the state of
 * the fresh `rng` (the seed), and shared after: this routing took most of a run's set-up (about
 * 1 s), and a what-if fork or a second run of a scenario asks for the same again.
 */
function peakFlowsOf(net: TrafficNetwork, demand: TravelDemand, router: Router, rng: Rng, dailyTrips: number): Float32Array {
  const key = `${dailyTrips} ${rng.getState()}`;
  let kept = peakFlows.get(demand);
  if (!kept) peakFlows.set(demand, (kept = new Map()));
  let flows = kept.get(key);
  if (flows) {
    kept.delete(key);
    kept.set(key, flows);
    return flows;
  }
  flows = new Float32Array(net.linkCount);
  const samples = 3000;
  let peakTrips = 0;
  for (const p of PURPOSES) peakTrips += demand.rate(p, 8, dailyTrips) * 3600;
  const weight = peakTrips / samples;
  // No generated demand (trips come from injects or a trip file): nothing to sample, and a city without zones has nothing to sample from.
  if (weight === 0) {
    kept.set(key, flows);
    return flows;
  }
  for (let s = 0; s < samples; s++) {
    const trip = demand.draw(s % 3 === 0 ? 'homeToSchool' : 'homeToWork', rng.next(), rng.next());
    const a = demand.drawLink(trip.origin, rng.next());
    const b = demand.drawLink(trip.destination, rng.next());
    const path = router.route(a, b, net.freeTime);
    if (path) for (const k of path) flows[k] += weight;
  }
  kept.set(key, flows);
  if (kept.size > PEAK_FLOWS_KEPT) kept.delete(kept.keys().next().value as string);
  return flows;
}
