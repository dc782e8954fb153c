import type { Departures } from '../Departures.ts';
import { placeNode } from '../resolveOdPairs.ts';
import type { Rerouting } from '../Rerouting.ts';
import type { Router } from '../Router.ts';
import type { TrafficNetwork } from '../TrafficNetwork.ts';
import type { VehicleStore } from '../VehicleStore.ts';
import { EndType, type TripTable } from './TripTable.ts';

/** Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MAX_ERRORS = 20;

/** A TripTable on one network: link indices, departures in time order. Shared by every run of the city with the table. */
interface ResolvedTrips {
  /** Trip indices by departure (file order among equal times). */
  order: Int32Array;
  /** First and last link of each trip. */
  origin: Int32Array;
  dest: Int32Array;
  /** Each trip's given route as link indices, or null when the engine routes it. */
  route: (Int32Array | null)[];
  /** The busiest hour's flows (tripFilePeakFlows), once asked for: shared, never changed. */
  peakFlows?: Float32Array;
}

export interface ExplicitTripsSnapshot {
  next: number;
  waiting: Int32Array;
  vehicleOf: Int32Array;
  departedS: Float64Array;
  unreachable: number;
}

/** What became of a file's trips so far. */
export interface ExplicitTripCounts {
  /** Trips of the file. */
  total: number;
  /** Trips due before the run's first step (its warm-up included): never started. */
  before: number;
  /** On the road or arrived. */
  departed: number;
  /** Due, waiting for room on their first link. */
  waiting: number;
  /** Due, but with no open way to their destination: not made. */
  unreachable: number;
}

/**
 * Demand from a trip file (a scenario's `trips`): each trip joins a waiting list at its departure
 * time (seconds from the midnight of the run's start day, so a run starting at 07:00 takes the
 * file's 07:00 trips at its time 0) and starts at the beginning of its first link as soon as there
 * is room, as SUMO inserts vehicles. Vehicles with a route in the file drive it, through jams too
 * (only a closure, or standing stuck, sends them another way); the others are routed on current
 * travel times when they start and reroute as generated trips do. Waiting trips keep their place (they are never
 * given up), and one that finds no room holds back those behind it on the same link for the step.
 */
export class ExplicitTrips {
  private readonly resolved: ResolvedTrips;
  /** Sim time (seconds since the run's start) of the file's midnight. */
  private readonly midnightT: number;
  /** The run's first dynamics time: trips due before it are left out. */
  private readonly firstT: number;
  private next = 0;
  private waiting = new Int32Array(256);
  private waitCount = 0;
  /** Vehicle id each trip started as, or -1. */
  private vehicleOf: Int32Array;
  /** Sim time each trip started, seconds since the run's start; NaN before. */
  private departedS: Float64Array;
  private unreachable = 0;
  /** Step number at which a link last had no room for a waiting trip. */
  private readonly fullAt: Uint32Array;
  /** Ids of the vehicles started on a route the file gives: they keep it through jams (Rerouting.keepsRoute). */
  private givenRoute = new Set<number>();

  constructor(
    private readonly table: TripTable,
    private readonly net: TrafficNetwork,
    private readonly router: Router,
    private readonly store: VehicleStore,
    private readonly departures: Departures,
    private readonly rerouting: Rerouting,
    startEpochMs: number,
    firstT: number,
  ) {
    this.resolved = resolvedOn(table, net);
    const local = startEpochMs + SHANGHAI_OFFSET_MS;
    this.midnightT = -(((local % DAY_MS) + DAY_MS) % DAY_MS) / 1000;
    this.firstT = firstT;
    this.vehicleOf = new Int32Array(table.count).fill(-1);
    this.departedS = new Float64Array(table.count).fill(NaN);
    this.fullAt = new Uint32Array(net.linkCount);
    const order = this.resolved.order;
    while (this.next < order.length && this.dueAt(order[this.next]) < firstT) this.next++;
  }

  /** Sim time trip i is due, seconds since the run's start. */
  private dueAt(i: number): number {
    return this.midnightT + this.table.departS[i];
  }

  /** At the step at sim time t: trips due by now join the waiting list, and waiting trips start where there is room. */
  depart(t: number, stepNo: number): void {
    const order = this.resolved.order;
    while (this.next < order.length && this.dueAt(order[this.next]) <= t) this.enqueue(order[this.next++]);
    if (this.waitCount === 0) return;
    const { origin, dest, route: given } = this.resolved;
    const kinds = this.table.kind;
    let keep = 0;
    for (let w = 0; w < this.waitCount; w++) {
      const i = this.waiting[w];
      const first = origin[i];
      if (this.store.freeCount === 0 || this.fullAt[first] === stepNo) {
        this.waiting[keep++] = i;
        continue;
      }
      // Routed afresh at each try (at most one try a link a step): a closure since the last is avoided.
      const route = given[i] ?? this.router.route(first, dest[i], this.rerouting.costFor(kinds[i]));
      if (!route) {
        this.unreachable++;
        continue;
      }
      const id = this.store.nextId;
      if (this.departures.spawnOnRoute(route, kinds[i], -1, t, stepNo)) {
        if (given[i]) this.givenRoute.add(id);
        this.vehicleOf[i] = id;
        this.departedS[i] = t;
        continue;
      }
      this.fullAt[first] = stepNo;
      this.waiting[keep++] = i;
    }
    this.waitCount = keep;
  }

  private enqueue(i: number): void {
    if (this.waitCount === this.waiting.length) {
      const grown = new Int32Array(this.waiting.length * 2);
      grown.set(this.waiting);
      this.waiting = grown;
    }
    this.waiting[this.waitCount++] = i;
  }

  /** True for a vehicle started on a route the file gives. */
  keepsRoute(vehicleId: number): boolean {
    return this.givenRoute.has(vehicleId);
  }

  counts(): ExplicitTripCounts {
    let departed = 0;
    for (const id of this.vehicleOf) if (id >= 0) departed++;
    let before = 0;
    for (let i = 0; i < this.table.count; i++) if (this.dueAt(i) < this.firstT) before++;
    return { total: this.table.count, before, departed, waiting: this.waitCount, unreachable: this.unreachable };
  }

  /** The vehicle id trip `tripId` of the file started as and when (sim seconds), or undefined while it has not started. */
  vehicleOfTrip(tripId: string): { vehicleId: number; departedS: number } | undefined {
    const i = this.table.ids.indexOf(tripId);
    if (i < 0 || this.vehicleOf[i] < 0) return undefined;
    return { vehicleId: this.vehicleOf[i], departedS: this.departedS[i] };
  }

  snapshot(): ExplicitTripsSnapshot {
    return {
      next: this.next,
      waiting: this.waiting.slice(0, this.waitCount),
      vehicleOf: this.vehicleOf.slice(),
      departedS: this.departedS.slice(),
      unreachable: this.unreachable,
    };
  }

  restore(s: ExplicitTripsSnapshot): void {
    this.next = s.next;
    this.waiting = new Int32Array(Math.max(256, s.waiting.length));
    this.waiting.set(s.waiting);
    this.waitCount = s.waiting.length;
    this.vehicleOf = s.vehicleOf.slice();
    this.departedS = s.departedS.slice();
    this.unreachable = s.unreachable;
    this.fullAt.fill(0);
    this.givenRoute = new Set();
    this.vehicleOf.forEach((id, i) => {
      if (id >= 0 && this.resolved.route[i]) this.givenRoute.add(id);
    });
  }
}

/** Trips routed at the most for the signal timings' flows. */
const PEAK_SAMPLES = 3000;

/**
 * The busiest hour of a trip file as flows on each link, vehicles per hour, for the signal
 * timings: the trips that start in the hour (of the day, by departure) with the most of them, a
 * sample of at most 3000 assigned to their given routes or to free-flow shortest paths and scaled
 * up. Throws as ExplicitTrips does on unknown ids. Computed once per table and network, then shared.
 */
export function tripFilePeakFlows(table: TripTable, net: TrafficNetwork, router: Router): Float32Array {
  const r = resolvedOn(table, net);
  r.peakFlows ??= peakFlowsOf(table, r, net, router);
  return r.peakFlows;
}

function peakFlowsOf(table: TripTable, r: ResolvedTrips, net: TrafficNetwork, router: Router): Float32Array {
  const perHour = new Map<number, number[]>();
  for (const i of r.order) {
    const hour = Math.floor(table.departS[i] / 3600);
    let list = perHour.get(hour);
    if (!list) perHour.set(hour, (list = []));
    list.push(i);
  }
  const flows = new Float32Array(net.linkCount);
  let busiest: number[] = [];
  for (const list of perHour.values()) if (list.length > busiest.length) busiest = list;
  if (busiest.length === 0) return flows;
  const every = Math.max(1, busiest.length / PEAK_SAMPLES);
  let sampled = 0;
  const paths: Int32Array[] = [];
  for (let s = 0; s < busiest.length; s += every) {
    const i = busiest[Math.floor(s)];
    const path = r.route[i] ?? router.route(r.origin[i], r.dest[i], net.freeTime);
    sampled++;
    if (path) paths.push(path);
  }
  const weight = busiest.length / sampled;
  for (const path of paths) for (const k of path) flows[k] += weight;
  return flows;
}

const resolvedTables = new WeakMap<TripTable, WeakMap<TrafficNetwork, ResolvedTrips | string>>();

/**
 * What is wrong with a trip file on a network (unknown ids, routes that do not join up), as one
 * message naming each problem's file, line, element and field (up to 20); undefined when nothing is.
 * A run's maker asks first, so that a bad file is refused rather than thrown at the engine's start.
 */
export function tripFileProblems(table: TripTable, net: TrafficNetwork): string | undefined {
  const r = lookUp(table, net);
  return typeof r === 'string' ? r : undefined;
}

/** The table on the network, resolved on first use and shared after; throws what tripFileProblems says. */
function resolvedOn(table: TripTable, net: TrafficNetwork): ResolvedTrips {
  const r = lookUp(table, net);
  if (typeof r === 'string') throw new Error(`TrafficEngine: trips: ${r}`);
  return r;
}

function lookUp(table: TripTable, net: TrafficNetwork): ResolvedTrips | string {
  let byNet = resolvedTables.get(table);
  if (!byNet) resolvedTables.set(table, (byNet = new WeakMap()));
  let r = byNet.get(net);
  if (r === undefined) byNet.set(net, (r = resolve(table, net)));
  return r;
}

/** The table's ids as link indices and its departures in order, or the message naming what is wrong. */
function resolve(table: TripTable, net: TrafficNetwork): ResolvedTrips | string {
  const n = table.count;
  const errors: string[] = [];
  const fail = (i: number, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(`${table.where(i)}: ${message}`);
  };
  const linkOf = table.names.map((id) => net.linkIndex.get(id) ?? -1);
  const nodeOf = table.names.map((id) => net.nodeIndex.get(id) ?? -1);
  const origin = new Int32Array(n);
  const dest = new Int32Array(n);
  const route: (Int32Array | null)[] = new Array<Int32Array | null>(n).fill(null);
  const end = (i: number, from: boolean): number => {
    const field = from ? 'from' : 'to';
    const type = from ? table.fromType[i] : table.toType[i];
    const ref = from ? table.fromRef[i] : table.toRef[i];
    if (type === EndType.link) {
      if (linkOf[ref] < 0) fail(i, `${field}: no link ${JSON.stringify(table.names[ref])} in the city`);
      return linkOf[ref];
    }
    let node: number;
    if (type === EndType.node) {
      node = nodeOf[ref];
      if (node < 0) return (fail(i, `${field}Junction: no node ${JSON.stringify(table.names[ref])} in the city`), -1);
    } else {
      node = placeNode(net, { x: from ? table.fromX[i] : table.toX[i], y: from ? table.fromY[i] : table.toY[i] }) as number;
    }
    // From a junction: the first link leaving it; to one: the first link into it.
    const has = from ? net.outStart[node + 1] > net.outStart[node] : net.inStart[node + 1] > net.inStart[node];
    if (!has) return (fail(i, `${field}: no link ${from ? 'leaves' : 'enters'} node ${net.nodeIds[node]}`), -1);
    return from ? net.outLinks[net.outStart[node]] : net.inLinks[net.inStart[node]];
  };
  for (let i = 0; i < n; i++) {
    const a = table.routeStart[i];
    const b = table.routeStart[i + 1];
    if (b === a) {
      origin[i] = end(i, true);
      dest[i] = end(i, false);
      continue;
    }
    const links = new Int32Array(b - a);
    let ok = true;
    for (let s = a; s < b; s++) {
      const k = linkOf[table.routeLinks[s]];
      links[s - a] = k;
      if (k < 0) {
        fail(i, `route: no link ${JSON.stringify(table.names[table.routeLinks[s]])} in the city`);
        ok = false;
      } else if (s > a && ok && net.to[links[s - a - 1]] !== net.from[k]) {
        fail(i, `route: link ${JSON.stringify(table.names[table.routeLinks[s]])} does not start where ${JSON.stringify(table.names[table.routeLinks[s - 1]])} ends`);
        ok = false;
      } else if (s > a && ok && !net.allows(links[s - a - 1], k)) {
        fail(i, `route: no turn from ${JSON.stringify(table.names[table.routeLinks[s - 1]])} into ${JSON.stringify(table.names[table.routeLinks[s]])} (the network has no such connection)`);
        ok = false;
      }
    }
    route[i] = links;
    origin[i] = links[0];
    dest[i] = links[links.length - 1];
  }
  if (errors.length > 0) {
    const count = errors.length < MAX_ERRORS ? `${errors.length} problem${errors.length === 1 ? '' : 's'}` : `${MAX_ERRORS} or more problems`;
    return `${count} on this city's network:\n${errors.join('\n')}`;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => table.departS[x] - table.departS[y] || x - y);
  return { order, origin, dest, route };
}
