import type { EmergencySummary } from '../../protocol/EmergencySummary.ts';

/** The emergency figures the leaders' dashboard shows and charts: one point of a run's emergency history. */
export interface EmergencyPoint {
  simTimeMs: number;
  /** Incidents not closed. */
  incidents: number;
  /** Units dispatched and not yet on scene (waiting for their vehicle, or driving). */
  respondersEnRoute: number;
  /** People in the shelters, and the hospitals' free beds. */
  shelterOccupancy: number;
  freeBeds: number;
}

/** A unit counts as en route from its dispatch until it arrives. */
export const isEnRoute = (state: EmergencySummary['incidents'][number]['units'][number]['state']): boolean => state === 'waiting' || state === 'enRoute';

/** The dashboard's emergency figures of a summary. */
export function emergencyFigures(summary: EmergencySummary): EmergencyPoint {
  let respondersEnRoute = 0;
  for (const i of summary.incidents) for (const u of i.units) if (isEnRoute(u.state)) respondersEnRoute++;
  return {
    simTimeMs: summary.simTimeMs,
    incidents: summary.incidents.filter((i) => i.status !== 'closed').length,
    respondersEnRoute,
    shelterOccupancy: summary.shelters.reduce((n, s) => n + s.occupancy, 0),
    freeBeds: summary.hospitals.reduce((n, h) => n + h.bedsFree, 0),
  };
}
