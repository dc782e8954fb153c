import type { CityModel, LocalizedName, Poi } from '../../city/CityModel.ts';
import type { Unit, UnitKind } from '../../protocol/EmergencySummary.ts';
import type { TaggedTrips } from '../outputs.ts';
import type { Router } from '../traffic/Router.ts';
import type { TrafficNetwork } from '../traffic/TrafficNetwork.ts';
import type { EmergencyParams } from './emergencyParams.ts';

/** Which kind of station holds which kind of unit. */
const STATION_KIND: Readonly<Record<UnitKind, Poi['kind']>> = { fire: 'fire_station', ambulance: 'hospital', police: 'police' };

export interface Station {
  id: string;
  kind: UnitKind;
  name: LocalizedName;
  x: number;
  y: number;
  node: number;
  units: number;
  available: number;
}

/** A unit as the engine keeps it (the protocol's Unit plus what it needs to follow it). */
export interface UnitRecord extends Unit {
  incidentId: string;
  /** The station index it belongs to (it is available there again when freed). */
  stationIndex: number;
  /** The tag of its current trip in traffic. */
  tag: string;
  /** Ambulances: patients aboard, and the hospital they are going to. */
  patients: number;
  hospital: string | null;
  /** When it may leave the scene (ambulances load for a while), sim ms. */
  leaveAtMs: number;
}

export interface RespondersSnapshot {
  stations: Station[];
  units: UnitRecord[];
  next: number;
}

/** Predicted time on the road and the route, from one dispatch search. */
export interface DispatchChoice {
  station: number;
  etaS: number;
  firstLink: number;
}

/**
 * Fire stations, hospitals and police stations with their units, and the units on their way:
 * choosing the nearest available units by travel time on the current traffic (one backward search
 * from the scene gives every station's time), sending each into the traffic engine as a tagged
 * emergency vehicle (`traffic.emergency_vehicle`), and following its trip there to the scene.
 */
export class Responders {
  stations: Station[];
  units: UnitRecord[] = [];
  private next = 1;

  constructor(
    city: CityModel,
    private readonly net: TrafficNetwork,
    private readonly router: Router,
    params: EmergencyParams,
  ) {
    const perKind: Record<UnitKind, number> = { fire: params.units.fireStation, ambulance: params.units.hospital, police: params.units.police };
    this.stations = [];
    for (const kind of ['fire', 'ambulance', 'police'] as const) {
      for (const p of city.pois) {
        if (p.kind !== STATION_KIND[kind]) continue;
        const node = net.nodeIndex.get(p.node);
        if (node === undefined) continue;
        const units = params.stationUnits[p.id] ?? perKind[kind];
        this.stations.push({ id: p.id, kind, name: { ...p.name }, x: p.x, y: p.y, node, units, available: units });
      }
    }
  }

  /**
   * The nearest `count` available units of `kind` to the scene (link `sceneLink`) by travel time on
   * `cost`, one station after another (a station sends what it has before the next is asked).
   */
  choose(kind: UnitKind, count: number, sceneLink: number, cost: Float32Array): DispatchChoice[] {
    const { time, next } = this.router.timesTo(sceneLink, cost);
    const order = this.stations
      .map((s, i) => ({ i, t: time[s.node] }))
      .filter(({ i, t }) => this.stations[i].kind === kind && this.stations[i].available > 0 && t < Infinity && next[this.stations[i].node] >= 0)
      .sort((a, b) => a.t - b.t || a.i - b.i);
    const out: DispatchChoice[] = [];
    for (const { i, t } of order) {
      const s = this.stations[i];
      for (let u = 0; u < s.available && out.length < count; u++) out.push({ station: i, etaS: t, firstLink: next[s.node] });
      if (out.length >= count) break;
    }
    return out;
  }

  /**
   * Sends the chosen units to the scene: each leaves its station (available − 1) as a tagged
   * emergency vehicle; `send` issues the traffic command. Answers the new units.
   */
  dispatch(
    incidentId: string,
    kind: UnitKind,
    choices: readonly DispatchChoice[],
    sceneLink: number,
    nowMs: number,
    cost: Float32Array,
    send: (u: UnitRecord, fromLink: number, toLink: number) => void,
  ): UnitRecord[] {
    const made: UnitRecord[] = [];
    for (const c of choices) {
      const s = this.stations[c.station];
      s.available--;
      const id = `U${String(this.next++).padStart(3, '0')}`;
      const u: UnitRecord = {
        id,
        kind,
        station: s.id,
        stationName: { ...s.name },
        objectId: -1,
        state: 'waiting',
        dispatchedAtMs: nowMs,
        etaS: Math.round(c.etaS),
        arrivedAtMs: null,
        x: s.x,
        y: s.y,
        routeLinkIds: this.routeIds(c.firstLink, sceneLink, cost),
        incidentId,
        stationIndex: c.station,
        tag: `${id}-scene`,
        patients: 0,
        hospital: null,
        leaveAtMs: Infinity,
      };
      this.units.push(u);
      made.push(u);
      send(u, c.firstLink, sceneLink);
    }
    return made;
  }

  /**
   * Follows each unit's trip in traffic: on the road (position), arrived (at the scene, or at the
   * hospital), or given up. Without a traffic engine a unit arrives when its predicted time is up.
   * `onArrive` hears of each arrival.
   */
  follow(tagged: TaggedTrips | undefined, nowMs: number, onArrive: (u: UnitRecord) => void): void {
    for (const u of this.units) {
      if (u.state !== 'waiting' && u.state !== 'enRoute' && u.state !== 'toHospital') continue;
      if (!tagged) {
        if (nowMs >= u.dispatchedAtMs + u.etaS * 1000) this.arrive(u, u.dispatchedAtMs + u.etaS * 1000, onArrive);
        else u.state = u.state === 'toHospital' ? 'toHospital' : 'enRoute';
        continue;
      }
      const p = tagged.tags.get(u.tag);
      if (!p) continue;
      if (p.failed > 0) {
        u.state = 'failed';
        this.free(u);
        continue;
      }
      if (p.objectId >= 0) u.objectId = p.objectId;
      if (p.arrivedMs >= 0) {
        this.arrive(u, p.arrivedMs, onArrive);
        continue;
      }
      if (p.departedMs >= 0 && u.state === 'waiting') u.state = 'enRoute';
      if (Number.isFinite(p.x)) {
        u.x = Math.round(p.x);
        u.y = Math.round(p.y);
      }
    }
  }

  private arrive(u: UnitRecord, atMs: number, onArrive: (u: UnitRecord) => void): void {
    if (u.state === 'toHospital') {
      u.state = 'done';
      onArrive(u);
      this.free(u);
      return;
    }
    u.state = 'onScene';
    u.arrivedAtMs = atMs;
    onArrive(u);
  }

  /** Sends an ambulance on from the scene to a hospital (a second tagged trip). */
  toHospital(u: UnitRecord, hospital: string, fromLink: number, toLink: number, cost: Float32Array, send: (u: UnitRecord, fromLink: number, toLink: number) => void): void {
    u.state = 'toHospital';
    u.hospital = hospital;
    u.tag = `${u.id}-hospital`;
    u.routeLinkIds = this.routeIds(fromLink, toLink, cost);
    send(u, fromLink, toLink);
  }

  /** The unit is back in service at its station. */
  free(u: UnitRecord): void {
    this.stations[u.stationIndex].available++;
  }

  /** Frees every unit of an incident still out. */
  releaseIncident(incidentId: string): void {
    for (const u of this.units) {
      if (u.incidentId !== incidentId || u.state === 'done' || u.state === 'failed') continue;
      if (u.state === 'onScene') {
        u.state = 'done';
        this.free(u);
      }
    }
  }

  /** The route a unit will drive (traffic routes it the same way on the same costs), as link ids. */
  private routeIds(first: number, last: number, cost: Float32Array): string[] {
    const route = this.router.route(first, last, cost);
    return route ? Array.from(route, (k) => this.net.linkIds[k]) : [];
  }

  /** Units as the protocol has them. */
  unitsOf(incidentId: string): Unit[] {
    return this.units
      .filter((u) => u.incidentId === incidentId)
      .map((u) => ({
        id: u.id,
        kind: u.kind,
        station: u.station,
        stationName: u.stationName,
        objectId: u.objectId,
        state: u.state,
        dispatchedAtMs: u.dispatchedAtMs,
        etaS: u.etaS,
        arrivedAtMs: u.arrivedAtMs,
        x: u.state === 'done' || u.state === 'failed' ? null : u.x,
        y: u.state === 'done' || u.state === 'failed' ? null : u.y,
        routeLinkIds: u.routeLinkIds,
      }));
  }

  snapshot(): RespondersSnapshot {
    return { stations: this.stations.map((s) => ({ ...s })), units: this.units.map((u) => ({ ...u, routeLinkIds: [...u.routeLinkIds] })), next: this.next };
  }

  restore(s: RespondersSnapshot): void {
    this.stations = s.stations.map((x) => ({ ...x }));
    this.units = s.units.map((u) => ({ ...u, routeLinkIds: [...u.routeLinkIds] }));
    this.next = s.next;
  }
}
