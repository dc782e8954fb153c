import type { z } from 'zod';
import type { CityModel } from '../../city/CityModel.ts';
import { createLinkState, type LinkState } from '../../protocol/LinkState.ts';
import { createObjectState, ObjectFlags, ObjectKind, type ObjectState } from '../../protocol/ObjectState.ts';
import type { TrafficSummary } from '../../protocol/TrafficSummary.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult, ObjectDescription } from '../Engine.ts';
import type { LinkActivity, OutputDeclaration } from '../outputs.ts';
import type { Rng } from '../random.ts';
import { LinkActivityMeter } from './LinkActivityMeter.ts';
import { congestionLevel, linkIndex } from './performanceIndex.ts';
import { Router } from './Router.ts';
import { SignalPlans, SignalState } from './SignalPlans.ts';
import { trafficNetworkOf, Turn, LANE_WIDTH, type TrafficNetwork } from './TrafficNetwork.ts';
import { TrafficInjects, TrafficParams, type Place } from './trafficParams.ts';
import { PURPOSES, TravelDemand } from './TravelDemand.ts';

// Intelligent Driver Model (Treiber, Hennecke & Helbing 2000) per kind: car, bus, truck, emergency.
const IDM_A = Float32Array.of(1.5, 1.0, 0.9, 2.5); // max acceleration, m/s²
const IDM_B = Float32Array.of(2.0, 1.5, 1.5, 3.0); // comfortable deceleration, m/s²
const IDM_T = Float32Array.of(1.4, 1.6, 1.8, 1.0); // time headway, s
const LENGTH = Float32Array.of(4.6, 12, 10, 5.6); // metres, including the gap to the bumper ahead's rear
const IDM_S0 = 2; // jam distance, m
const MAX_DECEL = 9; // physical braking limit, m/s²
const FREE_GAP = 1e4;
/** Speeds through turns, m/s. */
const TURN_SPEED = Float32Array.of(99, 5, 7, 4); // by Turn
/**
 * Unsignalised junctions: a minor approach waits for a gap this long in the major stream, seconds;
 * drivers who have waited accept shorter gaps, down to the minimum after 40 s.
 */
const CRITICAL_GAP_S = 3.5;
const MIN_CRITICAL_GAP_S = 1.5;
/** Least time between two vehicles crossing the same unsignalised junction from a minor approach. */
const FOLLOW_UP_S = 1.5;
/** Lane changing (MOBIL, Kesting, Treiber & Helbing 2007): politeness, threshold, safe braking. */
const MOBIL_P = 0.2;
const MOBIL_THRESHOLD = 0.3;
const MOBIL_SAFE_DECEL = 4;
/** A vehicle stuck at a link end this long without moving on looks for another way. */
const STUCK_REROUTE_S = 90;
/** In the wrong lane at the line this long, a driver squeezes into the turn anyway. */
const FORCE_TURN_S = 15;
/** Link travel times (route costs) and link figures are refreshed this often, sim seconds. */
const COST_EVERY_S = 30;
const SAMPLE_EVERY_S = 5;
/** Smoothing of link speeds and flows (time constant, seconds). */
const SPEED_TAU_S = 90;
const FLOW_TAU_S = 300;
/** A route is rerouted when a link on it becomes this much slower than free flow, seconds. */
const JAM_DELAY_S = 90;
const BUS_DWELL_S = 20;
const EMERGENCY_YIELD_M = 80;
const MAX_REROUTES_PER_UPDATE = 3000;

const NO = -1;
const KIND_NAMES = Object.keys(ObjectKind);

interface EngineSnapshotData {
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
  lastEntry: Float64Array;
  linkState: LinkState;
  activity: ReturnType<LinkActivityMeter['snapshot']>;
  events: { zone: number; remaining: number; rate: number; carry: number }[];
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
    routeStart: Int32Array;
    routes: Int32Array;
  };
  pending: { origin: Int32Array; dest: Int32Array; kind: Uint8Array; tries: Uint8Array };
}

/**
 * The traffic twin: microscopic simulation of every vehicle on the city's roads.
 *
 * - Vehicles follow the Intelligent Driver Model on their lane (the leader is the vehicle ahead in
 *   the lane, the stop line when the way on is barred, or the last vehicle of the lane they turn
 *   into), with a ballistic update and a hard limit that keeps every gap ≥ 0; no one overtakes
 *   within a lane.
 * - Lanes: a vehicle keeps to the lanes its next turn allows (right turns from the kerb lane, left
 *   and U-turns from the leftmost, straight from any), changing lane when it is safe for the new
 *   follower (mandatory changes) or when MOBIL finds it worth it (discretionary). A driver stuck in
 *   the wrong lane at the line for 15 s squeezes in anyway. Vehicles yield to an emergency vehicle
 *   behind them by changing lane.
 * - Junctions: fixed-time signals (SignalPlans) stop vehicles at red, and at amber those that can
 *   stop comfortably. At unsignalised junctions approaches of the highest road class go first;
 *   the others wait for a gap of 3.5 s in its moving vehicles (1.5 s once they have waited 40 s)
 *   and cross at least 1.5 s after each other.
 * - Demand: trips between traffic zones from land use (TravelDemand), by the hourly profiles;
 *   departures from the seeded stream, each routed by A* on current travel times. Vehicles reroute
 *   when a link on their path closes, when a link ahead becomes jammed, or when stuck 90 s.
 * - Buses run generated lines on arterials and stop 20 s at their stops; trucks carry freight.
 *
 * All vehicle state is structure of arrays indexed by slot; lanes are linked lists through
 * `leader`/`follower`. Iteration order never depends on slot numbers, so a restored snapshot
 * continues exactly like the original.
 */
export class TrafficEngine implements Engine {
  readonly name = 'traffic';
  readonly injects = Object.keys(TrafficInjects) as (keyof typeof TrafficInjects)[];
  readonly paramsSchema = TrafficParams;
  readonly injectSchemas = TrafficInjects;
  readonly publishes = [
    { id: 'traffic.objects', kind: 'objects' },
    { id: 'traffic.links', kind: 'links' },
    { id: 'traffic.summary', kind: 'trafficSummary' },
    { id: 'traffic.activity', kind: 'linkActivity' },
  ] as const satisfies readonly OutputDeclaration[];

  private net!: TrafficNetwork;
  private city!: CityModel;
  private demand!: TravelDemand;
  private signals!: SignalPlans;
  private router!: Router;
  private rng!: Rng;
  private params!: TrafficParams;
  private dt = 0.5;
  private dtMs = 500;
  private startHour = 0;
  /** Sim time of the dynamics, seconds since the run's start (negative while warming up). */
  private dynT = 0;
  private stepNo = 0;
  /** Sim time of the last step call, seconds: objects are drawn this far past the dynamics. */
  private viewT = 0;
  private nextId = 1;
  private demandScale = 1;

  // Links.
  private closedLanes = new Uint8Array(0);
  private closedUntil = new Float64Array(0);
  private cost = new Float32Array(0);
  private freeCost = new Float32Array(0);
  private speedEma = new Float32Array(0);
  private flowEma = new Float32Array(0);
  private exits = new Float32Array(0);
  private delayed = new Uint8Array(0);
  private linkCount = new Float32Array(0);
  private linkSpeedSum = new Float32Array(0);
  private linkState: LinkState = createLinkState(0);
  private activity = new LinkActivityMeter(0);
  // Nodes.
  private lastEntry = new Float64Array(0);
  private majorArrival = new Float32Array(0);
  // Lanes.
  private laneHead = new Int32Array(0);
  private laneTail = new Int32Array(0);

  // Vehicles, by slot.
  private cap = 0;
  private free = new Int32Array(0);
  private freeCount = 0;
  /** Vehicles that crossed a stop line at red (emergency vehicles excepted): a check for tests, always 0. */
  redCrossings = 0;
  private released = new Int32Array(0);
  private releasedCount = 0;
  /** Live slots in id order. */
  private active = new Int32Array(0);
  private activeCount = 0;
  private vId = new Uint32Array(0);
  private vKind = new Uint8Array(0);
  private vFlags = new Uint8Array(0);
  private vAlive = new Uint8Array(0);
  private vLane = new Int32Array(0);
  private vLink = new Int32Array(0);
  private vPos = new Float64Array(0);
  private vSpeed = new Float32Array(0);
  private vAcc = new Float32Array(0);
  private vFactor = new Float32Array(0);
  private vLeader = new Int32Array(0);
  private vFollower = new Int32Array(0);
  private vNext = new Int32Array(0);
  private vLaneLo = new Uint8Array(0);
  private vLaneHi = new Uint8Array(0);
  private vTurn = new Uint8Array(0);
  private vStep = new Int32Array(0);
  private vDestPos = new Float32Array(0);
  private vDepart = new Float64Array(0);
  private vWait = new Float32Array(0);
  private vStopPos = new Float32Array(0);
  private vDwell = new Float32Array(0);
  private vBusLine = new Int16Array(0);
  private vMoved = new Uint32Array(0);
  private vSeg = new Int32Array(0);
  private routes: (Int32Array | null)[] = [];

  // Trips waiting to depart (no room on their first link yet).
  private pendOrigin = new Int32Array(0);
  private pendDest = new Int32Array(0);
  private pendKind = new Uint8Array(0);
  private pendTries = new Uint8Array(0);
  private pendCount = 0;

  private carry = new Float64Array(PURPOSES.length);
  private events: { zone: number; remaining: number; rate: number; carry: number }[] = [];
  private busRoutes: Int32Array[] = [];
  private busStops: Uint8Array[] = [];
  private busNext = new Float64Array(0);

  // Counters: departed, arrived, vehicle-seconds, delay-seconds, trips' travel seconds.
  private counters = new Float64Array(5);
  private objectState: ObjectState = createObjectState(0);
  private odPairs: { id: string; name: { zh: string; en: string }; from: number; to: number }[] = [];

  init(ctx: EngineContext): void {
    const params = TrafficParams.parse(ctx.params ?? {});
    this.params = params;
    this.city = ctx.city;
    this.rng = ctx.rng;
    this.net = trafficNetworkOf(ctx.city);
    this.demand = travelDemandOf(ctx.city, this.net);
    this.router = new Router(this.net);
    this.dtMs = Math.max(ctx.stepMs, Math.round(params.stepSeconds * 1000 / ctx.stepMs) * ctx.stepMs);
    this.dt = this.dtMs / 1000;
    this.startHour = (((ctx.startEpochMs / 3_600_000 + 8) % 24) + 24) % 24;
    this.demandScale = params.demandScale;
    const net = this.net;
    const L = net.linkCount;
    this.closedLanes = new Uint8Array(L);
    this.closedUntil = new Float64Array(L).fill(Infinity);
    this.freeCost = Float32Array.from(net.length, (len, k) => len / net.freeSpeed[k]);
    this.cost = this.freeCost.slice();
    this.speedEma = net.freeSpeed.slice();
    this.flowEma = new Float32Array(L);
    this.exits = new Float32Array(L);
    this.delayed = new Uint8Array(L);
    this.linkCount = new Float32Array(L);
    this.linkSpeedSum = new Float32Array(L);
    this.linkState = createLinkState(L);
    this.activity = new LinkActivityMeter(L);
    this.lastEntry = new Float64Array(net.nodeCount).fill(-1e9);
    this.majorArrival = new Float32Array(net.nodeCount);
    this.laneHead = new Int32Array(net.laneCount).fill(NO);
    this.laneTail = new Int32Array(net.laneCount).fill(NO);
    this.allocate(params.maxVehicles);

    this.signals = new SignalPlans(net, this.peakApproachFlows());
    for (const plan of params.signalPlans) {
      const node = net.nodeIndex.get(plan.nodeId);
      const error = node === undefined ? `nodeId: no node ${JSON.stringify(plan.nodeId)}` : this.signals.setPlan(node, plan.cycleS, plan.greenSplits);
      if (error) throw new Error(`TrafficEngine: signalPlans: ${error}`);
    }
    this.addCostOfSignals();
    this.buildBusLines(ctx.rng.fork('bus'));
    this.busNext = new Float64Array(this.busRoutes.length).fill(0);
    this.odPairs = this.resolveOdPairs(params.odPairs);
    this.refreshLinkState();

    if (params.warmUpMinutes > 0) {
      this.dynT = -params.warmUpMinutes * 60;
      while (this.dynT < 0) this.dynStep();
      // Departures and arrivals stay counted (departed = arrived + on the network); time and delay start now.
      this.counters.fill(0, 2);
      this.exits.fill(0);
    }
    this.dynT = 0;
  }

  private allocate(cap: number): void {
    this.cap = cap;
    this.free = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeCount = cap;
    this.released = new Int32Array(cap);
    this.releasedCount = 0;
    this.active = new Int32Array(cap);
    this.activeCount = 0;
    this.vId = new Uint32Array(cap);
    this.vKind = new Uint8Array(cap);
    this.vFlags = new Uint8Array(cap);
    this.vAlive = new Uint8Array(cap);
    this.vLane = new Int32Array(cap);
    this.vLink = new Int32Array(cap);
    this.vPos = new Float64Array(cap);
    this.vSpeed = new Float32Array(cap);
    this.vAcc = new Float32Array(cap);
    this.vFactor = new Float32Array(cap);
    this.vLeader = new Int32Array(cap);
    this.vFollower = new Int32Array(cap);
    this.vNext = new Int32Array(cap);
    this.vLaneLo = new Uint8Array(cap);
    this.vLaneHi = new Uint8Array(cap);
    this.vTurn = new Uint8Array(cap);
    this.vStep = new Int32Array(cap);
    this.vDestPos = new Float32Array(cap);
    this.vDepart = new Float64Array(cap);
    this.vWait = new Float32Array(cap);
    this.vStopPos = new Float32Array(cap);
    this.vDwell = new Float32Array(cap);
    this.vBusLine = new Int16Array(cap);
    this.vMoved = new Uint32Array(cap);
    this.vSeg = new Int32Array(cap);
    this.routes = new Array<Int32Array | null>(cap).fill(null);
    const pend = Math.max(1024, cap >> 2);
    this.pendOrigin = new Int32Array(pend);
    this.pendDest = new Int32Array(pend);
    this.pendKind = new Uint8Array(pend);
    this.pendTries = new Uint8Array(pend);
    this.pendCount = 0;
    this.objectState = createObjectState(cap);
  }

  // ---------------------------------------------------------------- set-up

  /**
   * Peak-hour demand on each link, for the signal plans: the morning peak's trips between zone
   * pairs (a sample, scaled) assigned all-or-nothing to free-flow shortest paths.
   */
  private peakApproachFlows(): Float32Array {
    const flows = new Float32Array(this.net.linkCount);
    const rng = this.rng.fork('signals');
    const samples = 3000;
    let peakTrips = 0;
    for (const p of PURPOSES) peakTrips += this.demand.rate(p, 8, this.params.dailyTrips) * 3600;
    const weight = peakTrips / samples;
    for (let s = 0; s < samples; s++) {
      const trip = this.demand.draw(s % 3 === 0 ? 'homeToSchool' : 'homeToWork', rng.next(), rng.next());
      const a = this.demand.drawLink(trip.origin, rng.next());
      const b = this.demand.drawLink(trip.destination, rng.next());
      const path = this.router.route(a, b, this.freeCost);
      if (path) for (const k of path) flows[k] += weight;
    }
    return flows;
  }

  /** Adds the mean signal delay (Webster's uniform term, red² / 2C) to each signalised link's cost. */
  private addCostOfSignals(): void {
    const { net, signals } = this;
    for (let k = 0; k < net.linkCount; k++) {
      const p = signals.linkPhase[k];
      if (p < 0) continue;
      const node = net.to[k];
      const c = signals.cycle[node];
      const red = c - signals.green[node * 4 + p];
      this.freeCost[k] = net.length[k] / net.freeSpeed[k] + (red * red) / (2 * c);
    }
    this.cost.set(this.freeCost);
  }

  /** Bus lines between far-apart arterial junctions, with a stop on every link longer than 150 m. */
  private buildBusLines(rng: Rng): void {
    const net = this.net;
    const arterial: number[] = [];
    for (let k = 0; k < net.linkCount; k++) if (net.linkClasses[k] === 'arterial' && net.length[k] > 100) arterial.push(k);
    if (arterial.length < 2) return;
    for (let line = 0; line < this.params.busLines; line++) {
      for (let tries = 0; tries < 20; tries++) {
        const a = arterial[Math.floor(rng.next() * arterial.length)];
        const b = arterial[Math.floor(rng.next() * arterial.length)];
        const d = Math.hypot(net.nodeX[net.from[a]] - net.nodeX[net.to[b]], net.nodeY[net.from[a]] - net.nodeY[net.to[b]]);
        if (d < 3000) continue;
        const there = this.router.route(a, b, this.freeCost);
        const back = net.reverse[b] >= 0 && net.reverse[a] >= 0 ? this.router.route(net.reverse[b], net.reverse[a], this.freeCost) : null;
        if (!there || !back) continue;
        for (const path of [there, back]) {
          this.busRoutes.push(path);
          this.busStops.push(Uint8Array.from(path, (k, i) => (i > 0 && net.length[k] > 150 ? 1 : 0)));
        }
        break;
      }
    }
  }

  private resolveOdPairs(pairs: TrafficParams['odPairs']): typeof this.odPairs {
    const net = this.net;
    const place = (p: Place, where: string): number => {
      const node = typeof p === 'string' ? net.nodeIndex.get(p) : this.nearestNode(p.x, p.y);
      if (node === undefined) throw new Error(`TrafficEngine: odPairs: ${where}: no node ${JSON.stringify(p)}`);
      return node;
    };
    if (pairs) return pairs.map((p, i) => ({ id: p.id, name: p.name, from: place(p.from, `${i}.from`), to: place(p.to, `${i}.to`) }));
    // Default: between the district centres and to the hospital and railway-side industrial area.
    const c = this.city;
    const centre = (k: number): [number, number] => {
      const ring = c.districts[k].polygon[0];
      let x = 0;
      let y = 0;
      for (const [px, py] of ring) {
        x += px;
        y += py;
      }
      return [x / ring.length, y / ring.length];
    };
    const out: typeof this.odPairs = [];
    for (let a = 0; a < c.districts.length; a++) {
      for (let b = 0; b < c.districts.length; b++) {
        if (a === b) continue;
        const [ax, ay] = centre(a);
        const [bx, by] = centre(b);
        out.push({
          id: `${c.districts[a].id}-${c.districts[b].id}`,
          name: { zh: `${c.districts[a].name.zh}→${c.districts[b].name.zh}`, en: `${c.districts[a].name.en} → ${c.districts[b].name.en}` },
          from: this.nearestNode(ax, ay),
          to: this.nearestNode(bx, by),
        });
      }
    }
    return out;
  }

  private nearestNode(x: number, y: number): number {
    const net = this.net;
    let best = 0;
    let bestD = Infinity;
    for (let n = 0; n < net.nodeCount; n++) {
      if (net.outStart[n + 1] === net.outStart[n] || net.inStart[n + 1] === net.inStart[n]) continue;
      const d = (net.nodeX[n] - x) ** 2 + (net.nodeY[n] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- stepping

  step(simTimeMs: number): void {
    while ((this.dynT + this.dt) * 1000 <= simTimeMs + 1e-6) this.dynStep();
    this.viewT = simTimeMs / 1000;
  }

  /** Drops arrived vehicles from the id-ordered list and frees their slots. */
  private compact(): void {
    let n = 0;
    for (let a = 0; a < this.activeCount; a++) {
      const i = this.active[a];
      if (this.vAlive[i]) this.active[n++] = i;
    }
    this.activeCount = n;
    for (let r = 0; r < this.releasedCount; r++) this.free[this.freeCount++] = this.released[r];
    this.releasedCount = 0;
  }

  private dynStep(): void {
    const t = this.dynT;
    this.compact();
    this.stepNo++;
    this.signals.update(t);
    this.expireClosures(t);
    this.departures(t);
    this.insertPending(t);
    this.changeLanes(t);
    this.junctionGaps();
    this.drive(t);
    this.dynT = Math.round((t + this.dt) * 1000) / 1000;
    this.activity.advance(this.dynT);
    if (Math.floor(this.dynT / SAMPLE_EVERY_S) !== Math.floor(t / SAMPLE_EVERY_S)) this.sample();
    if (Math.floor(this.dynT / COST_EVERY_S) !== Math.floor(t / COST_EVERY_S)) this.updateCosts();
  }

  private hourAt(t: number): number {
    return (((this.startHour + t / 3600) % 24) + 24) % 24;
  }

  /** Draws this step's trips from the demand (and special events and bus timetables) into the waiting list. */
  private departures(t: number): void {
    const hour = this.hourAt(t);
    const dt = this.dt;
    const rng = this.rng;
    PURPOSES.forEach((purpose, p) => {
      this.carry[p] += this.demand.rate(purpose, hour, this.params.dailyTrips) * this.demandScale * dt;
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
      for (let line = 0; line < this.busRoutes.length; line++) {
        if (t < this.busNext[line]) continue;
        this.busNext[line] = t + this.params.busHeadwaySeconds;
        this.spawnOnRoute(this.busRoutes[line], ObjectKind.bus, line, t);
      }
    }
  }

  private queueTrip(origin: number, dest: number, kind: number): void {
    if (this.pendCount === this.pendOrigin.length) return; // the waiting list is full: the trip is not made
    const i = this.pendCount++;
    this.pendOrigin[i] = origin;
    this.pendDest[i] = dest;
    this.pendKind[i] = kind;
    this.pendTries[i] = 0;
  }

  /** Puts waiting trips on their first link where there is room; the rest wait (a few tries, then they give up). */
  private insertPending(t: number): void {
    let keep = 0;
    const n = this.pendCount;
    for (let i = 0; i < n; i++) {
      const origin = this.pendOrigin[i];
      const dest = this.pendDest[i];
      const kind = this.pendKind[i];
      if (this.freeCount > 0 && this.findRoom(origin, kind, false)) {
        const route = this.router.route(origin, dest, this.cost);
        if (!route) continue; // unreachable now: the trip is not made
        this.place(route, kind, -1, t, false);
        continue;
      }
      if (++this.pendTries[i] > 40) continue;
      this.pendOrigin[keep] = origin;
      this.pendDest[keep] = dest;
      this.pendKind[keep] = kind;
      this.pendTries[keep] = this.pendTries[i];
      keep++;
    }
    this.pendCount = keep;
  }

  /** Starts a vehicle on route[0] at a free place along it; false when there is no room. */
  private spawnOnRoute(route: Int32Array, kind: number, busLine: number, t: number, emergency = false): boolean {
    if (this.freeCount === 0 || !this.findRoom(route[0], kind, true)) return false;
    this.place(route, kind, busLine, t, emergency);
    return true;
  }

  private roomLane = 0;
  private roomPos = 0;
  private roomLeader = NO;
  private roomFollower = NO;

  /**
   * Looks for room for a vehicle of `kind` on link k's first open lane from the kerb: at its start
   * (`atStart`: buses, emergency vehicles) or at a random place along it (a car leaving its parking
   * place). Remembers the place for `place`.
   */
  private findRoom(k: number, kind: number, atStart: boolean): boolean {
    const net = this.net;
    if (this.closedLanes[k] >= net.lanes[k]) return false;
    const len = net.length[k];
    const lane = net.laneStart[k] + this.closedLanes[k];
    const vlen = LENGTH[kind];
    const pos = atStart ? Math.min(len * 0.5, vlen + 1) : len * this.rng.range(0.15, 0.85);
    let leader = NO;
    let follower = this.laneHead[lane];
    while (follower !== NO && this.vPos[follower] > pos) {
      leader = follower;
      follower = this.vFollower[follower];
    }
    if (leader !== NO && this.vPos[leader] - LENGTH[this.vKind[leader]] - pos < 3) return false;
    if (follower !== NO && pos - vlen - this.vPos[follower] < 3 + this.vSpeed[follower] * 1.2) return false;
    this.roomLane = lane;
    this.roomPos = pos;
    this.roomLeader = leader;
    this.roomFollower = follower;
    return true;
  }

  /** Starts a vehicle on route[0] at the place findRoom found. */
  private place(route: Int32Array, kind: number, busLine: number, t: number, emergency: boolean): void {
    const net = this.net;
    const rng = this.rng;
    const k = route[0];
    const lane = this.roomLane;
    const pos = this.roomPos;
    const leader = this.roomLeader;
    const follower = this.roomFollower;
    const i = this.free[--this.freeCount];
    this.vId[i] = this.nextId++;
    this.active[this.activeCount++] = i;
    this.vAlive[i] = 1;
    this.vKind[i] = kind;
    this.vFlags[i] = emergency ? ObjectFlags.sirens : 0;
    this.vFactor[i] = kind === ObjectKind.car ? rng.range(0.9, 1.1) : kind === ObjectKind.emergency ? 1.4 : kind === ObjectKind.bus ? 0.8 : 0.85;
    this.vPos[i] = pos;
    this.vSpeed[i] = leader === NO ? 0 : Math.min(this.vSpeed[leader], 3);
    this.vAcc[i] = 0;
    this.vWait[i] = 0;
    this.vDwell[i] = 0;
    this.vBusLine[i] = busLine;
    this.vDepart[i] = t;
    this.vMoved[i] = this.stepNo;
    this.routes[i] = route;
    this.vStep[i] = 0;
    this.vLink[i] = k;
    this.vSeg[i] = net.pointStart[k];
    this.vLane[i] = lane;
    this.vLeader[i] = leader;
    this.vFollower[i] = follower;
    if (leader === NO) this.laneHead[lane] = i;
    else this.vFollower[leader] = i;
    if (follower === NO) this.laneTail[lane] = i;
    else this.vLeader[follower] = i;
    this.enterLinkPlan(i);
    this.counters[0]++;
  }

  /** Sets next link, allowed lanes, turn, destination and bus stop for vehicle i on its current route step. */
  private enterLinkPlan(i: number): void {
    const net = this.net;
    const route = this.routes[i] as Int32Array;
    const s = this.vStep[i];
    const k = route[s];
    const last = s === route.length - 1;
    this.vNext[i] = last ? NO : route[s + 1];
    if (last) {
      this.vLaneLo[i] = 0;
      this.vLaneHi[i] = net.lanes[k] - 1;
      this.vTurn[i] = Turn.straight;
      const start = s === 0 ? this.vPos[i] : 0;
      this.vDestPos[i] = this.vBusLine[i] >= 0 || this.vKind[i] === ObjectKind.emergency ? net.length[k] - 1 : Math.max(start + 1, net.length[k] * 0.5);
      this.vDestPos[i] = Math.min(this.vDestPos[i], net.length[k] - 0.5);
    } else {
      const [lo, hi] = net.allowedLanes(k, route[s + 1]);
      this.vLaneLo[i] = lo;
      this.vLaneHi[i] = hi;
      this.vTurn[i] = net.turn(k, route[s + 1]);
      this.vDestPos[i] = Infinity;
    }
    const line = this.vBusLine[i];
    this.vStopPos[i] = line >= 0 && this.busStops[line][s] ? net.length[k] * 0.6 : -1;
  }

  /** For unsignalised junctions: how soon the first vehicle of a major approach reaches each node. */
  private junctionGaps(): void {
    const net = this.net;
    const arrival = this.majorArrival;
    arrival.fill(Infinity);
    for (let k = 0; k < net.linkCount; k++) {
      const node = net.to[k];
      if (this.signals.phases[node] > 0 || net.rank[k] < net.nodeTopRank[node]) continue;
      for (let lane = net.laneStart[k]; lane < net.laneStart[k + 1]; lane++) {
        const h = this.laneHead[lane];
        if (h === NO || this.vNext[h] === NO) continue;
        const dist = net.length[k] - this.vPos[h];
        if (dist > 120) continue;
        // A major vehicle standing at the line (waiting for room ahead) leaves the junction free.
        if (this.vSpeed[h] < 1) continue;
        const tArr = dist / this.vSpeed[h];
        if (tArr < arrival[node]) arrival[node] = tArr;
      }
    }
  }

  /**
   * True when vehicle i (first in its lane) must stop at the end of link k: red or stoppable amber,
   * the next link closed, no gap at an unsignalised junction, or it is in the wrong lane for its turn.
   */
  private mustStop(i: number, k: number, distEnd: number, t: number): boolean {
    const net = this.net;
    const next = this.vNext[i];
    if (this.closedLanes[next] >= net.lanes[next]) return true;
    const emergency = this.vKind[i] === ObjectKind.emergency;
    const light = this.signals.state[k];
    const v = this.vSpeed[i];
    if (light === SignalState.red && !emergency) return true;
    if (light === SignalState.amber && !emergency && distEnd > (v * v) / (2 * IDM_B[0]) + 1) return true;
    const node = net.to[k];
    if (this.signals.phases[node] === 0 && !emergency && distEnd < Math.max(15, (v * v) / 3 + 5)) {
      const major = net.rank[k] >= net.nodeTopRank[node];
      const sinceLast = t - this.lastEntry[node];
      const gap = Math.max(MIN_CRITICAL_GAP_S, CRITICAL_GAP_S - this.vWait[i] / 20);
      if (!major && (this.majorArrival[node] < gap || sinceLast < FOLLOW_UP_S)) return true;
    }
    return false;
  }

  /** Advances every vehicle one step, lane by lane from the front, and moves them across junctions. */
  private drive(t: number): void {
    const net = this.net;
    const dt = this.dt;
    const stamp = this.stepNo;
    const { vPos, vSpeed, vKind, vLeader, vFollower, vNext, vFactor, vLaneLo, vLaneHi, vMoved, laneHead, laneTail } = this;
    let vehSeconds = 0;
    let delaySeconds = 0;
    const linkCount = this.linkCount;
    const linkSpeedSum = this.linkSpeedSum;
    for (let lane = 0; lane < net.laneCount; lane++) {
      let i = laneHead[lane];
      if (i === NO) continue;
      const k = net.laneLink[lane];
      const len = net.length[k];
      const vFree = net.freeSpeed[k];
      const laneNo = lane - net.laneStart[k];
      while (i !== NO) {
        const behind = vFollower[i];
        if (vMoved[i] === stamp) {
          i = behind;
          continue;
        }
        vMoved[i] = stamp;
        const kind = vKind[i];
        const v = vSpeed[i];
        const pos = vPos[i];
        const leader = vLeader[i];
        const next = vNext[i];
        let v0 = vFree * vFactor[i];
        let s = FREE_GAP;
        let dv = 0;
        let stopLine = false;
        const distEnd = len - pos;
        if (next !== NO) {
          const turnV = TURN_SPEED[this.vTurn[i]];
          if (turnV < v0) v0 = Math.min(v0, Math.sqrt(turnV * turnV + 3 * distEnd));
          const wrongLane = laneNo < vLaneLo[i] || laneNo > vLaneHi[i];
          if (wrongLane && this.vWait[i] < FORCE_TURN_S) stopLine = true;
          if (!stopLine && leader === NO) stopLine = this.mustStop(i, k, distEnd, t);
          if (stopLine) {
            s = distEnd;
            dv = v;
          } else if (leader === NO) {
            const entry = this.entryLaneOf(i, k, next, laneNo);
            const tail = laneTail[entry];
            if (tail !== NO) {
              s = distEnd + vPos[tail] - LENGTH[vKind[tail]];
              dv = v - vSpeed[tail];
            }
          }
        }
        if (leader !== NO) {
          const gap = vPos[leader] - LENGTH[vKind[leader]] - pos;
          if (gap < s) {
            s = gap;
            dv = v - vSpeed[leader];
          }
        }
        if (this.vStopPos[i] >= 0) {
          const toStop = this.vStopPos[i] - pos;
          if (toStop < s && toStop > -1) {
            s = Math.max(toStop, 0.1);
            dv = v;
            if (toStop < 3 && v < 0.5) {
              this.vDwell[i] += dt;
              if (this.vDwell[i] >= BUS_DWELL_S) {
                this.vStopPos[i] = -1;
                this.vDwell[i] = 0;
              }
            }
          }
        }
        // IDM acceleration.
        const a = IDM_A[kind];
        const sStar = IDM_S0 + Math.max(0, v * IDM_T[kind] + (v * dv) / (2 * Math.sqrt(a * IDM_B[kind])));
        const ratio = v / v0;
        const r2 = ratio * ratio;
        const gapTerm = sStar / Math.max(s, 0.01);
        let acc = a * (1 - r2 * r2 - gapTerm * gapTerm);
        if (acc < -MAX_DECEL) acc = -MAX_DECEL;
        // Ballistic update; a vehicle that would stop within the step stops where it would.
        let nv = v + acc * dt;
        let np: number;
        if (nv < 0) {
          np = acc < 0 ? pos - (v * v) / (2 * acc) : pos;
          nv = 0;
        } else np = pos + (v + nv) * 0.5 * dt;
        if (leader !== NO) {
          const limit = vPos[leader] - LENGTH[vKind[leader]];
          if (np > limit) {
            np = Math.max(pos, limit);
            if (nv > vSpeed[leader]) nv = vSpeed[leader];
          }
        }
        if (stopLine && np >= len) {
          np = len - 0.01;
          nv = 0;
        }
        if (nv < 0.3 && (stopLine || leader === NO) && distEnd < 30) this.vWait[i] += dt;
        else if (nv > 2) this.vWait[i] = 0;
        vSpeed[i] = nv;
        vPos[i] = np;
        this.vAcc[i] = acc;
        this.activity.add(k, kind, np - pos, dt, nv);
        vehSeconds += dt;
        if (nv < vFree) delaySeconds += (1 - nv / vFree) * dt;
        if (np >= this.vDestPos[i]) {
          this.arrive(i, t);
        } else if (np >= len) {
          this.crossJunction(i, k, lane, t);
        } else {
          linkCount[k]++;
          linkSpeedSum[k] += nv;
          if (leader === NO && this.vWait[i] > STUCK_REROUTE_S && next !== NO) this.rerouteStuck(i, t);
        }
        i = behind;
      }
    }
    this.counters[2] += vehSeconds;
    this.counters[3] += delaySeconds;
  }

  /** The lane of link `next` vehicle i enters from lane number laneNo of link k (avoiding closed lanes). */
  private entryLaneOf(i: number, k: number, next: number, laneNo: number): number {
    const net = this.net;
    void k;
    const top = net.lanes[next] - 1;
    const turn = this.vTurn[i];
    let e = turn === Turn.right ? 0 : turn === Turn.straight ? Math.min(laneNo, top) : top;
    const closed = this.closedLanes[next];
    if (e < closed) e = Math.min(closed, net.lanes[next] - 1);
    return net.laneStart[next] + e;
  }

  /** Vehicle i (first in `lane` of link k) has passed the end of the link: onto the next link, if there is room. */
  private crossJunction(i: number, k: number, lane: number, t: number): void {
    const net = this.net;
    const next = this.vNext[i];
    if (next === NO) {
      this.vPos[i] = net.length[k] - 0.01;
      this.vSpeed[i] = 0;
      return;
    }
    const laneNo = lane - net.laneStart[k];
    const entry = this.entryLaneOf(i, k, next, laneNo);
    const over = this.vPos[i] - net.length[k];
    const tail = this.laneTail[entry];
    const room = tail === NO ? Infinity : this.vPos[tail] - LENGTH[this.vKind[tail]];
    if (room < 0 || this.closedLanes[next] >= net.lanes[next]) {
      this.vPos[i] = net.length[k] - 0.01;
      this.vSpeed[i] = 0;
      return;
    }
    if (this.signals.state[k] === SignalState.red && this.vKind[i] !== ObjectKind.emergency) this.redCrossings++;
    this.unlink(i);
    const pos = Math.min(over, room, net.length[next] - 0.01);
    this.vPos[i] = pos;
    this.vLane[i] = entry;
    this.vLink[i] = next;
    this.vSeg[i] = net.pointStart[next];
    this.vWait[i] = 0;
    this.appendTail(i, entry);
    this.vStep[i]++;
    this.enterLinkPlan(i);
    this.exits[k]++;
    if (net.rank[k] < net.nodeTopRank[net.to[k]]) this.lastEntry[net.to[k]] = t;
    this.linkCount[next]++;
    this.linkSpeedSum[next] += this.vSpeed[i];
    if (this.vPos[i] >= this.vDestPos[i]) this.arrive(i, t);
  }

  private unlink(i: number): void {
    const lane = this.vLane[i];
    const lead = this.vLeader[i];
    const follow = this.vFollower[i];
    if (lead === NO) this.laneHead[lane] = follow;
    else this.vFollower[lead] = follow;
    if (follow === NO) this.laneTail[lane] = lead;
    else this.vLeader[follow] = lead;
    this.vLeader[i] = NO;
    this.vFollower[i] = NO;
  }

  private appendTail(i: number, lane: number): void {
    const tail = this.laneTail[lane];
    this.vLeader[i] = tail;
    this.vFollower[i] = NO;
    if (tail === NO) this.laneHead[lane] = i;
    else this.vFollower[tail] = i;
    this.laneTail[lane] = i;
  }

  /** Puts i into `lane` between the vehicles around its position (lane change). */
  private insertAt(i: number, lane: number, leader: number, follower: number): void {
    this.vLeader[i] = leader;
    this.vFollower[i] = follower;
    if (leader === NO) this.laneHead[lane] = i;
    else this.vFollower[leader] = i;
    if (follower === NO) this.laneTail[lane] = i;
    else this.vLeader[follower] = i;
    this.vLane[i] = lane;
  }

  private arrive(i: number, t: number): void {
    this.unlink(i);
    this.vAlive[i] = 0;
    this.routes[i] = null;
    // The slot is reused only after compact() has dropped it from the id-ordered list.
    this.released[this.releasedCount++] = i;
    this.counters[1]++;
    this.counters[4] += t - this.vDepart[i];
  }

  // ---------------------------------------------------------------- lane changes

  /** IDM acceleration of a vehicle of `kind` at speed v behind something at gap s moving at vLead. */
  private idm(kind: number, v: number, v0: number, s: number, vLead: number): number {
    const a = IDM_A[kind];
    const sStar = IDM_S0 + Math.max(0, v * IDM_T[kind] + (v * (v - vLead)) / (2 * Math.sqrt(a * IDM_B[kind])));
    const r = v / v0;
    const g = sStar / Math.max(s, 0.01);
    return a * (1 - r * r * r * r - g * g);
  }

  /**
   * Lane changes, in id order: mandatory ones (wrong lane for the next turn, a closed lane, an
   * emergency vehicle close behind) every step; discretionary ones (MOBIL) for each vehicle every
   * 2 s, staggered by id.
   */
  private changeLanes(t: number): void {
    const net = this.net;
    const everySteps = Math.max(1, Math.round(2 / this.dt));
    const phase = this.stepNo % everySteps;
    for (let a = 0; a < this.activeCount; a++) {
      const i = this.active[a];
      if (!this.vAlive[i]) continue;
      const k = this.vLink[i];
      const lanes = net.lanes[k];
      if (lanes < 2) continue;
      const lane = this.vLane[i];
      const laneNo = lane - net.laneStart[k];
      const closed = this.closedLanes[k];
      let dir = 0;
      let mandatory = true;
      if (laneNo < closed && closed < lanes) dir = 1;
      else if (laneNo < this.vLaneLo[i]) dir = 1;
      else if (laneNo > this.vLaneHi[i]) dir = -1;
      else {
        const f = this.vFollower[i];
        if (f !== NO && this.vKind[f] === ObjectKind.emergency && this.vKind[i] !== ObjectKind.emergency && this.vPos[i] - this.vPos[f] < EMERGENCY_YIELD_M) {
          dir = laneNo > this.vLaneLo[i] ? -1 : laneNo < this.vLaneHi[i] ? 1 : laneNo > 0 ? -1 : 1;
        } else if ((this.vId[i] % everySteps) === phase && net.length[k] - this.vPos[i] > 40) {
          mandatory = false;
          dir = this.mobilChoice(i, k, laneNo);
        }
      }
      if (dir === 0) continue;
      const target = laneNo + dir;
      if (target < 0 || target >= lanes || target < closed) continue;
      this.tryChange(i, net.laneStart[k] + target, mandatory);
    }
    void t;
  }

  /** Finds the vehicles that would be ahead of and behind i in `lane`. */
  private neighbours(i: number, lane: number): [number, number] {
    const pos = this.vPos[i];
    let leader = NO;
    let follower = this.laneHead[lane];
    while (follower !== NO && this.vPos[follower] >= pos) {
      leader = follower;
      follower = this.vFollower[follower];
    }
    return [leader, follower];
  }

  private tryChange(i: number, lane: number, mandatory: boolean): boolean {
    const [leader, follower] = this.neighbours(i, lane);
    const pos = this.vPos[i];
    const len = LENGTH[this.vKind[i]];
    const v = this.vSpeed[i];
    const margin = mandatory ? 0.5 : 2;
    if (leader !== NO && this.vPos[leader] - LENGTH[this.vKind[leader]] - pos < margin + v * 0.3) return false;
    if (follower !== NO) {
      const gap = pos - len - this.vPos[follower];
      if (gap < margin) return false;
      const fk = this.vKind[follower];
      const fv = this.vSpeed[follower];
      const accF = this.idm(fk, fv, this.net.freeSpeed[this.vLink[i]] * this.vFactor[follower], gap, v);
      if (accF < -MOBIL_SAFE_DECEL) return false;
    }
    this.unlink(i);
    this.insertAt(i, lane, leader, follower);
    return true;
  }

  /** MOBIL: -1 or +1 when changing to that side is worth it and allowed for the next turn, else 0. */
  private mobilChoice(i: number, k: number, laneNo: number): number {
    const net = this.net;
    const kind = this.vKind[i];
    const v = this.vSpeed[i];
    const v0 = net.freeSpeed[k] * this.vFactor[i];
    const pos = this.vPos[i];
    const lead = this.vLeader[i];
    const accNow = lead === NO ? this.idm(kind, v, v0, FREE_GAP, v) : this.idm(kind, v, v0, this.vPos[lead] - LENGTH[this.vKind[lead]] - pos, this.vSpeed[lead]);
    let best = 0;
    let bestGain = MOBIL_THRESHOLD;
    for (const dir of [-1, 1]) {
      const target = laneNo + dir;
      if (target < this.vLaneLo[i] || target > this.vLaneHi[i] || target < this.closedLanes[k] || target >= net.lanes[k]) continue;
      const [leader, follower] = this.neighbours(i, net.laneStart[k] + target);
      const accNew =
        leader === NO ? this.idm(kind, v, v0, FREE_GAP, v) : this.idm(kind, v, v0, this.vPos[leader] - LENGTH[this.vKind[leader]] - pos, this.vSpeed[leader]);
      let followerLoss = 0;
      if (follower !== NO) {
        const fk = this.vKind[follower];
        const fv = this.vSpeed[follower];
        const fv0 = net.freeSpeed[k] * this.vFactor[follower];
        const before = leader === NO ? this.idm(fk, fv, fv0, FREE_GAP, fv) : this.idm(fk, fv, fv0, this.vPos[leader] - LENGTH[this.vKind[leader]] - this.vPos[follower], this.vSpeed[leader]);
        const after = this.idm(fk, fv, fv0, pos - LENGTH[kind] - this.vPos[follower], v);
        if (after < -MOBIL_SAFE_DECEL) continue;
        followerLoss = before - after;
      }
      // A slight bias to the kerb side keeps the left lanes for overtaking and turning.
      const gain = accNew - accNow - MOBIL_P * followerLoss + (dir < 0 ? 0.1 : 0);
      if (gain > bestGain) {
        bestGain = gain;
        best = dir;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- routing

  private rerouteStuck(i: number, t: number): void {
    const next = this.vNext[i];
    const saved = this.cost[next];
    this.cost[next] = saved + 600;
    const found = this.reroute(i);
    this.cost[next] = saved;
    this.vWait[i] = 0;
    // No way on at all (its destination was closed): the driver parks here and the trip ends.
    if (!found && this.closedLanes[next] >= this.net.lanes[next]) this.arrive(i, t);
  }

  /** A new route for vehicle i from the end of its current link to its destination; kept if found. */
  private reroute(i: number): boolean {
    if (this.vBusLine[i] >= 0) return false;
    const route = this.routes[i] as Int32Array;
    const dest = route[route.length - 1];
    const k = this.vLink[i];
    if (k === dest) return false;
    const fresh = this.router.route(k, dest, this.cost);
    if (!fresh) return false;
    this.routes[i] = fresh;
    this.vStep[i] = 0;
    const pos = this.vPos[i];
    this.enterLinkPlan(i);
    this.vPos[i] = pos;
    return true;
  }

  /** Cuts vehicle i's route at its current link: it arrives there. */
  private endTripOnCurrentLink(i: number): void {
    const route = this.routes[i] as Int32Array;
    const pos = this.vPos[i];
    this.routes[i] = route.slice(0, this.vStep[i] + 1);
    this.enterLinkPlan(i);
    this.vPos[i] = pos;
    this.vDestPos[i] = Math.min(Math.max(this.vDestPos[i], pos + 1), this.net.length[this.vLink[i]] - 0.5);
  }

  /** Refreshes link travel times from the smoothed speeds and reroutes vehicles whose way ahead became jammed or closed. */
  private updateCosts(): void {
    const net = this.net;
    const newlyBad = new Uint8Array(net.linkCount);
    let any = false;
    for (let k = 0; k < net.linkCount; k++) {
      const closed = this.closedLanes[k] >= net.lanes[k];
      const c = closed ? Infinity : this.freeCost[k] - net.length[k] / net.freeSpeed[k] + net.length[k] / Math.max(this.speedEma[k], 0.5);
      this.cost[k] = c;
      const bad = closed || c - this.freeCost[k] > JAM_DELAY_S ? 1 : 0;
      if (bad && !this.delayed[k]) {
        newlyBad[k] = 1;
        any = true;
      }
      this.delayed[k] = bad;
    }
    if (any) this.rerouteAround(newlyBad);
  }

  /** Reroutes (in id order, up to a limit) vehicles whose remaining route uses a flagged link. */
  private rerouteAround(flagged: Uint8Array): void {
    let done = 0;
    for (let a = 0; a < this.activeCount && done < MAX_REROUTES_PER_UPDATE; a++) {
      const i = this.active[a];
      if (!this.vAlive[i] || this.vBusLine[i] >= 0) continue;
      const route = this.routes[i] as Int32Array;
      for (let s = this.vStep[i] + 1; s < route.length; s++) {
        if (flagged[route[s]]) {
          this.reroute(i);
          done++;
          break;
        }
      }
    }
  }

  // ---------------------------------------------------------------- figures

  /** Every SAMPLE_EVERY_S: smoothed link speeds and flows, and the link figures for the map. */
  private sample(): void {
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

  private refreshLinkState(): void {
    const net = this.net;
    const st = this.linkState;
    const steps = Math.max(1, Math.round(SAMPLE_EVERY_S / this.dt));
    for (let k = 0; k < net.linkCount; k++) {
      st.speed[k] = this.speedEma[k];
      st.density[k] = this.linkCount[k] / steps / (net.length[k] / 1000);
      st.flow[k] = this.flowEma[k];
      st.closedLanes[k] = this.closedLanes[k];
      // Against the free-flow travel speed: the limit, slowed by the mean red time at the link's end,
      // so an uncongested signalised street reads as free.
      st.index[k] = linkIndex(this.speedEma[k] / (net.length[k] / this.freeCost[k]));
      // Queue: from the end of the link back over the vehicles standing in its longest lane queue.
      let queue = 0;
      for (let lane = net.laneStart[k]; lane < net.laneStart[k + 1]; lane++) {
        let q = 0;
        for (let i = this.laneHead[lane]; i !== NO && this.vSpeed[i] < 2; i = this.vFollower[i]) q = net.length[k] - this.vPos[i] + LENGTH[this.vKind[i]];
        if (q > queue) queue = q;
      }
      st.queue[k] = Math.min(queue, net.length[k]);
    }
  }

  private expireClosures(t: number): void {
    for (let k = 0; k < this.closedUntil.length; k++) {
      if (this.closedUntil[k] <= t) {
        this.closedUntil[k] = Infinity;
        this.closedLanes[k] = 0;
      }
    }
  }

  // ---------------------------------------------------------------- injects

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    const schema = (TrafficInjects as Record<string, z.ZodType>)[kind];
    if (!schema) return { ok: false, code: 'unknown_inject', message: `TrafficEngine: does not handle inject kind ${JSON.stringify(kind)}` };
    const parsed = schema.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, code: 'bad_inject_params', message: `${kind}: ${issue.path.join('.') || 'params'}: ${issue.message}` };
    }
    const bad = (message: string): InjectResult => ({ ok: false, code: 'bad_inject_params', message: `${kind}: ${message}` });
    const net = this.net;
    const t = this.dynT;
    void simTimeMs;
    switch (kind) {
      case 'traffic.close_link':
      case 'traffic.open_link': {
        const p = parsed.data as { linkId: string; lanes?: number; durationS?: number };
        const k = net.linkIndex.get(p.linkId);
        if (k === undefined) return bad(`linkId: no link ${JSON.stringify(p.linkId)} in the city`);
        if (kind === 'traffic.open_link') {
          this.closedLanes[k] = 0;
          this.closedUntil[k] = Infinity;
          this.updateCosts();
          return { ok: true };
        }
        if (p.lanes !== undefined && p.lanes > net.lanes[k]) return bad(`lanes: link ${p.linkId} has ${net.lanes[k]} lanes, cannot close ${p.lanes}`);
        this.closedLanes[k] = p.lanes ?? net.lanes[k];
        this.closedUntil[k] = p.durationS === undefined ? Infinity : t + p.durationS;
        if (this.closedLanes[k] >= net.lanes[k]) {
          this.cost[k] = Infinity;
          const flagged = new Uint8Array(net.linkCount);
          flagged[k] = 1;
          this.delayed[k] = 1;
          this.rerouteAround(flagged);
          // The limit in rerouteAround is for jams; a closure must reach everyone.
          for (let a = 0; a < this.activeCount; a++) {
            const i = this.active[a];
            if (!this.vAlive[i]) continue;
            const route = this.routes[i] as Int32Array;
            for (let s = this.vStep[i] + 1; s < route.length; s++) {
              if (route[s] !== k) continue;
              // No way round (the closed link was its destination): it stops on this link instead.
              if (!this.reroute(i)) this.endTripOnCurrentLink(i);
              break;
            }
          }
        }
        return { ok: true };
      }
      case 'traffic.signal_plan': {
        const p = parsed.data as { nodeId: string; cycleS: number; greenSplits: number[] };
        const node = net.nodeIndex.get(p.nodeId);
        if (node === undefined) return bad(`nodeId: no node ${JSON.stringify(p.nodeId)} in the city`);
        const error = this.signals.setPlan(node, p.cycleS, p.greenSplits);
        return error ? bad(error) : { ok: true };
      }
      case 'traffic.scale_demand':
        this.demandScale = (parsed.data as { factor: number }).factor;
        return { ok: true };
      case 'traffic.special_event': {
        const p = parsed.data as { at: Place; vehicles: number; durationS: number };
        const node = this.placeNode(p.at);
        if (node === undefined) return bad(`at: no node ${JSON.stringify(p.at)} in the city`);
        const zone = this.demand.nearestZone(net.nodeX[node], net.nodeY[node]);
        this.events.push({ zone, remaining: p.vehicles, rate: p.vehicles / p.durationS, carry: 0 });
        return { ok: true };
      }
      case 'traffic.emergency_vehicle': {
        const p = parsed.data as { from: Place; to: Place };
        const a = this.placeNode(p.from);
        const b = this.placeNode(p.to);
        if (a === undefined) return bad(`from: no node ${JSON.stringify(p.from)} in the city`);
        if (b === undefined) return bad(`to: no node ${JSON.stringify(p.to)} in the city`);
        const first = net.outLinks[net.outStart[a]];
        const last = net.inLinks[net.inStart[b]];
        const route = first === undefined || last === undefined ? null : this.router.route(first, last, this.cost);
        if (!route) return bad(`to: no open way from ${net.nodeIds[a]} to ${net.nodeIds[b]}`);
        if (!this.spawnOnRoute(route, ObjectKind.emergency, -1, t, true)) return { ok: false, code: 'no_room', message: `${kind}: no room to start at ${net.nodeIds[a]}; try again` };
        return { ok: true };
      }
    }
    return { ok: false, code: 'unknown_inject', message: `TrafficEngine: does not handle inject kind ${JSON.stringify(kind)}` };
  }

  private placeNode(p: Place): number | undefined {
    return typeof p === 'string' ? this.net.nodeIndex.get(p) : this.nearestNode(p.x, p.y);
  }

  // ---------------------------------------------------------------- outputs

  objects(): ObjectState {
    const net = this.net;
    const s = this.objectState;
    this.compact();
    const n = this.activeCount;
    const ahead = Math.min(this.dt, Math.max(0, this.viewT - this.dynT));
    for (let a = 0; a < n; a++) {
      const i = this.active[a];
      const k = this.vLink[i];
      const pos = Math.min(this.vPos[i] + this.vSpeed[i] * ahead, net.length[k]);
      const last = net.pointStart[k + 1] - 2;
      let seg = this.vSeg[i];
      if (seg < net.pointStart[k] || seg > last || net.pointDist[seg] > pos) seg = net.pointStart[k];
      while (seg < last && net.pointDist[seg + 1] <= pos) seg++;
      this.vSeg[i] = seg;
      const segLen = net.pointDist[seg + 1] - net.pointDist[seg];
      const f = segLen > 0 ? Math.min(1, (pos - net.pointDist[seg]) / segLen) : 0;
      const h = net.segHeading[seg];
      const side = net.kerbOffset[k] - (this.vLane[i] - net.laneStart[k]) * LANE_WIDTH;
      s.id[a] = this.vId[i];
      s.x[a] = net.pointX[seg] + (net.pointX[seg + 1] - net.pointX[seg]) * f + Math.cos(h) * side;
      s.y[a] = net.pointY[seg] + (net.pointY[seg + 1] - net.pointY[seg]) * f - Math.sin(h) * side;
      s.heading[a] = h;
      const v = this.vSpeed[i];
      s.speed[a] = v;
      s.kind[a] = this.vKind[i];
      let flags = this.vFlags[i] & ObjectFlags.sirens;
      if (this.vAcc[i] < -1) flags |= ObjectFlags.braking;
      if (v < 0.1) flags |= ObjectFlags.stopped;
      s.flags[a] = flags;
    }
    s.count = n;
    return s;
  }

  output(id: string): ObjectState | LinkState | TrafficSummary | LinkActivity {
    switch (id) {
      case 'traffic.objects':
        return this.objects();
      case 'traffic.links':
        return this.links();
      case 'traffic.summary':
        return this.trafficSummary();
      default:
        return this.activity.published;
    }
  }

  links(): LinkState {
    return this.linkState;
  }

  trafficSummary(): TrafficSummary {
    const net = this.net;
    const st = this.linkState;
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
    for (let a = 0; a < this.activeCount; a++) {
      const i = this.active[a];
      if (!this.vAlive[i]) continue;
      vehicles++;
      speedSum += this.vSpeed[i];
    }
    const worst: number[] = [];
    for (let k = 0; k < net.linkCount; k++) if (st.density[k] * net.length[k] >= 2000 && st.index[k] >= 4) worst.push(k);
    worst.sort((a, b) => st.index[b] - st.index[a] || a - b);
    const odTimes = this.odPairs.map((p) => {
      const first = net.outLinks[net.outStart[p.from]];
      const last = net.inLinks[net.inStart[p.to]];
      const path = this.router.route(first, last, this.cost);
      return { id: p.id, name: p.name, seconds: path ? Math.round(Router.pathCost(path, 0, this.cost)) : 0 };
    });
    const index = idx(districts);
    return {
      simTimeMs: Math.max(0, Math.round(this.dynT * 1000)),
      index,
      level: congestionLevel(index),
      meanSpeedKmh: round2(vehicles > 0 ? (speedSum / vehicles) * 3.6 : 0),
      vehicles,
      departed: this.counters[0],
      arrived: this.counters[1],
      vehicleHours: round2(this.counters[2] / 3600),
      delayHours: round2(this.counters[3] / 3600),
      districts: net.districtIds.map((id, d) => ({ id, index: idx(d) })),
      odTimes,
      worstLinks: worst.slice(0, 10).map((k) => ({ linkId: net.linkIds[k], name: net.linkNames[k], index: round2(st.index[k]), speedKmh: round2(st.speed[k] * 3.6) })),
    };
  }

  // ---------------------------------------------------------------- inspection (tests, API)

  /** Counts for conservation checks: trips departed, arrived, vehicles on the network, trips waiting to depart. */
  counts(): { departed: number; arrived: number; onNetwork: number; waiting: number } {
    let on = 0;
    for (let a = 0; a < this.activeCount; a++) if (this.vAlive[this.active[a]]) on++;
    return { departed: this.counters[0], arrived: this.counters[1], onNetwork: on, waiting: this.pendCount };
  }

  /** Every vehicle now as plain records (tests and the vehicle inspector; not for the hot path). */
  vehicles(): { id: number; kind: number; linkId: string; lane: number; pos: number; speed: number; length: number; destinationLinkId: string; nextLinkId: string | null }[] {
    const out = [];
    for (let a = 0; a < this.activeCount; a++) {
      const i = this.active[a];
      if (!this.vAlive[i]) continue;
      const route = this.routes[i] as Int32Array;
      out.push({
        id: this.vId[i],
        kind: this.vKind[i],
        linkId: this.net.linkIds[this.vLink[i]],
        lane: this.vLane[i],
        pos: this.vPos[i],
        speed: this.vSpeed[i],
        length: LENGTH[this.vKind[i]],
        destinationLinkId: this.net.linkIds[route[route.length - 1]],
        nextLinkId: this.vNext[i] === NO ? null : this.net.linkIds[this.vNext[i]],
      });
    }
    return out;
  }

  describeObject(id: number): ObjectDescription | undefined {
    // Ids ascend along the id-ordered list: binary search it.
    let lo = 0;
    let hi = this.activeCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = this.active[mid];
      const v = this.vId[i];
      if (v === id) {
        if (!this.vAlive[i]) return undefined;
        const net = this.net;
        const route = this.routes[i] as Int32Array;
        const dest = route[route.length - 1];
        return {
          id,
          kind: KIND_NAMES[this.vKind[i]] ?? 'car',
          speedKmh: round2(this.vSpeed[i] * 3.6),
          linkId: net.linkIds[this.vLink[i]],
          street: net.linkNames[this.vLink[i]],
          destinationLinkId: net.linkIds[dest],
          destinationStreet: net.linkNames[dest],
          travellingMinutes: round2((this.dynT - this.vDepart[i]) / 60),
        };
      }
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Vehicles in each lane from the front, as ids (tests). */
  laneOrder(lane: number): number[] {
    const out: number[] = [];
    for (let i = this.laneHead[lane]; i !== NO; i = this.vFollower[i]) out.push(this.vId[i]);
    return out;
  }

  /** The network (tests, API). */
  network(): TrafficNetwork {
    return this.net;
  }

  /** Signal state of a link's end now (tests). */
  signalStateOf(linkId: string): number {
    return this.signals.state[this.net.linkIndex.get(linkId) as number];
  }

  /** The signal plans (tests, API). */
  signalPlans(): SignalPlans {
    return this.signals;
  }

  // ---------------------------------------------------------------- snapshots

  snapshot(): EngineSnapshot {
    const ids: number[] = [];
    for (let a = 0; a < this.activeCount; a++) if (this.vAlive[this.active[a]]) ids.push(this.active[a]);
    const n = ids.length;
    const take = <T extends Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Int16Array>(src: T, make: (n: number) => T): T => {
      const out = make(n);
      ids.forEach((i, j) => (out[j] = src[i]));
      return out;
    };
    let routeLen = 0;
    for (const i of ids) routeLen += (this.routes[i] as Int32Array).length;
    const routeStart = new Int32Array(n + 1);
    const routes = new Int32Array(routeLen);
    let r = 0;
    ids.forEach((i, j) => {
      routeStart[j] = r;
      routes.set(this.routes[i] as Int32Array, r);
      r += (this.routes[i] as Int32Array).length;
    });
    routeStart[n] = r;
    const snap: EngineSnapshotData = {
      version: 1,
      dynT: this.dynT,
      stepNo: this.stepNo,
      nextId: this.nextId,
      rng: this.rng.getState(),
      counters: this.counters.slice(),
      carry: this.carry.slice(),
      demandScale: this.demandScale,
      closedLanes: this.closedLanes.slice(),
      closedUntil: this.closedUntil.slice(),
      signals: this.signals.save(),
      speedEma: this.speedEma.slice(),
      flowEma: this.flowEma.slice(),
      exits: this.exits.slice(),
      linkCount: this.linkCount.slice(),
      linkSpeedSum: this.linkSpeedSum.slice(),
      cost: this.cost.slice(),
      delayed: this.delayed.slice(),
      lastEntry: this.lastEntry.slice(),
      linkState: copyLinkState(this.linkState),
      activity: this.activity.snapshot(),
      events: this.events.map((e) => ({ ...e })),
      busNext: this.busNext.slice(),
      vehicles: {
        id: take(this.vId, (m) => new Uint32Array(m)),
        kind: take(this.vKind, (m) => new Uint8Array(m)),
        flags: take(this.vFlags, (m) => new Uint8Array(m)),
        lane: take(this.vLane, (m) => new Int32Array(m)),
        pos: take(this.vPos, (m) => new Float64Array(m)),
        speed: take(this.vSpeed, (m) => new Float32Array(m)),
        acc: take(this.vAcc, (m) => new Float32Array(m)),
        factor: take(this.vFactor, (m) => new Float32Array(m)),
        step: take(this.vStep, (m) => new Int32Array(m)),
        destPos: take(this.vDestPos, (m) => new Float32Array(m)),
        depart: take(this.vDepart, (m) => new Float64Array(m)),
        wait: take(this.vWait, (m) => new Float32Array(m)),
        stopPos: take(this.vStopPos, (m) => new Float32Array(m)),
        dwell: take(this.vDwell, (m) => new Float32Array(m)),
        busLine: take(this.vBusLine, (m) => new Int16Array(m)),
        routeStart,
        routes,
      },
      pending: {
        origin: this.pendOrigin.slice(0, this.pendCount),
        dest: this.pendDest.slice(0, this.pendCount),
        kind: this.pendKind.slice(0, this.pendCount),
        tries: this.pendTries.slice(0, this.pendCount),
      },
    };
    return snap;
  }

  restore(snapshot: EngineSnapshot): void {
    const s = snapshot as EngineSnapshotData;
    const net = this.net;
    this.dynT = s.dynT;
    this.stepNo = s.stepNo;
    this.nextId = s.nextId;
    this.rng.setState(s.rng);
    this.counters.set(s.counters);
    this.carry.set(s.carry);
    this.demandScale = s.demandScale;
    this.closedLanes.set(s.closedLanes);
    this.closedUntil.set(s.closedUntil);
    this.signals.restore(s.signals);
    this.speedEma.set(s.speedEma);
    this.flowEma.set(s.flowEma);
    this.exits.set(s.exits);
    this.cost.set(s.cost);
    this.delayed.set(s.delayed);
    this.lastEntry.set(s.lastEntry);
    this.linkState = copyLinkState(s.linkState);
    this.activity.restore(s.activity);
    this.events = s.events.map((e) => ({ ...e }));
    this.busNext.set(s.busNext);
    const v = s.vehicles;
    const n = v.id.length;
    if (n > this.cap) throw new Error(`TrafficEngine: snapshot of ${n} vehicles does not fit ${this.cap}`);
    this.vAlive.fill(0);
    this.routes.fill(null);
    this.laneHead.fill(NO);
    this.laneTail.fill(NO);
    for (let j = 0; j < n; j++) {
      const i = j;
      this.vId[i] = v.id[j];
      this.vKind[i] = v.kind[j];
      this.vFlags[i] = v.flags[j];
      this.vLane[i] = v.lane[j];
      this.vLink[i] = net.laneLink[v.lane[j]];
      this.vPos[i] = v.pos[j];
      this.vSpeed[i] = v.speed[j];
      this.vAcc[i] = v.acc[j];
      this.vFactor[i] = v.factor[j];
      this.vDepart[i] = v.depart[j];
      this.vWait[i] = v.wait[j];
      this.vBusLine[i] = v.busLine[j];
      this.vAlive[i] = 1;
      this.vMoved[i] = 0;
      this.vSeg[i] = net.pointStart[this.vLink[i]];
      this.routes[i] = v.routes.slice(v.routeStart[j], v.routeStart[j + 1]);
      this.vStep[i] = v.step[j];
      this.enterLinkPlan(i);
      this.vDestPos[i] = v.destPos[j];
      this.vStopPos[i] = v.stopPos[j];
      this.vDwell[i] = v.dwell[j];
      this.active[j] = i;
    }
    this.activeCount = n;
    this.releasedCount = 0;
    this.freeCount = 0;
    for (let i = this.cap - 1; i >= n; i--) this.free[this.freeCount++] = i;
    // Rebuild the lanes: front (largest position) first.
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => this.vLane[a] - this.vLane[b] || this.vPos[b] - this.vPos[a]);
    for (const i of order) this.appendTail(i, this.vLane[i]);
    const pend = s.pending;
    this.pendCount = pend.origin.length;
    this.pendOrigin.set(pend.origin);
    this.pendDest.set(pend.dest);
    this.pendKind.set(pend.kind);
    this.pendTries.set(pend.tries);
    this.linkCount.set(s.linkCount);
    this.linkSpeedSum.set(s.linkSpeedSum);
  }

  dispose(): void {
    this.allocate(0);
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

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

const demands = new WeakMap<CityModel, TravelDemand>();

function travelDemandOf(city: CityModel, net: TrafficNetwork): TravelDemand {
  let d = demands.get(city);
  if (!d) {
    d = new TravelDemand(city, net);
    demands.set(city, d);
  }
  return d;
}

