import type { Building, CityModel, District, Point2, RoadLink } from '../../../../server/city/CityModel.ts';
import { FloodEngine } from '../../../../server/sim/flood/FloodEngine.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';

export interface TerrainCityOptions {
  cols: number;
  rows: number;
  cellM: number;
  /** Ground height at the centre of cell (c, r), metres. */
  height: (c: number, r: number) => number;
  links?: { id: string; name?: string; points: Point2[] }[];
  buildings?: { id: string; ring: Point2[] }[];
  districts?: { id: string; ring: Point2[] }[];
}

/**
 * A city for flood tests: `cols` × `rows` cells of `cellM` metres from (0, 0), its terrain given at
 * the cell centres (so the flood raster at the same cell size sees exactly those heights), with
 * optional road links, buildings and districts and nothing else.
 */
export function terrainCity(o: TerrainCityOptions): CityModel {
  const heights: number[] = [];
  for (let r = 0; r < o.rows; r++) for (let c = 0; c < o.cols; c++) heights.push(o.height(c, r));
  const links: RoadLink[] = (o.links ?? []).map((l) => ({
    id: l.id,
    from: `${l.id}-a`,
    to: `${l.id}-b`,
    class: 'local',
    lanes: 1,
    speedLimitKmh: 40,
    capacityVph: 800,
    name: l.name ?? l.id,
    geometry: l.points,
    length: l.points.slice(1).reduce((s, p, k) => s + Math.hypot(p[0] - l.points[k][0], p[1] - l.points[k][1]), 0),
  }));
  const buildings: Building[] = (o.buildings ?? []).map((b) => ({ id: b.id, name: '', footprint: [b.ring], base: 0, height: 10, floors: 3, use: 'residential', district: '', grid: '' }));
  const districts: District[] = (o.districts ?? []).map((d) => ({ id: d.id, name: { zh: d.id, en: d.id }, polygon: [d.ring] }));
  return {
    id: 'terrain',
    name: { zh: '地形城', en: 'Terrain city' },
    synthetic: true,
    origin: { lon: 113.29, lat: 33.74, height: 0 },
    extent: { minX: 0, minY: 0, maxX: o.cols * o.cellM, maxY: o.rows * o.cellM },
    districts,
    grid: { originX: 0, originY: 0, cellSize: 1000, cols: 1, rows: 1, cells: [] },
    buildings,
    roads: { nodes: [], links },
    water: [],
    green: [],
    terrain: { originX: o.cellM / 2, originY: o.cellM / 2, cellSize: o.cellM, cols: o.cols, rows: o.rows, heights },
    pois: [],
  };
}

/** A flood engine on its own (no run) over a city, with the given parameters. */
export function floodEngine(city: CityModel, params: Record<string, unknown> = {}): FloodEngine {
  const engine = new FloodEngine();
  engine.init(standaloneContext({ city, params, rng: createRng(1), stepMs: 500, startEpochMs: 0 }));
  return engine;
}

/** Steps an engine from `from` to `to` (sim ms) in steps of `stepMs`, calling `each` after every step. */
export function stepEngine(engine: FloodEngine, from: number, to: number, stepMs = 500, each?: (t: number) => void): void {
  for (let t = from + stepMs; t <= to; t += stepMs) {
    engine.step(t);
    each?.(t);
  }
}

/** A square ring centred at (x, y). */
export function square(x: number, y: number, half: number): Point2[] {
  return [
    [x - half, y - half],
    [x + half, y - half],
    [x + half, y + half],
    [x - half, y + half],
  ];
}
