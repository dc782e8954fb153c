import { ObjectKind } from '../../protocol/ObjectState.ts';
import type { TagProgress, TaggedTrips as TaggedTripsOutput } from '../outputs.ts';
import type { Departures } from './Departures.ts';
import type { Rerouting } from './Rerouting.ts';
import type { Router } from './Router.ts';
import type { TrafficNetwork } from './TrafficNetwork.ts';
import { NO, type VehicleStore } from './VehicleStore.ts';

/** An emergency unit waiting for room on its first link. */
interface WaitingUnit {
  tag: number;
  from: number;
  to: number;
}

interface TagRecord {
  name: string;
  vehicles: number;
  departed: number;
  arrived: number;
  failed: number;
  /** Units: the vehicle's object id once on the road, else -1. */
  objectId: number;
  /** Units: the route's length, metres. */
  routeM: number;
  departedS: number;
  arrivedS: number;
}

export interface TaggedTripsSnapshot {
  records: TagRecord[];
  waiting: WaitingUnit[];
}

/**
 * Vehicles other engines start and follow by a tag: emergency units (one emergency vehicle each,
 * started at once or as soon as there is room on its first link) and groups of car trips
 * (evacuees). The `traffic.tagged` output says, per tag, how many set off, arrived or were given
 * up, and where a unit is.
 */
export class TaggedTrips {
  private records: TagRecord[] = [];
  private byName = new Map<string, number>();
  private waiting: WaitingUnit[] = [];

  constructor(
    private readonly net: TrafficNetwork,
    private readonly router: Router,
    private readonly store: VehicleStore,
    private readonly departures: Departures,
    private readonly rerouting: Rerouting,
  ) {}

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private add(name: string, vehicles: number): number {
    const tag = this.records.length;
    this.records.push({ name, vehicles, departed: 0, arrived: 0, failed: 0, objectId: -1, routeM: 0, departedS: -1, arrivedS: -1 });
    this.byName.set(name, tag);
    return tag;
  }

  /** An emergency unit from link `from` to the end of link `to`, tagged `name`; it waits for room if its first link is full. */
  addUnit(name: string, from: number, to: number, t: number, stepNo: number): void {
    const tag = this.add(name, 1);
    this.waiting.push({ tag, from, to });
    this.startWaiting(t, stepNo);
  }

  /** `vehicles` car trips from link `from` to link `to`, tagged `name`, joining the waiting list now. */
  addGroup(name: string, from: number, to: number, vehicles: number): void {
    const tag = this.add(name, vehicles);
    for (let v = 0; v < vehicles; v++) if (!this.departures.queueTrip(from, to, ObjectKind.car, tag)) this.records[tag].failed++;
  }

  /** Starts waiting units where there is room now; gives up on those with no open way. */
  startWaiting(t: number, stepNo: number): void {
    if (this.waiting.length === 0) return;
    const keep: WaitingUnit[] = [];
    for (const w of this.waiting) {
      const r = this.records[w.tag];
      const route = this.router.route(w.from, w.to, this.rerouting.emergencyCost);
      if (!route) {
        r.failed++;
        continue;
      }
      const before = this.store.nextId;
      if (!this.departures.spawnOnRoute(route, ObjectKind.emergency, -1, t, stepNo, true, w.tag)) {
        keep.push(w);
        continue;
      }
      r.objectId = before;
      let m = 0;
      for (const k of route) m += this.net.length[k];
      r.routeM = m;
    }
    this.waiting = keep;
  }

  /** Counts departures, arrivals and failures since the last call (sim time t, seconds). */
  collect(t: number): void {
    const st = this.store;
    for (const tag of st.tagArrivals) {
      const r = this.records[tag];
      r.arrived++;
      r.arrivedS = t;
    }
    st.tagArrivals.length = 0;
    const dep = this.departures;
    for (const tag of dep.tagFailures) this.records[tag].failed++;
    dep.tagFailures.length = 0;
    for (const tag of dep.tagDepartures) {
      const r = this.records[tag];
      r.departed++;
      if (r.departedS < 0) r.departedS = t;
    }
    dep.tagDepartures.length = 0;
  }

  /** Every tag's progress now; units' positions from the store (sim time t, seconds). */
  output(simTimeMs: number): TaggedTripsOutput {
    const tags = new Map<string, TagProgress>();
    for (const r of this.records) {
      let x = NaN;
      let y = NaN;
      let remainingM = NaN;
      if (r.objectId >= 0 && r.arrivedS < 0) {
        const i = this.slotOf(r.objectId);
        if (i !== NO) [x, y, remainingM] = this.whereIs(i);
      }
      tags.set(r.name, {
        vehicles: r.vehicles,
        departed: r.departed,
        arrived: r.arrived,
        failed: r.failed,
        objectId: r.objectId,
        x,
        y,
        remainingM,
        routeM: r.routeM,
        departedMs: r.departedS < 0 ? -1 : Math.round(r.departedS * 1000),
        arrivedMs: r.arrivedS < 0 ? -1 : Math.round(r.arrivedS * 1000),
      });
    }
    return { simTimeMs, tags };
  }

  /** The slot of live vehicle `id`, or NO: a binary search of the id-ordered list. */
  private slotOf(id: number): number {
    const st = this.store;
    let lo = 0;
    let hi = st.activeCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = st.active[mid];
      if (st.vId[i] === id) return st.vAlive[i] ? i : NO;
      if (st.vId[i] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return NO;
  }

  /** Vehicle i's place on its link's centre line and the metres left on its route. */
  private whereIs(i: number): [number, number, number] {
    const net = this.net;
    const st = this.store;
    const k = st.vLink[i];
    const pos = st.vPos[i];
    let seg = net.pointStart[k];
    const last = net.pointStart[k + 1] - 2;
    while (seg < last && net.pointDist[seg + 1] <= pos) seg++;
    const segLen = net.pointDist[seg + 1] - net.pointDist[seg];
    const f = segLen > 0 ? Math.min(1, (pos - net.pointDist[seg]) / segLen) : 0;
    const route = st.routes[i] as Int32Array;
    let remaining = net.length[k] - pos;
    for (let s = st.vStep[i] + 1; s < route.length; s++) remaining += net.length[route[s]];
    return [net.pointX[seg] + (net.pointX[seg + 1] - net.pointX[seg]) * f, net.pointY[seg] + (net.pointY[seg + 1] - net.pointY[seg]) * f, Math.max(0, remaining)];
  }

  snapshot(): TaggedTripsSnapshot {
    return { records: this.records.map((r) => ({ ...r })), waiting: this.waiting.map((w) => ({ ...w })) };
  }

  restore(s: TaggedTripsSnapshot): void {
    this.records = s.records.map((r) => ({ ...r }));
    this.byName = new Map(this.records.map((r, tag) => [r.name, tag]));
    this.waiting = s.waiting.map((w) => ({ ...w }));
  }
}
