import { aeglMgM3, type ChemicalId } from '../../protocol/aegl.ts';
import { SLOW_DEPTH_M, type RainWarning } from '../../protocol/FloodSummary.ts';
import type { ResponseLevel } from '../../protocol/responseLevels.ts';
import { newIncident, type EmergencyScene, type IncidentState } from './incidents.ts';

/**
 * Rainstorm warnings to response levels: Henan's flood-control plan starts its IV, III, II and I
 * responses with the blue, yellow, orange and red rainstorm signals (an assumption of the model).
 */
const WARNING_LEVEL: Readonly<Record<RainWarning, ResponseLevel>> = { blue: 'IV', yellow: 'III', orange: 'II', red: 'I' };

/**
 * Advances a toxic release: its AEGL threat zones from the environment engine's close-up grid of
 * the chemical (with the people in them), the toxic loads of the buildings' people and the harm
 * done; contained once the leak has stopped and the cloud is below AEGL-1 everywhere.
 */
export function updateChemical(s: EmergencyScene, inc: IncidentState, nowMs: number, dtS: number): void {
  const chemical = inc.chemical as ChemicalId;
  const grids = s.ctx.read('environment.releases', 'localGrids');
  const grid = grids?.grids.find((g) => g.layer === chemical);
  const air = s.ctx.read('environment.summary', 'airSummary');
  const people = s.peopleAt(nowMs);
  const sheltered = s.evacuations.shelteredBuildings();
  const remaining = s.evacuations.remainingShare();
  if (grid) {
    const zones = s.exposure.zones(grid, chemical, { x: inc.x, y: inc.y }, air?.weather.windFromDeg);
    inc.zones = [
      ...zones.map((z) => ({ ...z, people: Math.round(s.population.peopleInside(z.polygons, people)) })),
      ...inc.zones.filter((z) => z.kind === 'evacuation' || z.kind === 'shelterInPlace'),
    ];
  }
  const outcome = s.exposure.expose(inc.id, grid, chemical, people, sheltered, remaining, dtS);
  inc.deaths = outcome.dead;
  inc.seriouslyInjured = outcome.seriouslyInjured;
  inc.minorInjured = outcome.injured;
  inc.peopleAffected = inc.zones.find((z) => z.kind === 'aegl1')?.people ?? 0;
  if (inc.endMs !== undefined && nowMs >= inc.endMs && inc.status === 'active' && !(grid && grid.values.some((v) => v >= aeglMgM3(chemical, 1) * 1000))) {
    inc.status = 'contained';
    inc.timeline.push({ simTimeMs: nowMs, key: 'contained', params: {} });
  }
}

/** The rainstorm as an incident: raised with the flood engine's warning, its people those in buildings standing in water. */
export class FloodWatch {
  lastWarning: RainWarning | null = null;
  /** The depth grid last counted. */
  seenMs = -1;

  update(s: EmergencyScene, nowMs: number): void {
    const flood = s.ctx.read('flood.summary', 'floodSummary');
    const warning = flood?.warning ?? null;
    let inc = s.incidents.find((i) => i.kind === 'flood' && i.status !== 'closed');
    if (flood && warning && warning !== this.lastWarning) {
      this.lastWarning = warning;
      inc ??= newIncident(s, 'flood', { zh: '城市内涝', en: 'Urban flooding' }, 0, 0, nowMs);
      inc.level = WARNING_LEVEL[warning];
      inc.levelBasis = `rainstorm warning ${warning}`;
      inc.timeline.push({ simTimeMs: nowMs, key: 'warning', params: { warning } });
    }
    // People in buildings standing in water of 0.15 m or more, from the latest depth grid.
    const depth = s.ctx.read('flood.grids', 'grids')?.grids.find((g) => g.layer === 'waterDepth');
    if (inc && depth && depth.simTimeMs !== this.seenMs) {
      this.seenMs = depth.simTimeMs;
      const people = s.peopleAt(nowMs);
      const { cols, rows, originX, originY, cellSize, values } = depth;
      let sum = 0;
      for (let b = 0; b < people.length; b++) {
        const c = Math.floor((s.population.centroidX[b] - originX) / cellSize);
        const r = Math.floor((s.population.centroidY[b] - originY) / cellSize);
        if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
        if (values[r * cols + c] >= SLOW_DEPTH_M) sum += people[b];
      }
      inc.peopleAffected = Math.round(sum);
      // The incident stands where the water is deepest on a road (the middle of that link).
      const top = flood?.closedLinks[0];
      const deepest = top === undefined ? undefined : s.net.linkIndex.get(top.linkId);
      if (deepest !== undefined) {
        const line = s.city.roads.links[deepest].geometry;
        const [x, y] = line[Math.floor(line.length / 2)];
        inc.x = Math.round(x);
        inc.y = Math.round(y);
      }
    }
  }
}
