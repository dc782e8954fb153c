import type { z } from 'zod';
import type { Building, CityModel } from '../../city/CityModel.ts';
import { ringCentroid } from '../../city/polygon.ts';
import { aeglMgM3, CHEMICALS, type ChemicalId } from '../../protocol/aegl.ts';
import type { EmergencySummary, Incident, UnitKind, Zone } from '../../protocol/EmergencySummary.ts';
import type { RainWarning } from '../../protocol/FloodSummary.ts';
import { accidentLevel, environmentalLevel, highestLevel, isMoreSevere, type ResponseLevel } from '../../protocol/responseLevels.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult } from '../Engine.ts';
import type { OutputDeclaration } from '../outputs.ts';
import type { Rng } from '../random.ts';
import { placeNode } from '../traffic/resolveOdPairs.ts';
import { Router } from '../traffic/Router.ts';
import { trafficNetworkOf, type TrafficNetwork } from '../traffic/TrafficNetwork.ts';
import { fireCasualties } from './casualties.ts';
import { EmergencyInjects, EmergencyParams } from './emergencyParams.ts';
import { Evacuations, type EvacuationsSnapshot } from './Evacuations.ts';
import { advanceFire, burningFloors, FIRE_GROWTH, footprintGap, igniteFire, smokeRates, totalHrr, type FireState } from './FireModel.ts';
import { buildingPopulation, type BuildingPopulation } from './population.ts';
import { Responders, type RespondersSnapshot, type UnitRecord } from './Responders.ts';
import { ToxicExposure, type ToxicExposureSnapshot } from './ToxicExposure.ts';

/** The engine looks at its incidents this often, sim ms. */
const UPDATE_MS = 10_000;
/** Fire engines reach the edge of their district within 5 minutes of dispatch (建标152-2017). */
const FIRE_RESPONSE_STANDARD_S = 300;
/** Ambulances load for this long on the scene, s; each takes up to this many patients. */
const LOADING_S = 300;
const PATIENTS_PER_AMBULANCE = 2;
/** Hospitals have this share of their beds free (China's hospitals run at about 85 % occupancy: 国家卫生健康统计年鉴). */
const FREE_BED_SHARE = 0.15;
/**
 * Rainstorm warnings to response levels: Henan's flood-control plan starts its IV, III, II and I
 * responses with the blue, yellow, orange and red rainstorm signals (an assumption of the model).
 */
/** Water at a building this deep, m, affects its people (cars slow at it too). */
const WET_DOOR_M = 0.15;
const WARNING_LEVEL: Readonly<Record<RainWarning, ResponseLevel>> = { blue: 'IV', yellow: 'III', orange: 'II', red: 'I' };

interface IncidentState {
  id: string;
  kind: Incident['kind'];
  name: { zh: string; en: string };
  x: number;
  y: number;
  startedAtMs: number;
  status: Incident['status'];
  level: ResponseLevel;
  levelBasis: string;
  sceneLink: number;
  peopleAffected: number;
  zones: Zone[];
  deaths: number;
  seriouslyInjured: number;
  minorInjured: number;
  transported: number;
  /** Patients promised to ambulances on the way to a hospital. */
  loaded: number;
  hospitals: Record<string, number>;
  responseTimeS: number | null;
  timeline: Incident['timeline'];
  building?: number;
  fire?: FireState;
  fireFloor?: number;
  occupants?: number;
  asleep?: boolean;
  smokeIds?: string[];
  lastSmoke?: number;
  chemical?: ChemicalId;
  kgPerS?: number;
  endMs?: number;
}

interface Snapshot {
  incidents: IncidentState[];
  responders: RespondersSnapshot;
  evacuations: EvacuationsSnapshot;
  exposure: ToxicExposureSnapshot;
  beds: Record<string, number>;
  next: number;
  lastWarning: RainWarning | null;
  lastUpdateMs: number;
  floodSeenMs: number;
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

  private ctx!: EngineContext;
  private city!: CityModel;
  private rng!: Rng;
  private params!: EmergencyParams;
  private net!: TrafficNetwork;
  private router!: Router;
  private population!: BuildingPopulation;
  private responders!: Responders;
  private evacuations!: Evacuations;
  private exposure!: ToxicExposure;
  private incidents: IncidentState[] = [];
  /** Free beds by hospital POI id. */
  private beds: Record<string, number> = {};
  private next = 1;
  private lastWarning: RainWarning | null = null;
  private lastUpdateMs = -1;
  /** The depth grid last counted for the flood incident's people. */
  private floodSeenMs = -1;
  private buildingIndex = new Map<string, number>();

  init(ctx: EngineContext): void {
    this.ctx = ctx;
    this.city = ctx.city;
    this.rng = ctx.rng;
    this.params = EmergencyParams.parse(ctx.params ?? {});
    this.net = trafficNetworkOf(ctx.city);
    this.router = new Router(this.net);
    this.population = buildingPopulation(ctx.city);
    this.responders = new Responders(ctx.city, this.net, this.router, this.params);
    this.evacuations = new Evacuations(ctx.city.pois, this.net, this.router);
    this.exposure = new ToxicExposure(this.population);
    ctx.city.buildings.forEach((b, i) => this.buildingIndex.set(b.id, i));
    for (const p of ctx.city.pois) if (p.kind === 'hospital') this.beds[p.id] = Math.round((p.beds ?? 0) * FREE_BED_SHARE);
  }

  // ---------------------------------------------------------------- stepping

  step(simTimeMs: number): void {
    if (simTimeMs - this.lastUpdateMs < UPDATE_MS && this.lastUpdateMs >= 0) return;
    const dtS = this.lastUpdateMs < 0 ? 0 : (simTimeMs - this.lastUpdateMs) / 1000;
    this.lastUpdateMs = simTimeMs;
    const tagged = this.ctx.read('traffic.tagged', 'taggedTrips');
    this.responders.follow(tagged, simTimeMs, (u) => this.onArrive(u, simTimeMs));
    this.floodIncident(simTimeMs);
    for (const inc of this.incidents) {
      if (inc.status === 'closed') continue;
      if (inc.kind === 'fire') this.updateFire(inc, simTimeMs);
      if (inc.kind === 'chemical') this.updateChemical(inc, simTimeMs, dtS);
    }
    for (const trips of this.evacuations.due(simTimeMs)) this.ctx.command('traffic.trips', { from: trips.from, to: trips.to, vehicles: trips.vehicles, tag: trips.tag });
    this.evacuations.update(simTimeMs, tagged);
    for (const inc of this.incidents) {
      if (inc.status === 'closed') continue;
      this.ambulances(inc, simTimeMs);
      this.relevel(inc, simTimeMs);
    }
  }

  private now(): number {
    return Math.max(0, this.lastUpdateMs);
  }

  private hourAt(simTimeMs: number): number {
    return ((((this.ctx.startEpochMs + simTimeMs) / 3_600_000 + 8) % 24) + 24) % 24;
  }

  private costs(): Float32Array {
    return this.ctx.read('traffic.costs', 'linkCosts')?.emergency ?? this.freeCost();
  }

  private free: Float32Array | undefined;
  private freeCost(): Float32Array {
    this.free ??= Float32Array.from(this.net.length, (len, k) => len / this.net.freeSpeed[k]);
    return this.free;
  }

  // ---------------------------------------------------------------- incidents

  private newIncident(kind: Incident['kind'], name: { zh: string; en: string }, x: number, y: number, nowMs: number): IncidentState {
    const node = placeNode(this.net, { x, y }) as number;
    const inc: IncidentState = {
      id: `INC-${String(this.next++).padStart(3, '0')}`,
      kind,
      name,
      x: Math.round(x),
      y: Math.round(y),
      startedAtMs: nowMs,
      status: 'active',
      level: 'IV',
      levelBasis: 'initial',
      sceneLink: this.net.inLinks[this.net.inStart[node]] ?? 0,
      peopleAffected: 0,
      zones: [],
      deaths: 0,
      seriouslyInjured: 0,
      minorInjured: 0,
      transported: 0,
      loaded: 0,
      hospitals: {},
      responseTimeS: null,
      timeline: [{ simTimeMs: nowMs, key: `started.${kind}`, params: { name: name.zh } }],
    };
    this.incidents.push(inc);
    return inc;
  }

  private dispatch(inc: IncidentState, kind: UnitKind, count: number, nowMs: number): number {
    const cost = this.costs();
    const choices = this.responders.choose(kind, count, inc.sceneLink, cost);
    const made = this.responders.dispatch(inc.id, kind, choices, inc.sceneLink, nowMs, cost, (u, from, to) => this.send(u, from, to));
    for (const u of made) inc.timeline.push({ simTimeMs: nowMs, key: 'dispatched', params: { unit: u.id, kind: u.kind, station: u.stationName.zh, etaS: u.etaS } });
    return made.length;
  }

  private send(u: UnitRecord, fromLink: number, toLink: number): void {
    const net = this.net;
    this.ctx.command('traffic.emergency_vehicle', {
      from: net.nodeIds[net.from[fromLink]],
      to: net.nodeIds[net.to[toLink]],
      fromLinkId: net.linkIds[fromLink],
      toLinkId: net.linkIds[toLink],
      tag: u.tag,
    });
  }

  private onArrive(u: UnitRecord, nowMs: number): void {
    const inc = this.incidents.find((i) => i.id === u.incidentId);
    if (!inc) return;
    if (u.state === 'done' && u.hospital) {
      this.beds[u.hospital] = Math.max(0, (this.beds[u.hospital] ?? 0) - 0);
      inc.transported += u.patients;
      inc.loaded -= u.patients;
      inc.hospitals[u.hospital] = (inc.hospitals[u.hospital] ?? 0) + u.patients;
      inc.timeline.push({ simTimeMs: nowMs, key: 'atHospital', params: { unit: u.id, hospital: u.hospital, patients: u.patients } });
      u.patients = 0;
      return;
    }
    const arrivedS = ((u.arrivedAtMs ?? nowMs) - u.dispatchedAtMs) / 1000;
    inc.timeline.push({ simTimeMs: u.arrivedAtMs ?? nowMs, key: 'onScene', params: { unit: u.id, kind: u.kind, minutes: Math.round(arrivedS / 6) / 10 } });
    if (u.kind === 'fire' && inc.responseTimeS === null) inc.responseTimeS = Math.round(arrivedS);
    if (u.kind === 'ambulance') u.leaveAtMs = (u.arrivedAtMs ?? nowMs) + LOADING_S * 1000;
  }

  /** Ambulances on the scene load the waiting seriously injured and leave for the nearest hospital with room; more are sent when too few are coming. */
  private ambulances(inc: IncidentState, nowMs: number): void {
    const waiting = this.waiting(inc);
    const cost = this.costs();
    for (const u of this.responders.units) {
      if (u.incidentId !== inc.id || u.kind !== 'ambulance' || u.state !== 'onScene' || nowMs < u.leaveAtMs) continue;
      const patients = Math.min(PATIENTS_PER_AMBULANCE, this.waiting(inc));
      if (patients === 0) {
        if (inc.status !== 'active' || waiting === 0) {
          u.state = 'done';
          this.responders.free(u);
        }
        continue;
      }
      const hospital = this.hospitalFor(inc.sceneLink, patients, cost);
      if (!hospital) continue;
      this.beds[hospital.id] -= patients;
      u.patients = patients;
      inc.loaded += patients;
      this.responders.toHospital(u, hospital.id, inc.sceneLink, hospital.link, cost, (x, f, t) => this.send(x, f, t));
      inc.timeline.push({ simTimeMs: nowMs, key: 'toHospital', params: { unit: u.id, hospital: hospital.name, patients } });
    }
    // Enough ambulances for those waiting: one per two, counting those on the way or loading.
    const coming = this.responders.units.filter((u) => u.incidentId === inc.id && u.kind === 'ambulance' && (u.state === 'waiting' || u.state === 'enRoute' || (u.state === 'onScene' && u.patients === 0))).length;
    const need = Math.ceil(this.waiting(inc) / PATIENTS_PER_AMBULANCE) - coming;
    if (need > 0 && this.params.autoDispatch) this.dispatch(inc, 'ambulance', need, nowMs);
  }

  private waiting(inc: IncidentState): number {
    return Math.max(0, Math.round(inc.seriouslyInjured) - inc.transported - inc.loaded);
  }

  /** The hospital nearest to the scene by travel time with `patients` beds free. */
  private hospitalFor(sceneLink: number, patients: number, cost: Float32Array): { id: string; name: string; link: number } | undefined {
    let best: { id: string; name: string; link: number; t: number } | undefined;
    for (const p of this.city.pois) {
      if (p.kind !== 'hospital' || (this.beds[p.id] ?? 0) < patients) continue;
      const node = this.net.nodeIndex.get(p.node);
      if (node === undefined) continue;
      const link = this.net.inLinks[this.net.inStart[node]];
      const route = link === undefined ? null : this.router.route(sceneLink, link, cost);
      if (!route) continue;
      const t = Router.pathCost(route, 0, cost);
      if (!best || t < best.t) best = { id: p.id, name: p.name.zh, link, t };
    }
    return best;
  }

  private relevel(inc: IncidentState, nowMs: number): void {
    const deaths = Math.round(inc.deaths);
    const serious = Math.round(inc.seriouslyInjured);
    let level: ResponseLevel = inc.kind === 'flood' ? inc.level : accidentLevel({ deaths, seriouslyInjured: serious, directLossYuan: 0 });
    let basis = inc.kind === 'flood' ? inc.levelBasis : `deaths ${deaths}, seriously injured ${serious} (Decree 493)`;
    if (inc.kind === 'chemical') {
      const evacuated = this.evacuations.summary().filter((e) => e.incidentId === inc.id && e.order === 'evacuate').reduce((s, e) => s + e.people, 0);
      const env = environmentalLevel({ deaths, poisoned: serious + Math.round(inc.minorInjured), evacuated });
      if (isMoreSevere(env, level)) basis = `evacuated ${evacuated}, poisoned ${serious + Math.round(inc.minorInjured)} (national environmental emergency plan)`;
      level = highestLevel(level, env);
    }
    if (isMoreSevere(level, inc.level)) {
      inc.timeline.push({ simTimeMs: nowMs, key: 'levelRaised', params: { level } });
      inc.level = level;
      inc.levelBasis = basis;
    } else if (inc.levelBasis === 'initial') inc.levelBasis = basis;
  }

  // ---------------------------------------------------------------- fire

  private updateFire(inc: IncidentState, nowMs: number): void {
    const f = inc.fire as FireState;
    const engines = this.responders.units.filter((u) => u.incidentId === inc.id && u.kind === 'fire' && u.arrivedAtMs !== null).map((u) => u.arrivedAtMs as number);
    engines.sort((a, b) => a - b);
    const suppressFrom = engines.length >= 2 ? engines[1] + FIRE_GROWTH.setUpS * 1000 : -1;
    const wasContained = f.containedAtMs >= 0;
    advanceFire(f, nowMs, suppressFrom);
    if (!wasContained && f.containedAtMs >= 0) {
      inc.status = 'contained';
      inc.timeline.push({ simTimeMs: nowMs, key: 'contained', params: {} });
    }
    const building = this.city.buildings[inc.building as number];
    const hrr = totalHrr(f, nowMs);
    // Smoke: one release of PM2.5 and one of CO above the top burning floor, their rates following the fire.
    const rates = smokeRates(hrr);
    if (!inc.smokeIds) {
      const top = Math.max(...burningFloors(f, nowMs), inc.fireFloor as number);
      const heightM = (building.height * (top - 0.5)) / building.floors;
      inc.smokeIds = [`${inc.id}-pm25`, `${inc.id}-co`];
      ['pm25', 'co'].forEach((pollutant, k) =>
        this.ctx.command('environment.release', { id: inc.smokeIds?.[k], at: { x: inc.x, y: inc.y }, heightM, pollutant, gPerS: Math.max(1e-3, k === 0 ? rates.pm25 : rates.co), exitVelocityMs: 4, exitTempK: 600, diameterM: 3 }),
      );
      inc.lastSmoke = rates.pm25;
    } else if (Math.abs(rates.pm25 - (inc.lastSmoke ?? 0)) > 0.05 * Math.max(rates.pm25, 1e-3) || (hrr < FIRE_GROWTH.containedKw && (inc.lastSmoke ?? 0) > 0)) {
      const off = f.containedAtMs >= 0;
      this.ctx.command('environment.release_rate', { id: inc.smokeIds[0], gPerS: off ? 0 : rates.pm25 });
      this.ctx.command('environment.release_rate', { id: inc.smokeIds[1], gPerS: off ? 0 : rates.co });
      inc.lastSmoke = off ? 0 : rates.pm25;
    }
    // People: the building's occupants at ignition, on and above the fire floor.
    const c = fireCasualties({
      floors: building.floors,
      fireFloor: inc.fireFloor as number,
      occupants: inc.occupants as number,
      timeSinceIgnitionS: ((f.suppressedAtMs >= 0 ? Math.min(nowMs, f.suppressedAtMs) : nowMs) - inc.startedAtMs) / 1000,
      use: building.use,
      asleep: inc.asleep as boolean,
    });
    inc.deaths = c.dead;
    inc.seriouslyInjured = c.seriouslyInjured;
    inc.peopleAffected = Math.round(c.atRisk);
    // The fire may catch a neighbour downwind, once a minute.
    if (f.suppressedAtMs < 0 && hrr >= FIRE_GROWTH.spreadMinKw && nowMs % 60_000 < UPDATE_MS) this.spread(inc, building, nowMs);
  }

  private spread(inc: IncidentState, building: Building, nowMs: number): void {
    const air = this.ctx.read('environment.summary', 'airSummary');
    const towardDeg = ((air?.weather.windFromDeg ?? 0) + 180) % 360;
    const near = this.population.buildingsWithin(inc.x, inc.y, 120);
    for (const j of near) {
      if (j === inc.building || this.incidents.some((i) => i.building === j && i.status !== 'closed')) continue;
      const other = this.city.buildings[j];
      if (footprintGap(building, other) > FIRE_GROWTH.spreadDistanceM) continue;
      const [cx, cy] = ringCentroid(other.footprint[0]);
      const bearing = ((Math.atan2(cx - inc.x, cy - inc.y) * 180) / Math.PI + 360) % 360;
      const off = Math.abs(((bearing - towardDeg + 540) % 360) - 180);
      if (air && off > 60) continue;
      if (this.rng.next() >= FIRE_GROWTH.spreadChancePerMin) continue;
      const caught = this.startFire(j, undefined, nowMs);
      inc.timeline.push({ simTimeMs: nowMs, key: 'spread', params: { to: other.id, incident: caught.id } });
      caught.timeline.push({ simTimeMs: nowMs, key: 'spreadFrom', params: { from: building.id, incident: inc.id } });
      return;
    }
  }

  private startFire(b: number, floor: number | undefined, nowMs: number): IncidentState {
    const building = this.city.buildings[b];
    const [x, y] = ringCentroid(building.footprint[0]);
    const label = building.name || building.id;
    const inc = this.newIncident('fire', { zh: `${label} 火灾`, en: `Fire at ${label}` }, x, y, nowMs);
    const fireFloor = floor ?? Math.max(1, Math.ceil(building.floors / 2));
    const hour = this.hourAt(nowMs);
    inc.building = b;
    inc.fireFloor = fireFloor;
    inc.fire = igniteFire(building, fireFloor, nowMs);
    inc.occupants = Math.round(this.population.peopleAt(hour)[b]);
    inc.asleep = building.use === 'residential' && (hour >= 23 || hour < 6);
    if (this.params.autoDispatch) {
      this.dispatch(inc, 'fire', building.floors >= 10 ? 4 : 2, nowMs);
      this.dispatch(inc, 'ambulance', 1, nowMs);
      this.dispatch(inc, 'police', 1, nowMs);
    }
    return inc;
  }

  // ---------------------------------------------------------------- toxic release

  private updateChemical(inc: IncidentState, nowMs: number, dtS: number): void {
    const chemical = inc.chemical as ChemicalId;
    const grids = this.ctx.read('environment.releases', 'localGrids');
    const grid = grids?.grids.find((g) => g.layer === chemical);
    const air = this.ctx.read('environment.summary', 'airSummary');
    const people = this.population.peopleAt(this.hourAt(nowMs));
    const sheltered = this.evacuations.shelteredBuildings();
    const remaining = this.evacuations.remainingShare();
    if (grid) {
      const zones = this.exposure.zones(grid, chemical, { x: inc.x, y: inc.y }, air?.weather.windFromDeg);
      inc.zones = [
        ...zones.map((z) => ({ ...z, people: Math.round(this.population.peopleInside(z.polygons, people)) })),
        ...inc.zones.filter((z) => z.kind === 'evacuation' || z.kind === 'shelterInPlace'),
      ];
    }
    const outcome = this.exposure.expose(inc.id, grid, chemical, people, sheltered, remaining, dtS);
    inc.deaths = outcome.dead;
    inc.seriouslyInjured = outcome.seriouslyInjured;
    inc.minorInjured = outcome.injured;
    inc.peopleAffected = inc.zones.find((z) => z.kind === 'aegl1')?.people ?? 0;
    if (inc.endMs !== undefined && nowMs >= inc.endMs && inc.status === 'active' && !(grid && grid.values.some((v) => v >= aeglMgM3(chemical, 1) * 1000))) {
      inc.status = 'contained';
      inc.timeline.push({ simTimeMs: nowMs, key: 'contained', params: {} });
    }
  }

  // ---------------------------------------------------------------- flood

  private floodIncident(nowMs: number): void {
    const flood = this.ctx.read('flood.summary', 'floodSummary');
    const warning = flood?.warning ?? null;
    let inc = this.incidents.find((i) => i.kind === 'flood' && i.status !== 'closed');
    if (flood && warning && warning !== this.lastWarning) {
      this.lastWarning = warning;
      inc ??= this.newIncident('flood', { zh: '城市内涝', en: 'Urban flooding' }, 0, 0, nowMs);
      inc.level = WARNING_LEVEL[warning];
      inc.levelBasis = `rainstorm warning ${warning}`;
      inc.timeline.push({ simTimeMs: nowMs, key: 'warning', params: { warning } });
    }
    // People in buildings standing in water of 0.15 m or more, from the latest depth grid.
    const depth = this.ctx.read('flood.grids', 'grids')?.grids.find((g) => g.layer === 'waterDepth');
    if (inc && depth && depth.simTimeMs !== this.floodSeenMs) {
      this.floodSeenMs = depth.simTimeMs;
      const people = this.population.peopleAt(this.hourAt(nowMs));
      const { cols, rows, originX, originY, cellSize, values } = depth;
      let sum = 0;
      for (let b = 0; b < people.length; b++) {
        const c = Math.floor((this.population.centroidX[b] - originX) / cellSize);
        const r = Math.floor((this.population.centroidY[b] - originY) / cellSize);
        if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
        if (values[r * cols + c] >= WET_DOOR_M) sum += people[b];
      }
      inc.peopleAffected = Math.round(sum);
    }
  }

  // ---------------------------------------------------------------- injects

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    const schema = (EmergencyInjects as Record<string, z.ZodType>)[kind];
    if (!schema) return { ok: false, code: 'unknown_inject', message: `EmergencyEngine: does not handle inject kind ${JSON.stringify(kind)}` };
    const parsed = schema.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, code: 'bad_inject_params', message: `${kind}: ${issue.path.join('.') || 'params'}: ${issue.message}` };
    }
    const bad = (message: string): InjectResult => ({ ok: false, code: 'bad_inject_params', message: `${kind}: ${message}` });
    const p = parsed.data as Record<string, unknown>;
    const incident = (id: unknown): IncidentState | undefined => this.incidents.find((i) => i.id === id);
    switch (kind) {
      case 'emergency.fire': {
        const b = this.buildingIndex.get(p.buildingId as string);
        if (b === undefined) return bad(`buildingId: no building ${JSON.stringify(p.buildingId)} in the city`);
        const floors = this.city.buildings[b].floors;
        if (p.floor !== undefined && (p.floor as number) > floors) return bad(`floor: ${p.floor as number} is above the building's ${floors} floors`);
        if (this.incidents.some((i) => i.building === b && i.status === 'active')) return bad(`buildingId: ${p.buildingId as string} is already burning`);
        return { ok: true, id: this.startFire(b, p.floor as number | undefined, simTimeMs).id };
      }
      case 'emergency.chemical_release': {
        const at = p.at as { x: number; y: number };
        const { minX, minY, maxX, maxY } = this.city.extent;
        if (!(at.x >= minX && at.x <= maxX && at.y >= minY && at.y <= maxY)) return bad(`at: (${Math.round(at.x)}, ${Math.round(at.y)}) m is outside the city (${minX}…${maxX}, ${minY}…${maxY})`);
        const chemical = p.chemical as ChemicalId;
        const name = CHEMICALS[chemical].name;
        const inc = this.newIncident('chemical', { zh: `${name.zh}泄漏`, en: `${name.en} release` }, at.x, at.y, simTimeMs);
        inc.chemical = chemical;
        inc.kgPerS = p.kgPerS as number;
        inc.endMs = simTimeMs + Math.round((p.durationS as number) * 1000);
        this.ctx.command('environment.release', { id: `${inc.id}-${chemical}`, at, heightM: p.heightM, pollutant: chemical, gPerS: (p.kgPerS as number) * 1000, durationS: p.durationS });
        if (this.params.autoDispatch) {
          this.dispatch(inc, 'fire', 2, simTimeMs);
          this.dispatch(inc, 'police', 2, simTimeMs);
          this.dispatch(inc, 'ambulance', 2, simTimeMs);
        }
        return { ok: true, id: inc.id };
      }
      case 'emergency.dispatch': {
        const inc = incident(p.incidentId);
        if (!inc) return bad(`incidentId: no incident ${JSON.stringify(p.incidentId)}`);
        const units = p.units as Partial<Record<UnitKind, number>>;
        let sent = 0;
        for (const k of ['fire', 'ambulance', 'police'] as const) if (units[k]) sent += this.dispatch(inc, k, units[k], simTimeMs);
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
        this.responders.releaseIncident(inc.id);
        for (const id of inc.smokeIds ?? []) this.ctx.command('environment.release_rate', { id, gPerS: 0 });
        return { ok: true, id: inc.id };
      }
    }
    return { ok: false, code: 'unknown_inject', message: `EmergencyEngine: does not handle inject kind ${JSON.stringify(kind)}` };
  }

  private evacuate(p: z.infer<(typeof EmergencyInjects)['emergency.evacuate']>, nowMs: number, bad: (m: string) => InjectResult): InjectResult {
    const zone = p.zone;
    const incidentId = zone.incidentId ?? null;
    const inc = incidentId === null ? undefined : this.incidents.find((i) => i.id === incidentId);
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
    const buildings = this.population.buildingsInside(polygons);
    const people = this.population.peopleAt(this.hourAt(nowMs));
    let sx = 0;
    let sy = 0;
    let n = 0;
    let area = 0;
    for (const poly of polygons) {
      for (const [x, y] of poly[0]) {
        sx += x;
        sy += y;
        n++;
      }
      area += Math.abs(ringArea(poly[0]));
    }
    const centre: [number, number] = n ? [sx / n, sy / n] : [0, 0];
    const id = this.evacuations.order(
      { incidentId, order: p.order, buildings, people, cx: this.population.centroidX, cy: this.population.centroidY, centre, radiusM: Math.sqrt(area / Math.PI) },
      nowMs,
      this.ctx.read('traffic.costs', 'linkCosts')?.car ?? this.freeCost(),
      this.params.carShare,
      this.params.peoplePerCar,
    );
    if (inc) {
      inc.zones.push({ kind: p.order === 'evacuate' ? 'evacuation' : 'shelterInPlace', polygons, areaM2: Math.round(area), people: Math.round(this.population.peopleInside(polygons, people)) });
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
    const node = placeNode(this.net, { x, y }) as number;
    const scene = this.net.inLinks[this.net.inStart[node]] ?? 0;
    const cost = this.costs();
    const out: { kind: UnitKind; station: string; etaS: number; route: string[] }[] = [];
    for (const kind of ['fire', 'ambulance', 'police'] as const) {
      const n = counts[kind] ?? 0;
      if (n === 0) continue;
      for (const c of this.responders.choose(kind, n, scene, cost)) {
        const route = this.router.route(c.firstLink, scene, cost);
        out.push({ kind, station: this.responders.stations[c.station].id, etaS: Math.round(c.etaS), route: route ? Array.from(route, (k) => this.net.linkIds[k]) : [] });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- outputs

  output(): EmergencySummary {
    return this.summary();
  }

  summary(): EmergencySummary {
    const t = this.now();
    const incidents: Incident[] = this.incidents.map((inc) => {
      const f = inc.fire;
      return {
        id: inc.id,
        kind: inc.kind,
        name: inc.name,
        x: inc.x,
        y: inc.y,
        startedAtMs: inc.startedAtMs,
        status: inc.status,
        level: inc.level,
        levelBasis: inc.levelBasis,
        peopleAffected: Math.round(inc.peopleAffected),
        zones: inc.zones,
        units: this.responders.unitsOf(inc.id),
        casualties: {
          deaths: Math.round(inc.deaths),
          seriouslyInjured: Math.round(inc.seriouslyInjured),
          minorInjured: Math.round(inc.minorInjured),
          transported: inc.transported,
          waiting: this.waiting(inc) + inc.loaded,
        },
        hospitals: Object.entries(inc.hospitals).map(([id, patients]) => ({ id, patients })),
        responseTimeS: inc.responseTimeS,
        responseStandardS: FIRE_RESPONSE_STANDARD_S,
        ...(inc.building !== undefined ? { buildingId: this.city.buildings[inc.building].id, floors: this.city.buildings[inc.building].floors } : {}),
        ...(f ? { burningFloors: burningFloors(f, t) } : {}),
        ...(inc.chemical ? { chemical: inc.chemical, kgPerS: inc.kgPerS } : {}),
        timeline: inc.timeline,
      };
    });
    const evacuations = this.evacuations.summary();
    const responses = incidents.map((i) => i.responseTimeS).filter((s): s is number => s !== null);
    const clear = evacuations.filter((e) => e.clearAtMs !== null).map((e) => ((e.clearAtMs as number) - e.orderedAtMs) / 1000);
    return {
      simTimeMs: t,
      incidents,
      evacuations,
      shelters: this.evacuations.shelters.map((s) => ({ id: s.id, name: s.poi.name, x: s.poi.x, y: s.poi.y, capacity: s.capacity, occupancy: s.occupancy })),
      hospitals: this.city.pois
        .filter((p) => p.kind === 'hospital')
        .map((p) => ({ id: p.id, name: p.name, x: p.x, y: p.y, beds: p.beds ?? 0, bedsFree: Math.max(0, this.beds[p.id] ?? 0) })),
      stations: this.responders.stations.map((s) => ({ id: s.id, name: s.name, x: s.x, y: s.y, kind: s.kind, units: s.units, available: s.available })),
      figures: {
        meanResponseS: responses.length ? Math.round(responses.reduce((a, b) => a + b, 0) / responses.length) : null,
        clearanceS: clear.length ? Math.round(Math.max(...clear)) : null,
        peopleInAegl2: incidents.reduce((s, i) => s + (i.status === 'closed' ? 0 : (i.zones.find((z) => z.kind === 'aegl2')?.people ?? 0)), 0),
        casualties: incidents.reduce((s, i) => s + i.casualties.deaths + i.casualties.seriouslyInjured + i.casualties.minorInjured, 0),
      },
    };
  }

  // ---------------------------------------------------------------- snapshots

  snapshot(): EngineSnapshot {
    const s: Snapshot = {
      incidents: structuredClone(this.incidents),
      responders: this.responders.snapshot(),
      evacuations: this.evacuations.snapshot(),
      exposure: this.exposure.snapshot(),
      beds: { ...this.beds },
      next: this.next,
      lastWarning: this.lastWarning,
      lastUpdateMs: this.lastUpdateMs,
      floodSeenMs: this.floodSeenMs,
      rng: this.rng.getState(),
    };
    return s;
  }

  restore(snapshot: EngineSnapshot): void {
    const s = snapshot as Snapshot;
    this.incidents = structuredClone(s.incidents);
    this.responders.restore(s.responders);
    this.evacuations.restore(s.evacuations);
    this.exposure.restore(s.exposure);
    this.beds = { ...s.beds };
    this.next = s.next;
    this.lastWarning = s.lastWarning;
    this.lastUpdateMs = s.lastUpdateMs;
    this.floodSeenMs = s.floodSeenMs;
    this.rng.setState(s.rng);
  }

  dispose(): void {}
}

function ringArea(ring: readonly (readonly number[])[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    a += x1 * y2 - x2 * y1;
  }
  return a / 2;
}
