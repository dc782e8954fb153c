import type { LinkActivity } from '../outputs.ts';
import { ACTIVITY_KIND_NAMES, type EmissionFactors } from './emissionFactors.ts';
import type { RoadCells } from './roadCells.ts';

/**
 * Road traffic's emissions on the air raster, g/s per cell, for PM2.5, PM10, NOx and CO (`rasters`
 * in that order): each link's vehicle-kilometres and stopped vehicle-hours by kind over the last
 * window times the running and idling factors, spread over the cells its road crosses by length.
 */
export class TrafficEmissions {
  rasters: Float64Array[];

  constructor(
    private readonly roads: RoadCells,
    cells: number,
    private readonly factors: EmissionFactors,
  ) {
    this.rasters = Array.from({ length: 4 }, () => new Float64Array(cells));
  }

  /** The emissions of the window that ended at `t` (ms since the run's start); all zero without traffic or without that window. */
  read(activity: LinkActivity | undefined, t: number): void {
    const [pm25, pm10, nox, co] = this.rasters;
    for (const r of this.rasters) r.fill(0);
    if (!activity || activity.windowEndMs !== t) return;
    const { linkStart, cell, share } = this.roads;
    const kinds = Math.min(activity.kinds, ACTIVITY_KIND_NAMES.length);
    const perSecond = 1 / (activity.windowMs / 1000);
    const f = ACTIVITY_KIND_NAMES.map((name) => this.factors[name]);
    for (let k = 0; k < linkStart.length - 1; k++) {
      let gPm25 = 0;
      let gPm10 = 0;
      let gNox = 0;
      let gCo = 0;
      for (let j = 0; j < kinds; j++) {
        const i = k * activity.kinds + j;
        const km = activity.metres[i] / 1000;
        const idleH = activity.stoppedSeconds[i] / 3600;
        if (km === 0 && idleH === 0) continue;
        const run = f[j].gPerKm;
        const idle = f[j].gPerIdleHour;
        gPm25 += km * run.pm25 + idleH * idle.pm25;
        gPm10 += km * run.pm10 + idleH * idle.pm10;
        gNox += km * run.nox + idleH * idle.nox;
        gCo += km * run.co + idleH * idle.co;
      }
      if (gPm25 === 0 && gPm10 === 0 && gNox === 0 && gCo === 0) continue;
      for (let e = linkStart[k]; e < linkStart[k + 1]; e++) {
        const c = cell[e];
        const w = share[e] * perSecond;
        pm25[c] += gPm25 * w;
        pm10[c] += gPm10 * w;
        nox[c] += gNox * w;
        co[c] += gCo * w;
      }
    }
  }

  snapshot(): Float64Array[] {
    return this.rasters.map((r) => r.slice());
  }

  restore(rasters: Float64Array[]): void {
    this.rasters.forEach((r, k) => r.set(rasters[k]));
  }
}
