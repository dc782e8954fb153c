import type { CityModel } from '../../city/CityModel.ts';
import { Router } from '../traffic/Router.ts';
import type { EmergencyScene, IncidentState } from './incidents.ts';
import type { UnitRecord } from './Responders.ts';

/** Ambulances load for this long on the scene, s; each takes up to this many patients. */
const LOADING_S = 300;
const PATIENTS_PER_AMBULANCE = 2;
/** Hospitals have this share of their beds free (China's hospitals run at about 85 % occupancy: 国家卫生健康统计年鉴). */
const FREE_BED_SHARE = 0.15;

/**
 * Hospitals' free beds and the ambulances' work: on the scene they load the seriously injured
 * waiting there (LOADING_S), take them to the hospital nearest by travel time with beds free
 * (reserved when they leave), and more are sent while too few are coming for those waiting.
 */
export class Ambulances {
  /** Free beds by hospital POI id. */
  beds: Record<string, number> = {};

  constructor(city: CityModel) {
    for (const p of city.pois) if (p.kind === 'hospital') this.beds[p.id] = Math.round((p.beds ?? 0) * FREE_BED_SHARE);
  }

  /** Seriously injured at the scene with no ambulance yet. */
  waiting(inc: IncidentState): number {
    return Math.max(0, Math.round(inc.seriouslyInjured) - inc.transported - inc.loaded);
  }

  /** An ambulance reached the scene (it loads) or its hospital (its patients are admitted). */
  arrived(inc: IncidentState, u: UnitRecord, nowMs: number): void {
    if (u.state === 'done' && u.hospital) {
      inc.transported += u.patients;
      inc.loaded -= u.patients;
      inc.hospitals[u.hospital] = (inc.hospitals[u.hospital] ?? 0) + u.patients;
      inc.timeline.push({ simTimeMs: nowMs, key: 'atHospital', params: { unit: u.id, hospital: u.hospital, patients: u.patients } });
      u.patients = 0;
      return;
    }
    u.leaveAtMs = (u.arrivedAtMs ?? nowMs) + LOADING_S * 1000;
  }

  /** Loaded ambulances leave for a hospital; idle ones go home once nobody waits; more come when needed. */
  update(s: EmergencyScene, inc: IncidentState, nowMs: number): void {
    const waiting = this.waiting(inc);
    const cost = s.costs();
    for (const u of s.responders.units) {
      if (u.incidentId !== inc.id || u.kind !== 'ambulance' || u.state !== 'onScene' || nowMs < u.leaveAtMs) continue;
      const patients = Math.min(PATIENTS_PER_AMBULANCE, this.waiting(inc));
      if (patients === 0) {
        if (inc.status !== 'active' || waiting === 0) {
          u.state = 'done';
          s.responders.free(u);
        }
        continue;
      }
      const hospital = this.hospitalFor(s, inc.sceneLink, patients, cost);
      if (!hospital) continue;
      this.beds[hospital.id] -= patients;
      u.patients = patients;
      inc.loaded += patients;
      s.responders.toHospital(u, hospital.id, inc.sceneLink, hospital.link, cost, (x, f, t) => s.send(x, f, t));
      inc.timeline.push({ simTimeMs: nowMs, key: 'toHospital', params: { unit: u.id, hospital: hospital.name, patients } });
    }
    // Enough ambulances for those waiting: one per two, counting those on the way or loading.
    const coming = s.responders.units.filter((u) => u.incidentId === inc.id && u.kind === 'ambulance' && (u.state === 'waiting' || u.state === 'enRoute' || (u.state === 'onScene' && u.patients === 0))).length;
    const need = Math.ceil(this.waiting(inc) / PATIENTS_PER_AMBULANCE) - coming;
    if (need > 0 && s.params.autoDispatch) s.dispatch(inc, 'ambulance', need, nowMs);
  }

  /** The hospital nearest to the scene by travel time with `patients` beds free. */
  private hospitalFor(s: EmergencyScene, sceneLink: number, patients: number, cost: Float32Array): { id: string; name: string; link: number } | undefined {
    let best: { id: string; name: string; link: number; t: number } | undefined;
    for (const p of s.city.pois) {
      if (p.kind !== 'hospital' || (this.beds[p.id] ?? 0) < patients) continue;
      const node = s.net.nodeIndex.get(p.node);
      if (node === undefined) continue;
      const link = s.net.inLinks[s.net.inStart[node]];
      const route = link === undefined ? null : s.router.route(sceneLink, link, cost);
      if (!route) continue;
      const t = Router.pathCost(route, 0, cost);
      if (!best || t < best.t) best = { id: p.id, name: p.name.zh, link, t };
    }
    return best;
  }
}
