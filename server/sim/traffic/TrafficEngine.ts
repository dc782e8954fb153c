import type { LinkState } from '../../protocol/LinkState.ts';
import { createObjectState, ObjectFlags, ObjectKind, type ObjectState } from '../../protocol/ObjectState.ts';
import type { TrafficSummary } from '../../protocol/TrafficSummary.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult, ObjectDescription } from '../Engine.ts';
import type { LinkActivity, LinkCosts, OutputDeclaration, TaggedTrips as TaggedTripsOutput } from '../outputs.ts';
import { BusLines } from './BusLines.ts';
import { Departures } from './Departures.ts';
import { Driving } from './Driving.ts';
import { FloodedRoads } from './FloodedRoads.ts';
import { VEHICLE_LENGTH } from './idm.ts';
import { LaneChanging } from './LaneChanging.ts';
import { LinkFigures, round2, SAMPLE_EVERY_S } from './LinkFigures.ts';
import { Rerouting } from './Rerouting.ts';
import { placeNode, resolveOdPairs, type OdPair } from './resolveOdPairs.ts';
import { Router } from './Router.ts';
import { SignalPlans } from './SignalPlans.ts';
import { TaggedTrips } from './TaggedTrips.ts';
import { LANE_WIDTH, trafficNetworkOf, type TrafficNetwork } from './TrafficNetwork.ts';
import { TrafficInjects, TrafficParams, type Place } from './trafficParams.ts';
import { TrafficSnapshots } from './TrafficSnapshots.ts';
import { ExplicitTrips, tripFilePeakFlows, type ExplicitTripCounts, type ExplicitTripsSnapshot } from './tripFiles/ExplicitTrips.ts';
import { TripTable } from './tripFiles/TripTable.ts';
import { travelDemandOf, type TravelDemand } from './TravelDemand.ts';
import { NO, VehicleStore } from './VehicleStore.ts';
import { parseInject } from '../parseInject.ts';

/** Link travel times (route costs) are refreshed this often, sim seconds. */
const COST_EVERY_S = 30;

const KIND_NAMES = Object.keys(ObjectKind);

/**
 * The traffic twin: microscopic simulation of every vehicle on the city's roads.
 *
 * - Vehicles follow the Intelligent Driver Model on their lane (the leader is the vehicle ahead in
 *   the lane, the stop line when the way on is barred, or the last vehicle of the lane they turn
 *   into), with a ballistic update and a hard limit that keeps every gap ≥ 0; no one overtakes
 *   within a lane (Driving).
 * - Lanes: a vehicle keeps to the lanes its next turn allows (right turns from the kerb lane, left
 *   and U-turns from the leftmost, straight from any), changing lane when it is safe for the new
 *   follower (mandatory changes) or when MOBIL finds it worth it (discretionary). A driver stuck in
 *   the wrong lane at the line for 15 s squeezes in anyway. Vehicles yield to an emergency vehicle
 *   behind them by changing lane (LaneChanging).
 * - Junctions: fixed-time signals (SignalPlans) stop vehicles at red, and at amber those that can
 *   stop comfortably. At unsignalised junctions approaches of the highest road class go first;
 *   the others wait for a gap of 3.5 s in its moving vehicles (1.5 s once they have waited 40 s)
 *   and cross at least 1.5 s after each other (Driving).
 * - Demand: trips between traffic zones from land use (TravelDemand), by the hourly profiles;
 *   departures from the seeded stream, each routed by A* on current travel times (Departures).
 *   A scenario's trip file (SUMO trips, routes and flows, or a CSV) adds its vehicles at their
 *   times, on their routes or routed the same way (tripFiles/ExplicitTrips).
 *   Vehicles reroute when a link on their path closes, when a link ahead becomes jammed, or when
 *   stuck 90 s (Rerouting).
 * - Buses run generated lines on arterials (BusLines) and stop 20 s at their stops; trucks carry freight.
 * - Link figures, vehicle-metres by kind and the summary: LinkFigures; snapshots: TrafficSnapshots.
 *
 * All vehicle state is structure of arrays indexed by slot; lanes are linked lists through
 * `leader`/`follower` (VehicleStore). Iteration order never depends on slot numbers, so a restored
 * snapshot continues exactly like the original.
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
    { id: 'traffic.costs', kind: 'linkCosts' },
    { id: 'traffic.tagged', kind: 'taggedTrips' },
  ] as const satisfies readonly OutputDeclaration[];
  /** Water on the roads, when a flood engine runs with it. */
  readonly reads = ['flood.roads'] as const;

  private net!: TrafficNetwork;
  private demand!: TravelDemand;
  private signals!: SignalPlans;
  private router!: Router;
  private dt = 0.5;
  /** Sim time of the dynamics, seconds since the run's start (negative while warming up). */
  private dynT = 0;
  private stepNo = 0;
  /** Sim time of the last step call, seconds: objects are drawn this far past the dynamics. */
  private viewT = 0;

  private store!: VehicleStore;
  private buses!: BusLines;
  private rerouting!: Rerouting;
  private figures!: LinkFigures;
  private departures!: Departures;
  private driving!: Driving;
  private laneChanging!: LaneChanging;
  private snapshots!: TrafficSnapshots;
  private flooded!: FloodedRoads;
  private tagged!: TaggedTrips;
  /** Demand from the scenario's trip file, when it names one. */
  private tripFile?: ExplicitTrips;
  private ctx!: EngineContext;

  private objectState: ObjectState = createObjectState(0);
  private odPairs: OdPair[] = [];

  init(ctx: EngineContext): void {
    const params = TrafficParams.parse(ctx.params ?? {});
    const net = (this.net = trafficNetworkOf(ctx.city));
    this.demand = travelDemandOf(ctx.city, net);
    const router = (this.router = new Router(net));
    const dtMs = Math.max(ctx.stepMs, Math.round(params.stepSeconds * 1000 / ctx.stepMs) * ctx.stepMs);
    const dt = (this.dt = dtMs / 1000);
    const store = (this.store = new VehicleStore(net.laneCount, params.maxVehicles));
    const buses = (this.buses = new BusLines());
    const rerouting = (this.rerouting = new Rerouting(net, router, store, buses));
    const figures = (this.figures = new LinkFigures(net, dt, store, rerouting, router));
    const departures = (this.departures = new Departures(net, this.demand, router, ctx.rng, params, dt, ctx.startEpochMs, store, rerouting, buses));
    this.objectState = createObjectState(params.maxVehicles);

    // Signal timings for the busiest hour of the generated demand, with a trip file's added.
    let peakFlows = departures.peakApproachFlows();
    if (params.trips instanceof TripTable) {
      const fileFlows = tripFilePeakFlows(params.trips, net, router);
      peakFlows = peakFlows.map((f, k) => f + fileFlows[k]);
    }
    const signals = (this.signals = new SignalPlans(net, peakFlows));
    for (const plan of params.signalPlans) {
      const node = net.nodeIndex.get(plan.nodeId);
      const error = node === undefined ? `nodeId: no node ${JSON.stringify(plan.nodeId)}` : signals.setPlan(node, plan.cycleS, plan.greenSplits);
      if (error) throw new Error(`TrafficEngine: signalPlans: ${error}`);
    }
    rerouting.addCostOfSignals(signals);
    buses.build(net, router, rerouting.freeCost, ctx.rng.fork('bus'), params.busLines);
    const driving = (this.driving = new Driving(net, dt, store, signals, rerouting, figures));
    this.laneChanging = new LaneChanging(net, dt, store, rerouting);
    this.flooded = new FloodedRoads(net, rerouting);
    this.tagged = new TaggedTrips(net, router, store, departures, rerouting);
    this.ctx = ctx;
    this.snapshots = new TrafficSnapshots({ net, rng: ctx.rng, store, departures, buses, rerouting, signals, figures, driving, flooded: this.flooded, tagged: this.tagged });
    this.odPairs = resolveOdPairs(net, ctx.city, params.odPairs);
    figures.refreshLinkState();

    // The warm-up runs from here in warmUp; a fork is given its state at once (EngineContext.warmUp): warming up would be wasted.
    this.dynT = params.warmUpMinutes > 0 && ctx.warmUp !== false ? -params.warmUpMinutes * 60 : 0;
    if (typeof params.trips === 'string') throw new Error(`TrafficEngine: trips: ${JSON.stringify(params.trips)} was not read (the scenario loader reads a scenario's trip file and passes its table)`);
    if (params.trips) {
      const tripFile = (this.tripFile = new ExplicitTrips(params.trips, net, router, store, departures, rerouting, ctx.startEpochMs, this.dynT));
      rerouting.keepsRoute = (id) => tripFile.keepsRoute(id);
    }
  }

  /** Runs the dynamics from `warmUpMinutes` before time 0 up to it, in slices (Engine.warmUp), so the network is not empty at the start. */
  warmUp(more: () => boolean): boolean {
    if (this.dynT >= 0) return true;
    do this.dynStep();
    while (this.dynT < 0 && more());
    if (this.dynT < 0) return false;
    // Departures and arrivals stay counted (departed = arrived + on the network); time and delay start now.
    this.store.counters.fill(0, 2);
    this.figures.exits.fill(0);
    this.dynT = 0;
    return true;
  }

  // ---------------------------------------------------------------- stepping

  step(simTimeMs: number): void {
    this.flooded.apply(this.ctx.read('flood.roads', 'linkWater'));
    while ((this.dynT + this.dt) * 1000 <= simTimeMs + 1e-6) this.dynStep();
    this.viewT = simTimeMs / 1000;
  }

  private dynStep(): void {
    const t = this.dynT;
    this.store.compact();
    this.stepNo++;
    this.signals.update(t);
    this.rerouting.expireClosures(t);
    this.departures.draw(t, this.stepNo);
    this.departures.insertPending(t, this.stepNo);
    this.tripFile?.depart(t, this.stepNo);
    this.tagged.startWaiting(t, this.stepNo);
    this.laneChanging.changeLanes(this.stepNo);
    this.driving.junctionGaps();
    this.driving.drive(t, this.stepNo);
    this.dynT = Math.round((t + this.dt) * 1000) / 1000;
    this.tagged.collect(this.dynT);
    this.figures.activity.advance(this.dynT);
    if (Math.floor(this.dynT / SAMPLE_EVERY_S) !== Math.floor(t / SAMPLE_EVERY_S)) this.figures.sample();
    if (Math.floor(this.dynT / COST_EVERY_S) !== Math.floor(t / COST_EVERY_S)) this.rerouting.updateCosts(this.figures.speedEma);
  }

  // ---------------------------------------------------------------- injects

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    const parsed = parseInject('TrafficEngine', TrafficInjects, kind, params);
    if (!parsed.ok) return parsed;
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
          this.rerouting.open(k, this.figures.speedEma);
          return { ok: true };
        }
        if (p.lanes !== undefined && p.lanes > net.lanes[k]) return bad(`lanes: link ${p.linkId} has ${net.lanes[k]} lanes, cannot close ${p.lanes}`);
        this.rerouting.close(k, p.lanes ?? net.lanes[k], p.durationS === undefined ? Infinity : t + p.durationS);
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
        this.departures.demandScale = (parsed.data as { factor: number }).factor;
        return { ok: true };
      case 'traffic.special_event': {
        const p = parsed.data as { at: Place; vehicles: number; durationS: number };
        const node = placeNode(net, p.at);
        if (node === undefined) return bad(`at: no node ${JSON.stringify(p.at)} in the city`);
        const zone = this.demand.nearestZone(net.nodeX[node], net.nodeY[node]);
        this.departures.addEvent(zone, p.vehicles, p.durationS);
        return { ok: true };
      }
      case 'traffic.emergency_vehicle':
      case 'traffic.trips': {
        const p = parsed.data as { from: Place; to: Place; tag?: string; vehicles?: number; fromLinkId?: string; toLinkId?: string };
        const a = placeNode(net, p.from);
        const b = placeNode(net, p.to);
        if (a === undefined) return bad(`from: no node ${JSON.stringify(p.from)} in the city`);
        if (b === undefined) return bad(`to: no node ${JSON.stringify(p.to)} in the city`);
        if (p.tag !== undefined && this.tagged.has(p.tag)) return bad(`tag: ${JSON.stringify(p.tag)} is taken`);
        const first = p.fromLinkId === undefined ? net.outLinks[net.outStart[a]] : net.linkIndex.get(p.fromLinkId);
        const last = p.toLinkId === undefined ? net.inLinks[net.inStart[b]] : net.linkIndex.get(p.toLinkId);
        if (p.fromLinkId !== undefined && first === undefined) return bad(`fromLinkId: no link ${JSON.stringify(p.fromLinkId)} in the city`);
        if (p.toLinkId !== undefined && last === undefined) return bad(`toLinkId: no link ${JSON.stringify(p.toLinkId)} in the city`);
        const emergency = kind === 'traffic.emergency_vehicle';
        const cost = this.rerouting.costFor(emergency ? ObjectKind.emergency : ObjectKind.car);
        const route = first === undefined || last === undefined ? null : this.router.route(first, last, cost);
        // A tagged request is taken even without a way now: its tag then reports the vehicles given up.
        if (!route && (p.tag === undefined || first === undefined || last === undefined)) return bad(`to: no open way from ${net.nodeIds[a]} to ${net.nodeIds[b]}`);
        if (!emergency) {
          this.tagged.addGroup(p.tag ?? `trips-${this.stepNo}-${a}-${b}`, first as number, last as number, p.vehicles ?? 1);
          return { ok: true };
        }
        // A tagged unit waits for room; an operator's untagged one is refused when there is none.
        if (p.tag !== undefined) {
          this.tagged.addUnit(p.tag, first as number, last as number, t, this.stepNo);
          return { ok: true, id: p.tag };
        }
        if (!route || !this.departures.spawnOnRoute(route, ObjectKind.emergency, -1, t, this.stepNo, true)) return { ok: false, code: 'no_room', message: `${kind}: no room to start at ${net.nodeIds[a]}; try again` };
        return { ok: true };
      }
    }
    return { ok: false, code: 'unknown_inject', message: `TrafficEngine: does not handle inject kind ${JSON.stringify(kind)}` };
  }

  // ---------------------------------------------------------------- outputs

  /** Every vehicle now, in id order, drawn on its lane as far past the dynamics as the run's time is. */
  objects(): ObjectState {
    const net = this.net;
    const st = this.store;
    const s = this.objectState;
    st.compact();
    const n = st.activeCount;
    const ahead = Math.min(this.dt, Math.max(0, this.viewT - this.dynT));
    for (let a = 0; a < n; a++) {
      const i = st.active[a];
      const k = st.vLink[i];
      const pos = Math.min(st.vPos[i] + st.vSpeed[i] * ahead, net.length[k]);
      const last = net.pointStart[k + 1] - 2;
      let seg = st.vSeg[i];
      if (seg < net.pointStart[k] || seg > last || net.pointDist[seg] > pos) seg = net.pointStart[k];
      while (seg < last && net.pointDist[seg + 1] <= pos) seg++;
      st.vSeg[i] = seg;
      const segLen = net.pointDist[seg + 1] - net.pointDist[seg];
      const f = segLen > 0 ? Math.min(1, (pos - net.pointDist[seg]) / segLen) : 0;
      const h = net.segHeading[seg];
      const side = net.kerbOffset[k] - (st.vLane[i] - net.laneStart[k]) * LANE_WIDTH;
      s.id[a] = st.vId[i];
      s.x[a] = net.pointX[seg] + (net.pointX[seg + 1] - net.pointX[seg]) * f + Math.cos(h) * side;
      s.y[a] = net.pointY[seg] + (net.pointY[seg + 1] - net.pointY[seg]) * f - Math.sin(h) * side;
      s.heading[a] = h;
      const v = st.vSpeed[i];
      s.speed[a] = v;
      s.kind[a] = st.vKind[i];
      let flags = st.vFlags[i] & ObjectFlags.sirens;
      if (st.vAcc[i] < -1) flags |= ObjectFlags.braking;
      if (v < 0.1) flags |= ObjectFlags.stopped;
      s.flags[a] = flags;
    }
    s.count = n;
    return s;
  }

  output(id: string): ObjectState | LinkState | TrafficSummary | LinkActivity | LinkCosts | TaggedTripsOutput {
    switch (id) {
      case 'traffic.costs':
        return { simTimeMs: Math.round(this.dynT * 1000), car: this.rerouting.cost, emergency: this.rerouting.emergencyCost };
      case 'traffic.tagged':
        return this.tagged.output(Math.round(this.dynT * 1000));
      case 'traffic.objects':
        return this.objects();
      case 'traffic.links':
        return this.links();
      case 'traffic.summary':
        return this.trafficSummary();
      default:
        return this.figures.activity.published;
    }
  }

  links(): LinkState {
    return this.figures.linkState;
  }

  trafficSummary(): TrafficSummary {
    return this.figures.summary(this.dynT, this.odPairs);
  }

  // ---------------------------------------------------------------- inspection (tests, API)

  /** Counts for conservation checks: trips departed, arrived, vehicles on the network, trips waiting to depart. */
  counts(): { departed: number; arrived: number; onNetwork: number; waiting: number } {
    const st = this.store;
    return { departed: st.counters[0], arrived: st.counters[1], onNetwork: st.onNetwork(), waiting: this.departures.pendCount };
  }

  /** What became of the trip file's trips so far, or undefined without one (tests, API). */
  tripFileCounts(): ExplicitTripCounts | undefined {
    return this.tripFile?.counts();
  }

  /** The vehicle id a trip of the trip file started as, and when (sim seconds); undefined before it starts (tests). */
  vehicleOfTrip(tripId: string): { vehicleId: number; departedS: number } | undefined {
    return this.tripFile?.vehicleOfTrip(tripId);
  }

  /** Every vehicle now as plain records (tests and the vehicle inspector; not for the hot path). */
  vehicles(): { id: number; kind: number; linkId: string; lane: number; pos: number; speed: number; length: number; destinationLinkId: string; nextLinkId: string | null }[] {
    const st = this.store;
    const out = [];
    for (let a = 0; a < st.activeCount; a++) {
      const i = st.active[a];
      if (!st.vAlive[i]) continue;
      const route = st.routes[i] as Int32Array;
      out.push({
        id: st.vId[i],
        kind: st.vKind[i],
        linkId: this.net.linkIds[st.vLink[i]],
        lane: st.vLane[i],
        pos: st.vPos[i],
        speed: st.vSpeed[i],
        length: VEHICLE_LENGTH[st.vKind[i]],
        destinationLinkId: this.net.linkIds[route[route.length - 1]],
        nextLinkId: st.vNext[i] === NO ? null : this.net.linkIds[st.vNext[i]],
      });
    }
    return out;
  }

  describeObject(id: number): ObjectDescription | undefined {
    const st = this.store;
    // Ids ascend along the id-ordered list: binary search it.
    let lo = 0;
    let hi = st.activeCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = st.active[mid];
      const v = st.vId[i];
      if (v === id) {
        if (!st.vAlive[i]) return undefined;
        const net = this.net;
        const route = st.routes[i] as Int32Array;
        const dest = route[route.length - 1];
        return {
          id,
          kind: KIND_NAMES[st.vKind[i]] ?? 'car',
          speedKmh: round2(st.vSpeed[i] * 3.6),
          linkId: net.linkIds[st.vLink[i]],
          street: net.linkNames[st.vLink[i]],
          destinationLinkId: net.linkIds[dest],
          destinationStreet: net.linkNames[dest],
          travellingMinutes: round2((this.dynT - st.vDepart[i]) / 60),
        };
      }
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Vehicles in each lane from the front, as ids (tests). */
  laneOrder(lane: number): number[] {
    return this.store.laneOrder(lane);
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
    const s = this.snapshots.take(this.dynT, this.stepNo) as object;
    return this.tripFile ? { ...s, tripFile: this.tripFile.snapshot() } : s;
  }

  restore(snapshot: EngineSnapshot): void {
    if (this.tripFile) this.tripFile.restore((snapshot as { tripFile: ExplicitTripsSnapshot }).tripFile);
    const clock = this.snapshots.restore(snapshot);
    this.dynT = clock.dynT;
    this.stepNo = clock.stepNo;
  }

  dispose(): void {
    // An engine made only to read its schemas was never initialised: there is nothing to free.
    if (this.store === undefined) return;
    this.store.allocate(0);
    this.departures.allocatePending(0);
    this.objectState = createObjectState(0);
  }
}
