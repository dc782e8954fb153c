import type { CityModel } from '../../city/CityModel.ts';
import type { ChemicalId } from '../../protocol/aegl.ts';
import type { Incident, UnitKind, Zone } from '../../protocol/EmergencySummary.ts';
import { accidentLevel, environmentalLevel, highestLevel, isMoreSevere, type ResponseLevel } from '../../protocol/responseLevels.ts';
import type { EngineContext } from '../Engine.ts';
import type { Rng } from '../random.ts';
import { placeNode } from '../traffic/resolveOdPairs.ts';
import type { Router } from '../traffic/Router.ts';
import type { TrafficNetwork } from '../traffic/TrafficNetwork.ts';
import type { EmergencyParams } from './emergencyParams.ts';
import type { Evacuations } from './Evacuations.ts';
import type { FireState } from './FireModel.ts';
import type { BuildingPopulation } from './population.ts';
import type { Responders, UnitRecord } from './Responders.ts';
import type { ToxicExposure } from './ToxicExposure.ts';

/** An incident as the engine keeps it (the protocol's Incident is built from it). */
export interface IncidentState {
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

/** Where new incidents get their ids and scene links. */
export interface IncidentSource {
  net: TrafficNetwork;
  incidents: IncidentState[];
  next: number;
}

/** What the incident handlers (fires, hazards, ambulances, the summary) share with the engine. */
export interface EmergencyScene extends IncidentSource {
  readonly ctx: EngineContext;
  readonly city: CityModel;
  readonly rng: Rng;
  readonly params: EmergencyParams;
  readonly router: Router;
  readonly population: BuildingPopulation;
  readonly responders: Responders;
  readonly evacuations: Evacuations;
  readonly exposure: ToxicExposure;
  /** Sends the nearest available units of a kind to an incident; answers how many went. */
  dispatch(inc: IncidentState, kind: UnitKind, count: number, nowMs: number): number;
  /** Puts a unit's trip into the traffic engine. */
  send(u: UnitRecord, fromLink: number, toLink: number): void;
  /** Route costs for emergency vehicles now. */
  costs(): Float32Array;
  /** Hour of the day (Beijing time) at a sim time. */
  hourAt(simTimeMs: number): number;
  /** People in each building at a sim time: its hour and kind of day (weekday or weekend, Beijing time). */
  peopleAt(simTimeMs: number): Float32Array;
}

/** A new incident at (x, y), reached from the road link into the node nearest it. */
export function newIncident(s: IncidentSource, kind: Incident['kind'], name: { zh: string; en: string }, x: number, y: number, nowMs: number): IncidentState {
  const node = placeNode(s.net, { x, y }) as number;
  const inc: IncidentState = {
    id: `INC-${String(s.next++).padStart(3, '0')}`,
    kind,
    name,
    x: Math.round(x),
    y: Math.round(y),
    startedAtMs: nowMs,
    status: 'active',
    level: 'IV',
    levelBasis: 'initial',
    sceneLink: s.net.inLinks[s.net.inStart[node]] ?? 0,
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
  s.incidents.push(inc);
  return inc;
}

/** Raises an incident's level when the harm done (or the people evacuated) passes a national threshold; levels never fall. */
export function relevel(s: EmergencyScene, inc: IncidentState, nowMs: number): void {
  const deaths = Math.round(inc.deaths);
  const serious = Math.round(inc.seriouslyInjured);
  let level: ResponseLevel = inc.kind === 'flood' ? inc.level : accidentLevel({ deaths, seriouslyInjured: serious, directLossYuan: 0 });
  let basis = inc.kind === 'flood' ? inc.levelBasis : `deaths ${deaths}, seriously injured ${serious} (Decree 493)`;
  if (inc.kind === 'chemical') {
    const evacuated = s.evacuations.summary().filter((e) => e.incidentId === inc.id && e.order === 'evacuate').reduce((s, e) => s + e.people, 0);
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
