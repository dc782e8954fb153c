import type { Poi } from '../../city/CityModel.ts';
import type { Evacuation } from '../../protocol/EmergencySummary.ts';
import type { TaggedTrips } from '../outputs.ts';
import { placeNode } from '../traffic/resolveOdPairs.ts';
import type { Router } from '../traffic/Router.ts';
import type { TrafficNetwork } from '../traffic/TrafficNetwork.ts';

/**
 * Evacuation behaviour, for drills (assumptions, with what they lean on):
 * - People set off spread evenly over MOBILISE_FROM_S … MOBILISE_TO_S after the order (warning
 *   reaching them and getting ready: evacuation mobilisation curves mostly span 5–30 minutes).
 * - On foot at 1.2 m/s (the HCM's walking speed for design) along 1.3 × the straight line (a
 *   street grid's usual detour factor); by car in the traffic engine, in three waves.
 * - Each 200 m cell of the zone goes to the shelter nearest by travel time that still has room for
 *   its people (GB 51143-2015 shelters have a capacity); nobody is sent where there is none.
 */
const MOBILISE_FROM_S = 300;
const MOBILISE_TO_S = 1200;
const WALK_MS = 1.2;
const DETOUR = 1.3;
const CELL_M = 200;
const CAR_WAVES = 3;
/** Without a traffic engine cars are assumed to make this speed, m/s. */
const CAR_MS_WITHOUT_TRAFFIC = 8;

export interface ShelterState {
  id: string;
  poi: Poi;
  node: number;
  capacity: number;
  /** Reserved for people on their way, and arrived. */
  reserved: number;
  occupancy: number;
}

interface Group {
  shelter: number;
  node: number;
  walkers: number;
  cars: number;
  peoplePerCar: number;
  /** Walking time to the shelter and out of the zone, s. */
  walkS: number;
  edgeS: number;
  /** Tag of each car wave. */
  tags: string[];
  /** Walkers and car evacuees counted at the shelter so far. */
  arrivedWalkers: number;
  arrivedByCar: number;
}

interface EvacuationState {
  id: string;
  incidentId: string | null;
  order: 'evacuate' | 'shelterInPlace';
  orderedAtMs: number;
  people: number;
  groups: Group[];
  /** Buildings the order covers (shelter in place: they close up). */
  buildings: number[];
  leftZone: number;
  atShelter: number;
  clearAtMs: number | null;
  unsheltered: number;
}

export interface EvacuationsSnapshot {
  list: EvacuationState[];
  shelters: ShelterState[];
  pending: PendingTrips[];
  next: number;
}

/** Car trips to hand to traffic at a time. */
export interface PendingTrips {
  atMs: number;
  from: string;
  to: string;
  vehicles: number;
  tag: string;
}

const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));

/** Evacuation and shelter-in-place orders: who goes where, and how far they have got. */
export class Evacuations {
  list: EvacuationState[] = [];
  shelters: ShelterState[];
  private pending: PendingTrips[] = [];
  private next = 1;

  constructor(
    pois: readonly Poi[],
    private readonly net: TrafficNetwork,
    private readonly router: Router,
  ) {
    this.shelters = pois
      .filter((p) => p.kind === 'shelter')
      .map((p) => ({ id: p.id, poi: p, node: net.nodeIndex.get(p.node) ?? (placeNode(net, { x: p.x, y: p.y }) as number), capacity: p.capacity ?? 0, reserved: 0, occupancy: 0 }));
  }

  /**
   * Orders the people of `buildings` (with `people[i]` in building i now, centroids `cx`, `cy`) out
   * to shelters, or to shelter in place. `centre` and `radiusM` describe the zone for the walk out
   * of it. Answers the order's id.
   */
  order(
    o: { incidentId: string | null; order: 'evacuate' | 'shelterInPlace'; buildings: Int32Array; people: Float32Array; cx: Float64Array; cy: Float64Array; centre: [number, number]; radiusM: number },
    nowMs: number,
    cost: Float32Array,
    carShare: number,
    peoplePerCar: number,
  ): string {
    const id = `EVAC-${this.next++}`;
    let total = 0;
    for (const b of o.buildings) total += o.people[b];
    const state: EvacuationState = {
      id,
      incidentId: o.incidentId,
      order: o.order,
      orderedAtMs: nowMs,
      people: Math.round(total),
      groups: [],
      buildings: Array.from(o.buildings),
      leftZone: 0,
      atShelter: 0,
      clearAtMs: null,
      unsheltered: 0,
    };
    this.list.push(state);
    if (o.order === 'shelterInPlace') return id;

    // People by 200 m cell, with their weighted centre.
    const cells = new Map<string, { people: number; sx: number; sy: number }>();
    for (const b of o.buildings) {
      const p = o.people[b];
      if (p <= 0) continue;
      const key = `${Math.floor(o.cx[b] / CELL_M)},${Math.floor(o.cy[b] / CELL_M)}`;
      const c = cells.get(key) ?? { people: 0, sx: 0, sy: 0 };
      c.people += p;
      c.sx += p * o.cx[b];
      c.sy += p * o.cy[b];
      cells.set(key, c);
    }
    const trees = this.shelters.map((s) => {
      const into = this.net.inLinks[this.net.inStart[s.node]];
      return into === undefined ? null : this.router.timesTo(into, cost);
    });
    const keys = [...cells.keys()].sort();
    for (const key of keys) {
      const c = cells.get(key) as { people: number; sx: number; sy: number };
      const x = c.sx / c.people;
      const y = c.sy / c.people;
      const node = placeNode(this.net, { x, y }) as number;
      const people = Math.round(c.people);
      if (people === 0) continue;
      // Nearest shelter by travel time with room; by straight line where no road leads.
      const order = this.shelters
        .map((s, i) => ({ i, t: trees[i]?.time[node] ?? Infinity, d: Math.hypot(s.poi.x - x, s.poi.y - y) }))
        .filter(({ i }) => this.shelters[i].capacity - this.shelters[i].reserved > 0)
        .sort((a, b) => (a.t === b.t ? a.d - b.d : a.t - b.t) || a.i - b.i);
      let left = people;
      for (const { i } of order) {
        if (left === 0) break;
        const s = this.shelters[i];
        const take = Math.min(left, s.capacity - s.reserved);
        s.reserved += take;
        left -= take;
        const cars = Math.round((take * carShare) / peoplePerCar);
        const byCar = Math.min(take, Math.round(cars * peoplePerCar));
        const dist = Math.hypot(s.poi.x - x, s.poi.y - y) * DETOUR;
        const edge = Math.max(0, o.radiusM - Math.hypot(x - o.centre[0], y - o.centre[1])) * DETOUR;
        const g: Group = { shelter: i, node, walkers: take - byCar, cars, peoplePerCar: cars > 0 ? byCar / cars : 0, walkS: dist / WALK_MS, edgeS: edge / WALK_MS, tags: [], arrivedWalkers: 0, arrivedByCar: 0 };
        const gi = state.groups.length;
        for (let w = 0; w < CAR_WAVES && cars > 0; w++) {
          const vehicles = Math.floor(cars / CAR_WAVES) + (w < cars % CAR_WAVES ? 1 : 0);
          if (vehicles === 0) continue;
          const tag = `${id}-g${gi}-w${w}`;
          g.tags.push(tag);
          this.pending.push({ atMs: nowMs + (MOBILISE_FROM_S + ((MOBILISE_TO_S - MOBILISE_FROM_S) * w) / (CAR_WAVES - 1)) * 1000, from: this.net.nodeIds[node], to: s.poi.node, vehicles, tag });
        }
        state.groups.push(g);
      }
      if (left > 0) {
        // No shelter has room: they leave the zone on foot for elsewhere (family, friends), not counted at a shelter.
        const edge = Math.max(0, o.radiusM - Math.hypot(x - o.centre[0], y - o.centre[1])) * DETOUR;
        state.groups.push({ shelter: -1, node, walkers: left, cars: 0, peoplePerCar: 0, walkS: Infinity, edgeS: edge / WALK_MS, tags: [], arrivedWalkers: 0, arrivedByCar: 0 });
        state.unsheltered += left;
      }
    }
    return id;
  }

  /** Car trips due by now, taken off the list (the engine sends them to traffic). */
  due(nowMs: number): PendingTrips[] {
    const out = this.pending.filter((p) => p.atMs <= nowMs);
    if (out.length) this.pending = this.pending.filter((p) => p.atMs > nowMs);
    return out;
  }

  /** Progress of every order at `nowMs`: walkers by the mobilisation and walking times, cars by traffic (or an assumed speed without it). */
  update(nowMs: number, tagged: TaggedTrips | undefined): void {
    for (const e of this.list) {
      if (e.order === 'shelterInPlace') continue;
      const since = (nowMs - e.orderedAtMs) / 1000;
      const span = MOBILISE_TO_S - MOBILISE_FROM_S;
      let left = 0;
      let arrived = 0;
      let carsOut = true;
      let walkersOut = true;
      for (const g of e.groups) {
        const walkersLeft = g.walkers * clamp01((since - MOBILISE_FROM_S - g.edgeS) / span);
        const walkersArrived = g.shelter < 0 ? 0 : Math.floor(g.walkers * clamp01((since - MOBILISE_FROM_S - g.walkS) / span));
        if (walkersLeft < g.walkers) walkersOut = false;
        let carDeparted = 0;
        let carArrived = 0;
        if (tagged) {
          for (const tag of g.tags) {
            const p = tagged.tags.get(tag);
            if (!p) continue;
            carDeparted += p.departed + p.failed;
            carArrived += p.arrived;
          }
        } else {
          const driveS = (g.walkS * WALK_MS) / CAR_MS_WITHOUT_TRAFFIC;
          carDeparted = g.cars * clamp01((since - MOBILISE_FROM_S) / span);
          carArrived = Math.floor(g.cars * clamp01((since - MOBILISE_FROM_S - driveS) / span));
        }
        if (carDeparted < g.cars) carsOut = false;
        const byCarArrived = Math.round(carArrived * g.peoplePerCar);
        this.shelterArrivals(g, walkersArrived - g.arrivedWalkers + byCarArrived - g.arrivedByCar);
        g.arrivedWalkers = walkersArrived;
        g.arrivedByCar = byCarArrived;
        left += walkersLeft + carDeparted * g.peoplePerCar;
        arrived += walkersArrived + byCarArrived;
      }
      e.leftZone = Math.min(e.people, Math.round(left));
      e.atShelter = Math.min(e.people - e.unsheltered, arrived);
      if (e.clearAtMs === null && walkersOut && carsOut) e.clearAtMs = nowMs;
    }
  }

  private shelterArrivals(g: Group, people: number): void {
    if (people <= 0 || g.shelter < 0) return;
    const s = this.shelters[g.shelter];
    s.occupancy = Math.min(s.capacity, s.occupancy + people);
  }

  /** Buildings told to shelter in place (closed up), for the exposure model. */
  shelteredBuildings(): Set<number> {
    const out = new Set<number>();
    for (const e of this.list) if (e.order === 'shelterInPlace') for (const b of e.buildings) out.add(b);
    return out;
  }

  /** Share of the people of building b still inside it: 1 unless an evacuation took them. */
  remainingShare(): Map<number, number> {
    const out = new Map<number, number>();
    for (const e of this.list) {
      if (e.order !== 'evacuate' || e.people === 0) continue;
      const share = 1 - e.leftZone / e.people;
      for (const b of e.buildings) out.set(b, Math.min(out.get(b) ?? 1, share));
    }
    return out;
  }

  summary(): Evacuation[] {
    return this.list.map((e) => {
      const byShelter = new Map<string, number>();
      let byCar = 0;
      for (const g of e.groups) {
        if (g.shelter < 0) continue;
        const id = this.shelters[g.shelter].id;
        byShelter.set(id, (byShelter.get(id) ?? 0) + g.walkers + Math.round(g.cars * g.peoplePerCar));
        byCar += Math.round(g.cars * g.peoplePerCar);
      }
      const moving = e.order === 'evacuate' ? e.people : 0;
      return {
        id: e.id,
        incidentId: e.incidentId,
        order: e.order,
        orderedAtMs: e.orderedAtMs,
        people: e.people,
        byCar,
        onFoot: Math.max(0, moving - byCar),
        leftZone: e.leftZone,
        atShelter: e.atShelter,
        noShelter: e.unsheltered,
        clearAtMs: e.order === 'evacuate' ? e.clearAtMs : null,
        shelters: [...byShelter].map(([id, people]) => ({ id, people })),
      };
    });
  }

  snapshot(): EvacuationsSnapshot {
    return structuredClone({ list: this.list, shelters: this.shelters, pending: this.pending, next: this.next });
  }

  restore(s: EvacuationsSnapshot): void {
    const c = structuredClone(s);
    this.list = c.list;
    this.shelters = c.shelters;
    this.pending = c.pending;
    this.next = c.next;
  }
}
