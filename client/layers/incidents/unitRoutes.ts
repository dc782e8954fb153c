/**
 * The routes of the responding units on the way (or carrying patients), as lines along the road
 * geometry the traffic overlay draws (routeLinkIds → the city's road lines), for the air layer's
 * ground-line drawings in both views. Framework-free.
 */
import type { EmergencySummary } from '../../../server/protocol/EmergencySummary.ts';
import { loadRoads, type RoadNet } from '../../twin/traffic/roads.ts';
import type { GroundLine, GroundLineLook, GroundLines } from '../air/groundLines.ts';
import { UNIT_COLORS } from './emergencyColors.ts';
import type { LiveIncidents } from './LiveIncidents.ts';

/** Routes are drawn over the road ribbons and the zones, wider than a release's contours. */
export const ROUTE_LOOK: GroundLineLook = { liftM: 6, widthPx: 4 };

/** Units whose route is drawn: those not yet there (their route from the station) and ambulances taking patients (to the hospital). */
const ROUTED = new Set(['waiting', 'enRoute', 'toHospital']);

/** The routes of the units of `summary`'s open incidents on the road network `roads` (links it does not know are skipped). */
export function routesOf(summary: EmergencySummary | null, roads: RoadNet): GroundLine[] {
  const out: GroundLine[] = [];
  for (const inc of summary?.incidents ?? []) {
    if (inc.status === 'closed') continue;
    for (const unit of inc.units) {
      if (!ROUTED.has(unit.state) || unit.routeLinkIds.length === 0) continue;
      const points: number[] = [];
      for (const id of unit.routeLinkIds) {
        const k = roads.indexOf.get(id);
        if (k === undefined) continue;
        for (let i = roads.starts[k]; i < roads.starts[k + 1]; i++) {
          const [x, y] = [roads.points[3 * i], roads.points[3 * i + 1]];
          // A link starts where the one before it ends: the shared point once.
          if (points.length >= 2 && points[points.length - 2] === x && points[points.length - 1] === y) continue;
          points.push(x, y);
        }
      }
      if (points.length >= 4) out.push({ points, color: UNIT_COLORS[unit.kind], closed: false });
    }
  }
  return out;
}

/** The units' routes of the joined run as ground lines, once the city's road lines are in. */
export class RouteLines implements GroundLines {
  private roads: RoadNet | null = null;
  private destroyed = false;

  /** `arrived` is called when the road lines have come in (the drawing redraws). */
  constructor(
    private readonly incidents: LiveIncidents,
    cityId: string,
    arrived: () => void,
  ) {
    loadRoads(cityId).then(
      (roads) => {
        if (this.destroyed) return;
        this.roads = roads;
        arrived();
      },
      // The traffic layer reports the failure too; without the roads there are no routes to draw.
      (error: Error) => console.warn(`RouteLines: ${error.message}`),
    );
  }

  get version(): number {
    return 2 * this.incidents.version + (this.roads ? 1 : 0);
  }

  lines(): GroundLine[] {
    return this.roads ? routesOf(this.incidents.summary, this.roads) : [];
  }

  destroy(): void {
    this.destroyed = true;
  }
}
