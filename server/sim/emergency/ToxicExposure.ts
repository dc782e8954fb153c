import type { ChemicalId } from '../../protocol/aegl.ts';
import type { Zone } from '../../protocol/EmergencySummary.ts';
import type { ScalarGrid } from '../../protocol/ScalarGridCodec.ts';
import { AIR_CHANGES_PER_HOUR, indoorConcentration, toxicLoadStep, toxicModel, toxicOutcome, type ToxicModel } from './casualties.ts';
import type { BuildingPopulation } from './population.ts';
import { aeglThreatZones } from './threatZones.ts';

/** People indoors breathe the indoor air; sheltered buildings open up again once the outdoor air is this much cleaner than theirs. */
const AIR_OUT_SHARE = 0.1;

interface BuildingDose {
  /** Indoor concentration, mg/m³, and the toxic load taken so far. */
  indoorMgM3: number;
  load: number;
  /** The most people of the building harmed so far (counts never fall). */
  dead: number;
  seriouslyInjured: number;
  injured: number;
}

export interface ToxicExposureSnapshot {
  doses: [string, [number, BuildingDose][]][];
}

/**
 * Toxic loads of the people in each building near a release (indoor air following the outdoor air
 * with the building's air changes: fewer when sheltering in place), the harm they come to, and the
 * AEGL threat zones drawn from a release's close-up grid.
 */
export class ToxicExposure {
  /** Doses by incident, then by building index. */
  private doses = new Map<string, Map<number, BuildingDose>>();
  private models = new Map<ChemicalId, ToxicModel>();

  constructor(private readonly population: BuildingPopulation) {}

  private model(chemical: ChemicalId): ToxicModel {
    let m = this.models.get(chemical);
    if (!m) {
      m = toxicModel(chemical);
      this.models.set(chemical, m);
    }
    return m;
  }

  /** The AEGL-3, -2 and -1 zones of a close-up grid (µg/m³), worst first; people are the caller's to count. */
  zones(grid: ScalarGrid, chemical: ChemicalId, source: { x: number; y: number }, windFromDeg: number | undefined): Zone[] {
    const mg = { ...grid, values: grid.values.map((v) => v / 1000) };
    return aeglThreatZones(mg, chemical, { source, windFromDeg })
      .reverse()
      .map((z) => ({ kind: `aegl${z.level}` as Zone['kind'], polygons: z.polygons, areaM2: Math.round(z.areaM2), people: 0, reachM: Math.round(z.farthestM) }));
  }

  /**
   * Advances the doses of incident `id`'s release by `dtS` seconds with the outdoor air of `grid`
   * (µg/m³; undefined once the cloud is gone) and answers the people harmed so far: dead, seriously
   * injured, injured. `people` are in each building now; `remaining` the share of a building still
   * there (evacuations); `sheltered` buildings are closed up.
   */
  expose(
    id: string,
    grid: ScalarGrid | undefined,
    chemical: ChemicalId,
    people: Float32Array,
    sheltered: ReadonlySet<number>,
    remaining: ReadonlyMap<number, number>,
    dtS: number,
  ): { dead: number; seriouslyInjured: number; injured: number } {
    const model = this.model(chemical);
    let doses = this.doses.get(id);
    if (!doses) {
      doses = new Map();
      this.doses.set(id, doses);
    }
    const outdoor = new Map<number, number>();
    if (grid) {
      const { cols, rows, originX, originY, cellSize, values } = grid;
      const near = this.population.buildingsWithin(originX + (cols * cellSize) / 2, originY + (rows * cellSize) / 2, (Math.hypot(cols, rows) * cellSize) / 2);
      for (const b of near) {
        const c = Math.floor((this.population.centroidX[b] - originX) / cellSize);
        const r = Math.floor((this.population.centroidY[b] - originY) / cellSize);
        if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
        const v = values[r * cols + c] / 1000;
        if (v > 1e-6) outdoor.set(b, v);
      }
    }
    for (const b of outdoor.keys()) if (!doses.has(b)) doses.set(b, { indoorMgM3: 0, load: 0, dead: 0, seriouslyInjured: 0, injured: 0 });
    let dead = 0;
    let serious = 0;
    let injured = 0;
    for (const [b, d] of doses) {
      const out = outdoor.get(b) ?? 0;
      const closed = sheltered.has(b) && !(out < d.indoorMgM3 * AIR_OUT_SHARE);
      const ach = closed ? AIR_CHANGES_PER_HOUR.sheltered : AIR_CHANGES_PER_HOUR.ordinary;
      const before = d.indoorMgM3;
      d.indoorMgM3 = dtS > 0 ? indoorConcentration(before, out, ach, dtS) : before;
      d.load += toxicLoadStep(model, before, d.indoorMgM3, dtS);
      const there = people[b] * (remaining.get(b) ?? 1);
      const o = toxicOutcome(model, d.load);
      d.dead = Math.max(d.dead, o.dead * there);
      d.seriouslyInjured = Math.max(d.seriouslyInjured, o.seriouslyInjured * there);
      d.injured = Math.max(d.injured, o.injured * there);
      dead += d.dead;
      serious += d.seriouslyInjured;
      injured += d.injured;
    }
    return { dead, seriouslyInjured: serious, injured };
  }

  snapshot(): ToxicExposureSnapshot {
    return { doses: [...this.doses].map(([id, m]) => [id, [...m].map(([b, d]) => [b, { ...d }])]) };
  }

  restore(s: ToxicExposureSnapshot): void {
    this.doses = new Map(s.doses.map(([id, list]) => [id, new Map(list.map(([b, d]) => [b, { ...d }]))]));
  }
}
