import type { EmergencySummary, Incident } from '../../protocol/EmergencySummary.ts';
import type { Ambulances } from './Ambulances.ts';
import { burningFloors } from './FireModel.ts';
import type { EmergencyScene } from './incidents.ts';

/** Fire engines reach the edge of their district within 5 minutes of dispatch (建标152-2017). */
export const FIRE_RESPONSE_STANDARD_S = 300;

/** The emergencies at sim time t as the protocol has them: incidents, evacuations, shelters, hospitals, stations and the what-if figures. */
export function summarize(s: EmergencyScene, ambulances: Ambulances, t: number): EmergencySummary {
  const incidents: Incident[] = s.incidents.map((inc) => {
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
      units: s.responders.unitsOf(inc.id),
      casualties: {
        deaths: Math.round(inc.deaths),
        seriouslyInjured: Math.round(inc.seriouslyInjured),
        minorInjured: Math.round(inc.minorInjured),
        transported: inc.transported,
        waiting: ambulances.waiting(inc) + inc.loaded,
      },
      hospitals: Object.entries(inc.hospitals).map(([id, patients]) => ({ id, patients })),
      responseTimeS: inc.responseTimeS,
      responseStandardS: FIRE_RESPONSE_STANDARD_S,
      ...(inc.building !== undefined ? { buildingId: s.city.buildings[inc.building].id, floors: s.city.buildings[inc.building].floors } : {}),
      ...(f ? { burningFloors: burningFloors(f, t) } : {}),
      ...(inc.chemical ? { chemical: inc.chemical, kgPerS: inc.kgPerS } : {}),
      timeline: inc.timeline,
    };
  });
  const evacuations = s.evacuations.summary();
  const responses = incidents.map((i) => i.responseTimeS).filter((s): s is number => s !== null);
  const clear = evacuations.filter((e) => e.clearAtMs !== null).map((e) => ((e.clearAtMs as number) - e.orderedAtMs) / 1000);
  return {
    simTimeMs: t,
    incidents,
    evacuations,
    shelters: s.evacuations.shelters.map((s) => ({ id: s.id, name: s.poi.name, x: s.poi.x, y: s.poi.y, capacity: s.capacity, occupancy: s.occupancy })),
    hospitals: s.city.pois
      .filter((p) => p.kind === 'hospital')
      .map((p) => ({ id: p.id, name: p.name, x: p.x, y: p.y, beds: p.beds ?? 0, bedsFree: Math.max(0, ambulances.beds[p.id] ?? 0) })),
    stations: s.responders.stations.map((s) => ({ id: s.id, name: s.name, x: s.x, y: s.y, kind: s.kind, units: s.units, available: s.available })),
    figures: {
      meanResponseS: responses.length ? Math.round(responses.reduce((a, b) => a + b, 0) / responses.length) : null,
      clearanceS: clear.length ? Math.round(Math.max(...clear)) : null,
      peopleInAegl2: incidents.reduce((s, i) => s + (i.status === 'closed' ? 0 : (i.zones.find((z) => z.kind === 'aegl2')?.people ?? 0)), 0),
      casualties: incidents.reduce((s, i) => s + i.casualties.deaths + i.casualties.seriouslyInjured + i.casualties.minorInjured, 0),
    },
  };
}
