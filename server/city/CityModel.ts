import { z } from 'zod';

/**
 * The city model: plain data that every later stage (tiles, simulations, API) reads.
 *
 * Geometry is in local east-north-up metres at the city's origin (x east, y north, heights up),
 * rounded to centimetres so that the same seed serialises to the same bytes.
 */

/** A point [x, y] in local ENU metres. */
export const Point2 = z.tuple([z.number(), z.number()]);
export type Point2 = z.infer<typeof Point2>;

/** A closed ring without the repeated first point; outer rings counter-clockwise, holes clockwise. */
export const Ring = z.array(Point2).min(3);
export type Ring = z.infer<typeof Ring>;

/** A polygon: the outer ring first, then holes. */
export const Polygon = z.array(Ring).min(1);
export type Polygon = z.infer<typeof Polygon>;

export const LocalizedName = z.object({ zh: z.string(), en: z.string() });
export type LocalizedName = z.infer<typeof LocalizedName>;

export const BUILDING_USES = ['residential', 'commercial', 'office', 'industrial', 'public', 'school', 'hospital'] as const;
export const BuildingUse = z.enum(BUILDING_USES);
export type BuildingUse = z.infer<typeof BuildingUse>;

export const Building = z.object({
  /** Stable id, unique in the city, e.g. "B012345". */
  id: z.string().min(1),
  /** Name of a notable building; empty for ordinary ones. */
  name: z.string(),
  footprint: Polygon,
  /** Ground elevation under the building, metres above the origin's height. */
  base: z.number(),
  /** Height above its base, metres. */
  height: z.number().positive(),
  floors: z.number().int().positive(),
  use: BuildingUse,
  /** District id, or "" when outside every district. */
  district: z.string(),
  /** Management grid cell id, or "" when outside the grid. */
  grid: z.string(),
});
export type Building = z.infer<typeof Building>;

export const ROAD_CLASSES = ['expressway', 'arterial', 'collector', 'local'] as const;
export const RoadClass = z.enum(ROAD_CLASSES);
export type RoadClass = z.infer<typeof RoadClass>;

export const RoadNode = z.object({
  id: z.string().min(1),
  x: z.number(),
  y: z.number(),
  signalised: z.boolean(),
});
export type RoadNode = z.infer<typeof RoadNode>;

/** A directed link from one node to another; a two-way street is two links. */
export const RoadLink = z.object({
  id: z.string().min(1),
  from: z.string(),
  to: z.string(),
  class: RoadClass,
  /** Lanes in this direction. */
  lanes: z.number().int().positive(),
  speedLimitKmh: z.number().positive(),
  /** Vehicles per hour over all lanes of this direction. */
  capacityVph: z.number().positive(),
  name: z.string(),
  /** Centre line from `from` to `to`, first and last points at the nodes. */
  geometry: z.array(Point2).min(2),
  /** Length of the geometry, metres. */
  length: z.number().positive(),
});
export type RoadLink = z.infer<typeof RoadLink>;

/**
 * A turning movement allowed at a junction: from the end of link `from` into link `to` (which
 * starts at the node `from` ends at), leaving `from` by one of `fromLanes` (lane numbers within
 * `from`, 0 = the kerb lane, as RoadLink.lanes counts them). The engine lets a vehicle turn from
 * the lowest to the highest of them.
 */
export const RoadMovement = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  fromLanes: z.array(z.number().int().nonnegative()).min(1),
});
export type RoadMovement = z.infer<typeof RoadMovement>;

export const RoadNetwork = z
  .object({
    nodes: z.array(RoadNode),
    links: z.array(RoadLink),
    /**
     * The turning movements, when the source says which there are (a SUMO network's connections):
     * a movement left out does not exist. Without it every link may turn into every link leaving
     * its end node, right from the kerb lane, left and back from the leftmost, straight from any.
     */
    movements: z.array(RoadMovement).optional(),
  })
  .superRefine((roads, ctx) => {
    if (!roads.movements) return;
    const links = new Map(roads.links.map((l) => [l.id, l]));
    const seen = new Set<string>();
    roads.movements.forEach((m, i) => {
      const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['movements', i, field], message });
      const from = links.get(m.from);
      const to = links.get(m.to);
      if (!from) return issue('from', `no link "${m.from}"`);
      if (!to) return issue('to', `no link "${m.to}"`);
      if (to.from !== from.to) return issue('to', `link "${m.to}" starts at node "${to.from}", not where "${m.from}" ends ("${from.to}")`);
      const bad = m.fromLanes.find((lane) => lane >= from.lanes);
      if (bad !== undefined) return issue('fromLanes', `lane ${bad}: link "${m.from}" has ${from.lanes} lanes (0 … ${from.lanes - 1})`);
      const key = `${m.from}>${m.to}`;
      if (seen.has(key)) return issue('to', `a second movement from "${m.from}" to "${m.to}"`);
      seen.add(key);
    });
  });
export type RoadNetwork = z.infer<typeof RoadNetwork>;

export const AreaFeature = z.object({
  id: z.string().min(1),
  kind: z.string(),
  name: z.string(),
  polygon: Polygon,
});
export type AreaFeature = z.infer<typeof AreaFeature>;

/** Terrain heights on a regular grid: heights[row * cols + col], row 0 at the south edge. */
export const TerrainGrid = z.object({
  originX: z.number(),
  originY: z.number(),
  cellSize: z.number().positive(),
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  heights: z.array(z.number()),
});
export type TerrainGrid = z.infer<typeof TerrainGrid>;

export const POI_KINDS = ['fire_station', 'hospital', 'police', 'shelter', 'school', 'aq_station'] as const;
export const PoiKind = z.enum(POI_KINDS);
export type PoiKind = z.infer<typeof PoiKind>;

export const Poi = z.object({
  id: z.string().min(1),
  kind: PoiKind,
  name: LocalizedName,
  x: z.number(),
  y: z.number(),
  /** The road node it is reached from. */
  node: z.string(),
  /** Hospitals: beds. */
  beds: z.number().int().nonnegative().optional(),
  /** Shelters: people. */
  capacity: z.number().int().nonnegative().optional(),
});
export type Poi = z.infer<typeof Poi>;

export const District = z.object({
  id: z.string().min(1),
  name: LocalizedName,
  polygon: Polygon,
});
export type District = z.infer<typeof District>;

export const GridCell = z.object({
  id: z.string().min(1),
  col: z.number().int().nonnegative(),
  row: z.number().int().nonnegative(),
  district: z.string(),
});
export type GridCell = z.infer<typeof GridCell>;

/** Management grid (网格): square cells of `cellSize` metres from (originX, originY), row 0 at the south. */
export const ManagementGrid = z.object({
  originX: z.number(),
  originY: z.number(),
  cellSize: z.number().positive(),
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  cells: z.array(GridCell),
});
export type ManagementGrid = z.infer<typeof ManagementGrid>;

export const CityModel = z.object({
  /** Lower-case id used in URLs and folder names. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
  name: LocalizedName,
  /** True for generated cities: the app says the city is synthetic. */
  synthetic: z.boolean(),
  /** The local frame's origin: WGS84 degrees and ellipsoid height, metres. */
  origin: z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), height: z.number() }),
  /** Extent of the city in local metres. */
  extent: z.object({ minX: z.number(), minY: z.number(), maxX: z.number(), maxY: z.number() }),
  districts: z.array(District),
  grid: ManagementGrid,
  buildings: z.array(Building),
  roads: RoadNetwork,
  water: z.array(AreaFeature),
  green: z.array(AreaFeature),
  terrain: TerrainGrid,
  pois: z.array(Poi),
});
export type CityModel = z.infer<typeof CityModel>;
