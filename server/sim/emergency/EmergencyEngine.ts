import type { z } from 'zod';
import { CHEMICALS, type ChemicalId } from '../../protocol/aegl.ts';
import type { EmergencySummary, UnitKind } from '../../protocol/EmergencySummary.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult } from '../Engine.ts';
import type { OutputDeclaration } from '../outputs.ts';
import { placeNode } from '../traffic/resolveOdPairs.ts';
import { Router } from '../traffic/Router.ts';
import { trafficNetworkOf } from '../traffic/TrafficNetwork.ts';
import { dayTypeAt } from '../traffic/TravelDemand.ts';
import { Ambulances } from './Ambulances.ts';
import { EmergencyInjects, EmergencyParams } from './emergencyParams.ts';
import { Evacuations, type EvacuationsSnapshot } from './Evacuations.ts';
import { startFire, updateFire } from './fires.ts';
import { FloodWatch, updateChemical } from './hazards.ts';
import { newIncident, relevel, type EmergencyScene, type IncidentState } from './incidents.ts';
import { buildingPopulation } from './population.ts';
import { Responders, type RespondersSnapshot, type UnitRecord } from './Responders.ts';
import { summarize } from './summarize.ts';
import { multiPolygonArea } from './threatZones.ts';
import { ToxicExposure, type ToxicExposureSnapshot } from './ToxicExposure.ts';
import { parseInject } from '../parseInject.ts';

/** The engine looks at its incidents this often, sim ms. */
const UPDATE_MS = 10_000;

interface Snapshot {
  incidents: IncidentState[];
  responders: RespondersSnapshot;
  evacuations: EvacuationsSnapshot;
  exposure: ToxicExposureSnapshot;
  beds: Record<string, number>;
  next: number;
  flood: { lastWarning: FloodWatch['lastWarning']; seenMs: number };
  lastUpdateMs: number;
  rng: number;
}

/**
 * The emergency twin: building fires, toxic releases and the rainstorm, with the people, shelters,
 * responders and hospitals they involve, coupled to the other engines of the run.
 *
 * - Fires grow floor by floor (FireModel), put their smoke into the environment engine as buoyant
 *   releases of PM2.5 and CO above the burning floors (`environment.release` /
 *   `environment.release_rate`), may catch a neighbour downwind, and hurt the people who did not get
 *   out in time (casualties.fireCasualties). Fire engines put them out.
 * - Toxic releases go into the environment engine's puffs; their close-up grids give the AEGL-1/2/3
 *   threat zones (threatZones), growing and turning with the cloud, and each building's people take
 *   a toxic load (ToxicExposure) — less when sheltering in place, none once evacuated.
 * - The rainstorm: a flood incident once the flood engine raises a warning, its level by the signal.
 * - Responders: the nearest available units by travel time on the current traffic (Responders) drive
 *   in the traffic engine as emergency vehicles; ambulances take the seriously injured to hospitals
 *   with free beds. Evacuations (Evacuations) send people to shelters by car (traffic trips) and on foot.
 * - Each incident's level I–IV by the national thresholds (responseLevels).
 */
export class EmergencyEngine implements Engine {
  readonly name = 'emergency';
  readonly injects = Object.keys(EmergencyInjects) as (keyof typeof EmergencyInjects)[];
  readonly paramsSchema = EmergencyParams;
  readonly injectSchemas = EmergencyInjects;
  readonly publishes = [{ id: 'emergency.summary', kind: 'emergencySummary' }] as const satisfies readonly OutputDeclaration[];
  readonly reads = ['traffic.costs', 'traffic.tagged', 'environment.releases', 'environment.summary', 'flood.summary', 'flood.grids'] as const;

  /** What the incident handlers share: the city, the network, people, units, shelters, incidents. */
  private s!: EmergencyScene;
  private ambulances!: Ambulances;
  private flood = new FloodWatch();
  private lastUpdateMs = -1;
  private buildingIndex = new Map<string, number>();

  init(ctx: EngineContext): void {
    const params = EmergencyParams.parse(ctx.params ?? {});
    const net = trafficNetworkOf(ctx.city);
    const router = new Router(net);
    const population = buildingPopulation(ctx.city);
    const scene: EmergencyScene = {
      ctx,
      city: ctx.city,
      rng: ctx.rng,
      params,
      net,
      router,
      population,
      responders: new Responders(ctx.city, net, router, params),
      evacuations: new Evacuations(ctx.city.pois, net, router),
      exposure: new ToxicExposure(population),
      incidents: [],
      next: 1,
      dispatch: (inc, kind, count, nowMs) => this.dispatch(inc, kind, count, nowMs),
      send: (u, from, to) => this.send(u, from, to),
      costs: () => ctx.read('traffic.costs', 'linkCosts')?.emergency ?? net.freeTime, // free flow when the run has no traffic engine
      hourAt: (simTimeMs) => ((((ctx.startEpochMs + simTimeMs) / 3_600_000 + 8) % 24) + 24) % 24,
      peopleAt: (simTimeMs) => population.peopleAt(scene.hourAt(simTimeMs), dayTypeAt(ctx.startEpochMs + simTimeMs)),
    };
    this.s = scene;
    this.ambulances = new Ambulances(ctx.city);
    ctx.city.buildings.forEach((b, i) => this.buildingIndex.set(b.id, i));
  }

  // ---------------------------------------------------------------- stepping

  step(simTimeMs: number): void {
    if (simTimeMs - this.lastUpdateMs < UPDATE_MS && this.lastUpdateMs >= 0) return;
    const s = this.s;
    const dtS = this.lastUpdateMs < 0 ? 0 : (simTimeMs - this.lastUpdateMs) / 1000;
    this.lastUpdateMs = simTimeMs;
    const tagged = s.ctx.read('traffic.tagged', 'taggedTrips');
    s.responders.follow(tagged, simTimeMs, (u) => this.onArrive(u, simTimeMs));
    this.flood.update(s, simTimeMs);
    for (const inc of s.incidents) {
      if (inc.status === 'closed') continue;
      if (inc.kind === 'fire') updateFire(s, inc, simTimeMs, UPDATE_MS);
      if (inc.kind === 'chemical') updateChemical(s, inc, simTimeMs, dtS);
    }
    for (const trips of s.evacuations.due(simTimeMs)) s.ctx.command('traffic.trips', { from: trips.from, to: trips.to, vehicles: trips.vehicles, tag: trips.tag });
    s.evacuations.update(simTimeMs, tagged);
    for (const inc of s.incidents) {
      if (inc.status === 'closed') continue;
      this.ambulances.update(s, inc, simTimeMs);
      relevel(s, inc, simTimeMs);
    }
  }

  private dispatch(inc: IncidentState, kind: UnitKind, count: number, nowMs: number): number {
    const s = this.s;
    const cost = s.costs();
    const choices = s.responders.choose(kind, count, inc.sceneLink, cost);
    const made = s.responders.dispatch(inc.id, kind, choices, inc.sceneLink, nowMs, cost, (u, from, to) => this.send(u, from, to));
    for (const u of made) inc.timeline.push({ simTimeMs: nowMs, key: 'dispatched', params: { unit: u.id, kind: u.kind, station: u.stationName.zh, etaS: u.etaS } });
    return made.length;
  }

  private send(u: UnitRecord, fromLink: number, toLink: number): void {
    const net = this.s.net;
    this.s.ctx.command('traffic.emergency_vehicle', {
      from: net.nodeIds[net.from[fromLink]],
      to: net.nodeIds[net.to[toLink]],
      fromLinkId: net.linkIds[fromLink],
      toLinkId: net.linkIds[toLink],
      tag: u.tag,
    });
  }

  private onArrive(u: UnitRecord, nowMs: number): void {
    const inc = this.s.incidents.find((i) => i.id === u.incidentId);
    if (!inc) return;
    if (u.kind === 'ambulance') this.ambulances.arrived(inc, u, nowMs);
    if (u.state === 'done') return;
    const arrivedS = ((u.arrivedAtMs ?? nowMs) - u.dispatchedAtMs) / 1000;
    inc.timeline.push({ simTimeMs: u.arrivedAtMs ?? nowMs, key: 'onScene', params: { unit: u.id, kind: u.kind, minutes: Math.round(arrivedS / 6) / 10 } });
    if (u.kind === 'fire' && inc.responseTimeS === null) inc.responseTimeS = Math.round(arrivedS);
  }

  // ---------------------------------------------------------------- injects

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    const parsed = parseInject('EmergencyEngine', EmergencyInjects, kind, params);
    if (!parsed.ok) return parsed;
    const bad = (message: string): InjectResult => ({ ok: false, code: 'bad_inject_params', message: `${kind}: ${message}` });
    const p = parsed.data as Record<string, unknown>;
    const incident = (id: unknown): IncidentState | undefined => this.s.incidents.find((i) => i.id === id);
    switch (kind) {
      case 'emergency.fire': {
        const b = this.buildingIndex.get(p.buildingId as string);
        if (b === undefined) return bad(`buildingId: no building ${JSON.stringify(p.buildingId)} in the city`);
        const floors = this.s.city.buildings[b].floors;
        if (p.floor !== undefined && (p.floor as number) > floors) return bad(`floor: ${p.floor as number} is above the building's ${floors} floors`);
        if (this.s.incidents.some((i) => i.building === b && i.status === 'active')) return bad(`buildingId: ${p.buildingId as string} is already burning`);
        return { ok: true, id: startFire(this.s, b, p.floor as number | undefined, simTimeMs).id };
      }
      case 'emergency.chemical_release': {
        const at = p.at as { x: number; y: number };
        const { minX, minY, maxX, maxY } = this.s.city.extent;
        if (!(at.x >= minX && at.x <= maxX && at.y >= minY && at.y <= maxY)) return bad(`at: (${Math.round(at.x)}, ${Math.round(at.y)}) m is outside the city (${minX}…${maxX}, ${minY}…${maxY})`);
        const chemical = p.chemical as ChemicalId;
        const name = CHEMICALS[chemical].name;
        const inc = newIncident(this.s, 'chemical', { zh: `${name.zh}泄漏`, en: `${name.en} release` }, at.x, at.y, simTimeMs);
        inc.chemical = chemical;
        inc.kgPerS = p.kgPerS as number;
        inc.endMs = simTimeMs + Math.round((p.durationS as number) * 1000);
        this.s.ctx.command('environment.release', { id: `${inc.id}-${chemical}`, at, heightM: p.heightM, pollutant: chemical, gPerS: (p.kgPerS as number) * 1000, durationS: p.durationS });
        if (this.s.params.autoDispatch) {
          this.s.dispatch(inc, 'fire', 2, simTimeMs);
          this.s.dispatch(inc, 'police', 2, simTimeMs);
          this.s.dispatch(inc, 'ambulance', 2, simTimeMs);
        }
        return { ok: true, id: inc.id };
      }
      case 'emergency.dispatch': {
        const inc = incident(p.incidentId);
        if (!inc) return bad(`incidentId: no incident ${JSON.stringify(p.incidentId)}`);
        const units = p.units as Partial<Record<UnitKind, number>>;
        let sent = 0;
        for (const k of ['fire', 'ambulance', 'police'] as const) if (units[k]) sent += this.s.dispatch(inc, k, units[k], simTimeMs);
        if (sent === 0) return { ok: false, code: 'no_units', message: `${kind}: no unit of those asked for is available or can reach ${inc.id}` };
        return { ok: true, id: inc.id };
      }
      case 'emergency.evacuate':
        return this.evacuate(p as z.infer<(typeof EmergencyInjects)['emergency.evacuate']>, simTimeMs, bad);
      case 'emergency.close': {
        const inc = incident(p.incidentId);
        if (!inc) return bad(`incidentId: no incident ${JSON.stringify(p.incidentId)}`);
        inc.status = 'closed';
        inc.timeline.push({ simTimeMs, key: 'closed', params: {} });
        this.s.responders.releaseIncident(inc.id);
        for (const id of inc.smokeIds ?? []) this.s.ctx.command('environment.release_rate', { id, gPerS: 0 });
        return { ok: true, id: inc.id };
      }
    }
    return { ok: false, code: 'unknown_inject', message: `EmergencyEngine: does not handle inject kind ${JSON.stringify(kind)}` };
  }

  private evacuate(p: z.infer<(typeof EmergencyInjects)['emergency.evacuate']>, nowMs: number, bad: (m: string) => InjectResult): InjectResult {
    const zone = p.zone;
    const incidentId = zone.incidentId ?? null;
    const inc = incidentId === null ? undefined : this.s.incidents.find((i) => i.id === incidentId);
    if (incidentId !== null && !inc) return bad(`zone.incidentId: no incident ${JSON.stringify(incidentId)}`);
    let polygons: [number, number][][][];
    if ('aegl' in zone) {
      const z = inc?.zones.find((x) => x.kind === `aegl${zone.aegl}`);
      if (!z || z.polygons.length === 0) return bad(`zone.aegl: incident ${incidentId} has no AEGL-${zone.aegl} zone yet`);
      polygons = z.polygons as [number, number][][][];
    } else if ('polygon' in zone) {
      polygons = [[zone.polygon as [number, number][]]];
    } else {
      const ring: [number, number][] = [];
      for (let k = 0; k < 48; k++) ring.push([zone.x + zone.radiusM * Math.cos((2 * Math.PI * k) / 48), zone.y + zone.radiusM * Math.sin((2 * Math.PI * k) / 48)]);
      polygons = [[ring]];
    }
    const buildings = this.s.population.buildingsInside(polygons);
    const people = this.s.peopleAt(nowMs);
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (const poly of polygons) {
      for (const [x, y] of poly[0]) {
        sx += x;
        sy += y;
        n++;
      }
    }
    const area = multiPolygonArea(polygons);
    const centre: [number, number] = n ? [sx / n, sy / n] : [0, 0];
    const id = this.s.evacuations.order(
      { incidentId, order: p.order, buildings, people, cx: this.s.population.centroidX, cy: this.s.population.centroidY, centre, radiusM: Math.sqrt(area / Math.PI) },
      nowMs,
      this.s.ctx.read('traffic.costs', 'linkCosts')?.car ?? this.s.net.freeTime,
      this.s.params.carShare,
      this.s.params.peoplePerCar,
    );
    if (inc) {
      inc.zones.push({ kind: p.order === 'evacuate' ? 'evacuation' : 'shelterInPlace', polygons, areaM2: Math.round(area), people: Math.round(this.s.population.peopleInside(polygons, people)) });
      inc.timeline.push({ simTimeMs: nowMs, key: p.order === 'evacuate' ? 'evacuationOrdered' : 'shelterOrdered', params: { order: id } });
    }
    return { ok: true, id };
  }

  /**
   * The units that would go to a scene at local (x, y) now, without sending them: the nearest
   * available of each kind by travel time on the current traffic, with their predicted times and
   * routes (what a dispatcher sees before confirming; the bench times it).
   */
  previewDispatch(x: number, y: number, counts: Partial<Record<UnitKind, number>>): { kind: UnitKind; station: string; etaS: number; route: string[] }[] {
    const node = placeNode(this.s.net, { x, y }) as number;
    const scene = this.s.net.inLinks[this.s.net.inStart[node]] ?? 0;
    const cost = this.s.costs();
    const out: { kind: UnitKind; station: string; etaS: number; route: string[] }[] = [];
    for (const kind of ['fire', 'ambulance', 'police'] as const) {
      const n = counts[kind] ?? 0;
      if (n === 0) continue;
      for (const c of this.s.responders.choose(kind, n, scene, cost)) {
        const route = this.s.router.route(c.firstLink, scene, cost);
        out.push({ kind, station: this.s.responders.stations[c.station].id, etaS: Math.round(c.etaS), route: route ? Array.from(route, (k) => this.s.net.linkIds[k]) : [] });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- outputs

  output(): EmergencySummary {
    return summarize(this.s, this.ambulances, Math.max(0, this.lastUpdateMs));
  }

  // ---------------------------------------------------------------- snapshots

  snapshot(): EngineSnapshot {
    const s: Snapshot = {
      incidents: structuredClone(this.s.incidents),
      responders: this.s.responders.snapshot(),
      evacuations: this.s.evacuations.snapshot(),
      exposure: this.s.exposure.snapshot(),
      beds: { ...this.ambulances.beds },
      next: this.s.next,
      flood: { lastWarning: this.flood.lastWarning, seenMs: this.flood.seenMs },
      lastUpdateMs: this.lastUpdateMs,
      rng: this.s.rng.getState(),
    };
    return s;
  }

  restore(snapshot: EngineSnapshot): void {
    const s = snapshot as Snapshot;
    this.s.incidents = structuredClone(s.incidents);
    this.s.responders.restore(s.responders);
    this.s.evacuations.restore(s.evacuations);
    this.s.exposure.restore(s.exposure);
    this.ambulances.beds = { ...s.beds };
    this.s.next = s.next;
    this.flood.lastWarning = s.flood.lastWarning;
    this.flood.seenMs = s.flood.seenMs;
    this.lastUpdateMs = s.lastUpdateMs;
    this.s.rng.setState(s.rng);
  }

  dispose(): void {}
}
