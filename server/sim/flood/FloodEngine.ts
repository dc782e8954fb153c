import type { CityModel } from '../../city/CityModel.ts';
import type { FloodSummary } from '../../protocol/FloodSummary.ts';
import type { Engine, EngineContext, EngineSnapshot, InjectResult } from '../Engine.ts';
import type { GridSet, LinkWater, OutputDeclaration } from '../outputs.ts';
import { cellFigures, depthGrid, floodedLinks, linkDepths, wetBuildings } from './floodFigures.ts';
import { FloodInjects, FloodParams, type FloodRainInject } from './floodParams.ts';
import type { FloodRaster } from './FloodRaster.ts';
import { landCoverOf, waterSetup, type LandCover } from './landCover.ts';
import { Rainfall, type Rain, type RainfallSnapshot } from './Rainfall.ts';
import { ShallowWater, type ShallowWaterState } from './ShallowWater.ts';

/** The water moves in chunks of this much sim time (each in as many stable sub-steps as it needs). */
const ADVANCE_EVERY_MS = 5_000;
/** Water on the roads is published this often: traffic reads it. */
const ROADS_EVERY_MS = 10_000;
/** The depth grid and the summary are published once a sim minute. */
const UPDATE_EVERY_MS = 60_000;

interface Snapshot {
  water: ShallowWaterState;
  rainfall: RainfallSnapshot;
  waterMs: number;
  fieldMs: number;
  fieldStale: boolean;
  nextRain: number;
  roads: LinkWater;
  grid: Float32Array;
  gridMs: number;
  summary: FloodSummary;
}

/**
 * The flood twin: rain on the city's terrain, run off by the local-inertial shallow-water scheme
 * (Bates, Horritt and Fewtrell 2010, J. Hydrology 387) on a raster of `cellM` metres (25 by default).
 *
 * - Bed: the terrain at each cell centre; a building raises the cells its footprint covers by a
 *   0.3 m doorstep and makes them rough, so shallow water goes round it and deep water passes slowly
 *   (a 25 m cell holds alleys and yards too). Roughness (Manning's n) by cover: roads 0.02 and other
 *   built-up land 0.05 (EA benchmark test 8A), building cells 0.10, parks 0.035 and woods 0.10 (Chow 1959).
 * - Losses: storm drains take up to `drainageMmPerH` (35 by default, per district if given) of the
 *   water standing on built-up land; parks and woods soak up `infiltrationMmPerH` (10 by default).
 * - The river and the reservoir are at their normal level and stay there: they start with no water
 *   of the model's own and take away all that reaches them, as does the city's edge where the ground
 *   falls outward (outflow). The grid starts dry, so the balance holds with no initial water:
 *   rain = on the grid + drained + infiltrated + outflow.
 * - Rain (`flood.rain`): steady or by a hyetograph, over the city, a circle or a district; rains add
 *   up. The CMA rainstorm warnings (blue 50 mm in 12 h, yellow 50 mm in 6 h, orange 50 mm in 3 h,
 *   red 100 mm in 3 h) are raised from the rain fallen at the heaviest place, minute by minute.
 * - The water moves every 5 sim seconds, in as many sub-steps as stability asks (Δt = 0.7 Δx /
 *   √(g h_max), at most 10 s), split where a rain starts, changes or ends; dry land costs nothing.
 * - Publishes the deepest water along every road link every 10 sim seconds (`flood.roads`), and the
 *   depth grid (`waterDepth`, NaN under 1 cm) and the summary every sim minute.
 */
export class FloodEngine implements Engine {
  readonly name = 'flood';
  readonly injects = Object.keys(FloodInjects) as (keyof typeof FloodInjects)[];
  readonly paramsSchema = FloodParams;
  readonly injectSchemas = FloodInjects;
  readonly publishes = [
    { id: 'flood.grids', kind: 'grids' },
    { id: 'flood.roads', kind: 'linkWater' },
    { id: 'flood.summary', kind: 'floodSummary' },
  ] as const satisfies readonly OutputDeclaration[];

  private city!: CityModel;
  private raster!: FloodRaster;
  private land!: LandCover;
  private water!: ShallowWater;
  private rainfall!: Rainfall;
  /** Sim time the water has been advanced to, and the time the rain field the solver holds was taken at. */
  private waterMs = 0;
  private fieldMs = 0;
  /** A rain was added since the solver's field was taken. */
  private fieldStale = false;
  private nextRain = 1;
  private roads!: LinkWater;
  private grid!: Float32Array;
  private gridMs = 0;
  private gridSet!: GridSet;
  private summaryNow!: FloodSummary;

  init(ctx: EngineContext): void {
    const params = FloodParams.parse(ctx.params ?? {});
    const city = ctx.city;
    this.city = city;
    ({ raster: this.raster, land: this.land } = landCoverOf(city, params.cellM));
    this.water = new ShallowWater(waterSetup(city, this.raster, this.land, params));
    this.rainfall = new Rainfall(this.raster.cells);
    this.publishRoads(0);
    this.publishGrid(0);
  }

  step(simTimeMs: number): void {
    this.rainfall.closeMinutesTo(simTimeMs);
    const roadsDue = Math.floor(simTimeMs / ROADS_EVERY_MS) > Math.floor(this.roads.simTimeMs / ROADS_EVERY_MS);
    const gridDue = Math.floor(simTimeMs / UPDATE_EVERY_MS) > Math.floor(this.gridMs / UPDATE_EVERY_MS);
    if (roadsDue || gridDue || simTimeMs - this.waterMs >= ADVANCE_EVERY_MS) this.advanceTo(simTimeMs);
    if (roadsDue) this.publishRoads(simTimeMs);
    if (gridDue) this.publishGrid(simTimeMs);
  }

  output(id: string): GridSet | LinkWater | FloodSummary {
    if (id === 'flood.grids') return this.gridSet;
    if (id === 'flood.roads') return this.roads;
    return { ...this.summaryNow, closedLinks: this.summaryNow.closedLinks.map((l) => ({ ...l })) };
  }

  applyInject(kind: string, params: unknown, simTimeMs: number): InjectResult {
    const p = FloodInjects['flood.rain'].safeParse(params);
    if (!p.success) return bad(kind, p.error.issues, params);
    const cells = this.rainCells(p.data);
    if (typeof cells === 'string') return { ok: false, code: 'bad_inject_params', message: `${kind}: area: ${cells}` };
    const r = p.data;
    const pieces = r.hyetograph ?? [[0, r.mmPerH ?? 0]];
    const id = `rain-${this.nextRain++}`;
    const rain: Rain = {
      id,
      startMs: simTimeMs,
      endMs: simTimeMs + Math.round(r.durationS * 1000),
      atMs: pieces.map(([minute]) => simTimeMs + Math.round(minute * 60_000)),
      mmPerH: pieces.map(([, mmPerH]) => mmPerH),
      cells,
    };
    this.rainfall.add(rain);
    this.fieldStale = true;
    return { ok: true, id };
  }

  /** Water depth at a point now, metres (the cell holding it; 0 outside the city). */
  sampleAt(x: number, y: number): Record<string, number> {
    const cell = this.raster.cellAt(x, y);
    return { waterDepth: cell < 0 ? 0 : Math.round(this.water.state.h[cell] * 1e4) / 1e4 };
  }

  snapshot(): EngineSnapshot {
    const s: Snapshot = {
      water: copyWater(this.water.state),
      rainfall: this.rainfall.snapshot(),
      waterMs: this.waterMs,
      fieldMs: this.fieldMs,
      fieldStale: this.fieldStale,
      nextRain: this.nextRain,
      // Published arrays are fresh at each publication and never changed after: shared, not copied.
      roads: this.roads,
      grid: this.grid,
      gridMs: this.gridMs,
      summary: structuredClone(this.summaryNow),
    };
    return s;
  }

  restore(snapshot: EngineSnapshot): void {
    const s = snapshot as Snapshot;
    this.rainfall.restore(s.rainfall);
    this.waterMs = s.waterMs;
    this.fieldMs = s.fieldMs;
    this.fieldStale = s.fieldStale;
    this.nextRain = s.nextRain;
    // The field the solver held: rains added after it was taken start later (or mark it stale).
    this.water.setRain(this.rainfall.fieldAt(s.fieldMs));
    this.water.state = copyWater(s.water);
    this.roads = s.roads;
    this.grid = s.grid;
    this.gridMs = s.gridMs;
    this.gridSet = this.gridSetOf(this.grid, this.gridMs);
    this.summaryNow = structuredClone(s.summary);
  }

  dispose(): void {}

  /** The raster the water is computed on. */
  get gridRaster(): FloodRaster {
    return this.raster;
  }

  /** The solver (read-only use: tests and the bench). */
  get solver(): ShallowWater {
    return this.water;
  }

  /** What the city looks like to the water: cover, bed, links' and buildings' cells. */
  get landCover(): LandCover {
    return this.land;
  }

  /** The water balance now, m³, unrounded: rain = water + drained + infiltrated + outflow. */
  balance(): { rainM3: number; waterM3: number; drainedM3: number; infiltratedM3: number; outflowM3: number } {
    const a = this.raster.cellM ** 2;
    const s = this.water.state;
    return { rainM3: s.rain * a, waterM3: this.water.storedDepth() * a, drainedM3: s.drained * a, infiltratedM3: s.infiltrated * a, outflowM3: s.outflow * a };
  }

  /** Advances the water to t, in pieces over which the rain is steady. */
  private advanceTo(t: number): void {
    while (this.waterMs < t) {
      if (this.fieldStale || this.rainfall.changedBetween(this.fieldMs, this.waterMs)) {
        this.water.setRain(this.rainfall.fieldAt(this.waterMs));
        this.fieldStale = false;
      }
      this.fieldMs = this.waterMs;
      const end = Math.min(t, this.rainfall.nextChangeAfter(this.waterMs));
      this.water.advance((end - this.waterMs) / 1000);
      this.waterMs = end;
    }
  }

  private publishRoads(t: number): void {
    this.roads = { simTimeMs: t, depthM: linkDepths(this.water.state.h, this.land) };
  }

  private publishGrid(t: number): void {
    this.grid = depthGrid(this.water.state.h);
    this.gridMs = t;
    this.gridSet = this.gridSetOf(this.grid, t);
    this.summaryNow = this.summarise(t);
  }

  private gridSetOf(values: Float32Array, t: number): GridSet {
    const { cols, rows, originX, originY, cellM } = this.raster;
    return { simTimeMs: t, grids: [{ layer: 'waterDepth', simTimeMs: t, cols, rows, originX, originY, cellSize: cellM, values }] };
  }

  private summarise(t: number): FloodSummary {
    const { h } = this.water.state;
    const b = this.balance();
    const cells = cellFigures(h, this.land);
    const m3 = (v: number): number => Math.round(v * 100) / 100;
    return {
      simTimeMs: t,
      rainM3: m3(b.rainM3),
      waterM3: m3(b.waterM3),
      drainedM3: m3(b.drainedM3),
      infiltratedM3: m3(b.infiltratedM3),
      outflowM3: m3(b.outflowM3),
      maxDepthM: Math.round(cells.maxDepthM * 1000) / 1000,
      floodedCells: cells.floodedCells,
      cellM: this.raster.cellM,
      rainMmPerH: Math.round(this.rainfall.meanMmPerH(t) * 10) / 10,
      rainMm: Math.round(this.rainfall.maxTotalMm * 10) / 10,
      warning: this.rainfall.highestWarning,
      ...floodedLinks(linkDepths(h, this.land), this.city.roads.links),
      wetBuildings: wetBuildings(h, this.land),
    };
  }

  /** The cells a rain falls on (null: all), or why the area is wrong. */
  private rainCells(r: FloodRainInject): Int32Array | null | string {
    const area = r.area;
    if (!area) return null;
    const raster = this.raster;
    if ('districtId' in area) {
      const cells: number[] = [];
      const d = this.city.districts.find((x) => x.id === area.districtId);
      if (!d) return `no district ${JSON.stringify(area.districtId)} (the city's districts: ${this.city.districts.map((x) => x.id).join(', ') || 'none'})`;
      raster.forEachCellIn(d.polygon, (i) => cells.push(i));
      return cells.length > 0 ? Int32Array.from(cells).sort() : `district ${JSON.stringify(area.districtId)} holds no cell of the grid`;
    }
    const { x, y, radiusM } = area;
    const disc = raster.cellsWithin(x, y, radiusM);
    return disc.length > 0 ? Int32Array.from(disc) : `the circle of ${radiusM} m round (${x}, ${y}) misses the city`;
  }
}

function copyWater(s: ShallowWaterState): ShallowWaterState {
  return { ...s, h: s.h.slice(), qx: s.qx.slice(), qy: s.qy.slice(), lo: s.lo.slice(), hi: s.hi.slice() };
}

/** A failed inject: the first issue's field, message and the value given. */
function bad(kind: string, issues: { path: PropertyKey[]; message: string }[], params: unknown): InjectResult {
  const i = issues[0];
  const field = i.path.map(String).join('.');
  let value: unknown = params;
  for (const key of i.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const got = field === '' ? '' : ` (got ${value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 80)})`;
  return { ok: false, code: 'bad_inject_params', message: `${kind}: ${field || '(params)'}: ${i.message}${got}` };
}
