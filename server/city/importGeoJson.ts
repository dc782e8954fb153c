import { z } from 'zod';
import { CityModel } from './CityModel.ts';
import type {
  Building,
  BuildingUse,
  District,
  GridCell,
  LocalizedName,
  ManagementGrid,
  Point2,
  Poi,
  PoiKind,
  Polygon,
  Ring,
  RoadClass,
  RoadLink,
  RoadNetwork,
  RoadNode,
  TerrainGrid,
} from './CityModel.ts';
import { geodeticToEnu } from '../protocol/geo.ts';
import type { Geodetic } from '../protocol/geo.ts';
import { cm, orientPolygon, polygonArea, polylineLength, ringCentroid, ringsBox } from './polygon.ts';
import type { Box2 } from './polygon.ts';

/**
 * Import a real city from GeoJSON as OpenStreetMap exports carry it (Overpass, osmium):
 * buildings, roads and points of interest in WGS84 lon/lat become a flat city model in local
 * ENU metres. A bad feature is reported and skipped; the rest imports.
 */

export type ImportLayer = 'buildings' | 'roads' | 'pois';

export interface SkippedFeature {
  layer: ImportLayer;
  /** Index of the feature in its FeatureCollection's `features` array. */
  index: number;
  reason: string;
}

export interface ImportReport {
  imported: { buildings: number; roads: number; pois: number };
  skipped: SkippedFeature[];
  /** Skipped features counted by kind of reason, e.g. { "bad height": 2 }. */
  skippedByReason: Record<string, number>;
  /** Buildings with neither a height nor a floor count, given the default height. */
  heightDefaulted: number;
}

export interface ImportInput {
  id: string;
  name?: LocalizedName;
  /** Parsed JSON of each file; buildings may be left out when `roadNetwork` is given. */
  buildings?: unknown;
  roads?: unknown;
  pois?: unknown;
  /** Origin of the local frame; default: the centre of the buildings' bounding box. */
  origin?: { lon: number; lat: number };
  /** Roads already in local metres at `origin` (a SUMO network), instead of the `roads` layer. */
  roadNetwork?: RoadNetwork;
}

/** Bad input that stops the whole import (as opposed to one bad feature, which is skipped). */
export class ImportError extends Error {
  /** What had been found before giving up, when the layers themselves were readable. */
  readonly report?: ImportReport;

  constructor(message: string, report?: ImportReport) {
    super(message);
    this.name = 'ImportError';
    this.report = report;
  }
}

/** Storey heights used to turn floors into metres and back. */
const STOREY_M = 3;
const COMMERCIAL_STOREY_M = 4;
const DEFAULT_FLOORS = 3;
const MAX_FOOTPRINT_M2 = 1_000_000;
const MIN_FOOTPRINT_M2 = 1;
const MAX_HEIGHT_M = 1000;
/** Road vertices closer than this are one vertex: OSM ways meet at shared nodes, other exports round. */
const SNAP_M = 0.5;
const GRID_CELL_M = 500;
const TERRAIN_CELL_M = 50;

export const LANE_CAPACITY_VPH: Record<RoadClass, number> = { expressway: 1800, arterial: 1000, collector: 800, local: 600 };
const DEFAULT_SPEED_KMH: Record<RoadClass, number> = { expressway: 100, arterial: 60, collector: 50, local: 30 };
const DEFAULT_LANES_PER_DIRECTION: Record<RoadClass, number> = { expressway: 2, arterial: 2, collector: 1, local: 1 };

/** OpenStreetMap `highway` values of roads for vehicles and their class. */
export const HIGHWAY_CLASS: Record<string, RoadClass> = {
  motorway: 'expressway',
  motorway_link: 'expressway',
  trunk: 'expressway',
  trunk_link: 'expressway',
  primary: 'arterial',
  primary_link: 'arterial',
  secondary: 'arterial',
  secondary_link: 'arterial',
  tertiary: 'collector',
  tertiary_link: 'collector',
  residential: 'local',
  unclassified: 'local',
  service: 'local',
  living_street: 'local',
  road: 'local',
};
const NOT_FOR_VEHICLES = new Set([
  'footway', 'cycleway', 'path', 'steps', 'pedestrian', 'bridleway', 'corridor', 'elevator',
  'platform', 'sidewalk', 'crossing', 'track', 'bus_stop', 'proposed', 'construction', 'abandoned', 'raceway',
]);

const BUILDING_USE: Record<string, BuildingUse> = {
  residential: 'residential', apartments: 'residential', house: 'residential', dormitory: 'residential',
  detached: 'residential', terrace: 'residential', semidetached_house: 'residential',
  commercial: 'commercial', retail: 'commercial', hotel: 'commercial', supermarket: 'commercial', kiosk: 'commercial',
  office: 'office',
  industrial: 'industrial', warehouse: 'industrial', factory: 'industrial', manufacture: 'industrial',
  school: 'school', university: 'school', college: 'school', kindergarten: 'school',
  hospital: 'hospital', clinic: 'hospital',
  government: 'public', public: 'public', civic: 'public', church: 'public', chapel: 'public',
  cathedral: 'public', mosque: 'public', temple: 'public', shrine: 'public', train_station: 'public',
  transportation: 'public', fire_station: 'public', sports_hall: 'public', stadium: 'public', museum: 'public',
};
const AMENITY_USE: Record<string, BuildingUse> = {
  school: 'school', university: 'school', college: 'school', kindergarten: 'school',
  hospital: 'hospital', clinic: 'hospital',
  townhall: 'public', police: 'public', fire_station: 'public', place_of_worship: 'public', library: 'public',
};
const AMENITY_POI: Record<string, PoiKind> = { fire_station: 'fire_station', hospital: 'hospital', police: 'police', school: 'school' };

// Only the envelope is checked by schema here: features are checked one by one so one bad feature costs only itself.
const FeatureCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });
const FeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).optional(),
  geometry: z.object({ type: z.string(), coordinates: z.unknown() }).nullable(),
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
});
type Feature = z.infer<typeof FeatureSchema>;
type Props = Record<string, unknown>;

/** One feature's problem: `kind` groups the report, `message` names the field and value. */
class Skip {
  constructor(
    readonly kind: string,
    readonly message: string,
  ) {}
}

/** Turn parsed GeoJSON layers into a validated city model and a report of what was skipped and why. */
export function importGeoJson(input: ImportInput): { city: CityModel; report: ImportReport } {
  const id = CityModel.shape.id.safeParse(input.id);
  if (!id.success) {
    throw new ImportError(`importGeoJson: id: ${show(input.id)} is not a city id (lower-case letters, digits, "-" and "_", at most 64, starting with a letter or digit)`);
  }
  if (input.origin && !(Math.abs(input.origin.lon) <= 180 && Math.abs(input.origin.lat) <= 90)) {
    throw new ImportError(`importGeoJson: origin: expected lon within -180..180 and lat within -90..90, got ${input.origin.lon},${input.origin.lat}`);
  }
  const skipped: Array<SkippedFeature & { kind: string }> = [];
  const skip = (layer: ImportLayer, index: number, s: Skip) => skipped.push({ layer, index, reason: s.message, kind: s.kind });

  if (input.roadNetwork && (!input.origin || input.roads !== undefined)) {
    throw new Error('importGeoJson: roadNetwork needs the origin of its frame and replaces the roads layer');
  }
  const buildingFeatures = input.buildings === undefined && input.roadNetwork ? [] : readCollection('buildings', input.buildings);
  const roadFeatures = input.roads === undefined ? [] : readCollection('roads', input.roads);
  const poiFeatures = input.pois === undefined ? [] : readCollection('pois', input.pois);

  // Pass 1, in lon/lat: check everything that does not need the local frame, to find the origin.
  const rawBuildings = parseLayer('buildings', buildingFeatures, parseBuilding, skip);
  const rawRoads = parseLayer('roads', roadFeatures, parseRoad, skip);
  const rawPois = parseLayer('pois', poiFeatures, parsePoi, skip);

  const noBuildings = () => {
    const first = skipped.find((s) => s.layer === 'buildings');
    return new ImportError(
      buildingFeatures.length === 0
        ? 'importGeoJson: buildings: the FeatureCollection has no features'
        : `importGeoJson: buildings: none of the ${buildingFeatures.length} features could be imported` +
            (first ? ` (feature ${first.index}: ${first.reason})` : ''),
      makeReport(skipped, { buildings: 0, roads: 0, pois: 0 }, 0),
    );
  };
  if (rawBuildings.length === 0 && !input.roadNetwork) throw noBuildings();

  const origin: Geodetic = input.origin
    ? { lon: input.origin.lon, lat: input.origin.lat, height: 0 }
    : boxCentre(rawBuildings.flatMap((b) => b.polygons.flat(2)));
  const toLocal = (p: LonLat): Point2 => {
    const [e, n] = geodeticToEnu(origin, { lon: p[0], lat: p[1], height: 0 });
    return [e, n];
  };

  // Pass 2, in metres.
  let heightDefaulted = 0;
  const buildings: Building[] = [];
  const usedIds = new Set<string>();
  for (const raw of rawBuildings) {
    const before = buildings.length;
    raw.polygons.forEach((lonLatPolygon, part) => {
      // A MultiPolygon's parts are separate buildings: a bad part costs only itself.
      const where = raw.polygons.length > 1 ? `polygon ${part}: ` : '';
      const footprint = localPolygon(lonLatPolygon, toLocal);
      if (footprint instanceof Skip) return skip('buildings', raw.index, new Skip(footprint.kind, where + footprint.message));
      const id = uniqueId(raw.polygons.length > 1 ? `${raw.id}-${part + 1}` : raw.id, usedIds);
      buildings.push({ id, name: raw.name, footprint, base: 0, height: raw.height, floors: raw.floors, use: raw.use, district: '', grid: '' });
    });
    if (raw.heightDefaulted && buildings.length > before) heightDefaulted++;
  }
  if (buildings.length === 0 && !input.roadNetwork) throw noBuildings();

  const roads: { nodes: RoadNode[]; links: (RoadLink & { sourceIndex?: number })[] } = input.roadNetwork ?? buildRoadGraph(rawRoads, toLocal, skip);
  const nearest = new NearestNode(roads.nodes);
  const poiIds = new Set<string>();
  const pois: Poi[] = rawPois.map((raw) => {
    const [x, y] = toLocal(raw.position).map(cm);
    const poi: Poi = { id: uniqueId(raw.id, poiIds), kind: raw.kind, name: raw.name, x, y, node: nearest.find(x, y) };
    if (raw.beds !== undefined) poi.beds = raw.beds;
    if (raw.capacity !== undefined) poi.capacity = raw.capacity;
    return poi;
  });

  const extent = cityExtent(buildings, roads.links, pois);
  const districts: District[] = [{ id: 'all', name: { zh: '全市', en: 'City' }, polygon: [boxRing(extent)] }];
  const grid = managementGrid(extent, 'all');
  for (const b of buildings) {
    b.district = 'all';
    b.grid = gridCellOf(grid, ringCentroid(b.footprint[0]));
  }

  const city = CityModel.parse({
    id: id.data,
    name: input.name ?? { zh: input.id, en: input.id },
    synthetic: false,
    origin,
    extent,
    districts,
    grid,
    buildings,
    roads,
    water: [],
    green: [],
    terrain: flatTerrain(extent),
    pois,
  } satisfies CityModel);
  // The schema strips sourceIndex from the city; count road features by it here.
  const roadCount = input.roadNetwork ? roads.links.length : new Set(roads.links.map((l) => l.sourceIndex)).size;
  return { city, report: makeReport(skipped, { buildings: buildings.length, roads: roadCount, pois: pois.length }, heightDefaulted) };
}

// ---------------------------------------------------------------------------------------------
// Layers and features

function readCollection(layer: ImportLayer, value: unknown): unknown[] {
  const result = FeatureCollectionSchema.safeParse(value);
  if (result.success) return result.data.features;
  const got =
    value === null ? 'null'
    : Array.isArray(value) ? 'an array'
    : typeof value !== 'object' ? `a ${typeof value}`
    : 'type' in value ? `type ${JSON.stringify((value as { type: unknown }).type)}`
    : 'an object without "type"';
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'FeatureCollection') {
    throw new ImportError(`importGeoJson: ${layer}: FeatureCollection has no "features" array`);
  }
  throw new ImportError(`importGeoJson: ${layer}: not a GeoJSON FeatureCollection (got ${got})`);
}

function parseLayer<T>(
  layer: ImportLayer,
  features: unknown[],
  parse: (feature: Feature, index: number) => T | Skip,
  skip: (layer: ImportLayer, index: number, s: Skip) => void,
): T[] {
  const out: T[] = [];
  features.forEach((value, index) => {
    const feature = FeatureSchema.safeParse(value);
    if (!feature.success) {
      const issue = feature.error.issues[0];
      const field = issue.path.length ? issue.path.join('.') : 'feature';
      return skip(layer, index, new Skip('not a GeoJSON Feature', `${field}: ${issue.message}`));
    }
    const result = parse(feature.data, index);
    if (result instanceof Skip) skip(layer, index, result);
    else out.push(result);
  });
  return out;
}

function featureId(feature: Feature, props: Props, prefix: string, index: number): string {
  const id = feature.id ?? props['@id'] ?? props.osm_id ?? props.id;
  if ((typeof id === 'string' && id.trim() !== '') || typeof id === 'number') return String(id).trim();
  return `${prefix}${String(index).padStart(5, '0')}`;
}

function uniqueId(id: string, used: Set<string>): string {
  let unique = id;
  for (let n = 2; used.has(unique); n++) unique = `${id}_${n}`;
  used.add(unique);
  return unique;
}

/** A tag's value as a trimmed string (OSM tags are strings; some exports write numbers or booleans). */
function tag(props: Props, key: string): string | undefined {
  const v = props[key];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function show(value: unknown): string {
  // JSON would print NaN and Infinity as null.
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

// ---------------------------------------------------------------------------------------------
// Coordinates

type LonLat = [number, number];

function checkPosition(value: unknown): LonLat | Skip {
  if (!Array.isArray(value) || value.length < 2) {
    return new Skip('bad coordinates', `coordinates: expected a position [lon, lat], got ${show(value)}`);
  }
  const [lon, lat] = value as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    return new Skip('bad coordinates', `coordinates: expected numbers [lon, lat], got [${show(lon)}, ${show(lat)}]`);
  }
  if (lon < -180 || lon > 180) return new Skip('bad coordinates', `coordinates: longitude ${lon} is outside -180..180`);
  if (lat < -90 || lat > 90) return new Skip('bad coordinates', `coordinates: latitude ${lat} is outside -90..90`);
  return [lon, lat];
}

function checkPositions(value: unknown): LonLat[] | Skip {
  if (!Array.isArray(value)) return new Skip('bad coordinates', `coordinates: expected an array of positions, got ${show(value)}`);
  const out: LonLat[] = [];
  for (const p of value) {
    const checked = checkPosition(p);
    if (checked instanceof Skip) return checked;
    out.push(checked);
  }
  return out;
}

/** Polygon coordinates: rings of positions. */
function checkPolygon(value: unknown): LonLat[][] | Skip {
  if (!Array.isArray(value) || value.length === 0) return new Skip('bad coordinates', `coordinates: expected rings of positions, got ${show(value)}`);
  const rings: LonLat[][] = [];
  for (const ring of value) {
    const checked = checkPositions(ring);
    if (checked instanceof Skip) return checked;
    rings.push(checked);
  }
  return rings;
}

/** Ring in local metres, centimetre-rounded, without repeated or closing points. */
function localRing(ring: LonLat[], toLocal: (p: LonLat) => Point2): Point2[] {
  const out: Point2[] = [];
  for (const p of ring) {
    const [x, y] = toLocal(p);
    const q: Point2 = [cm(x), cm(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out;
}

/** A footprint in local metres, or why it cannot be one. Degenerate holes are dropped: they cover nothing. */
function localPolygon(polygon: LonLat[][], toLocal: (p: LonLat) => Point2): Polygon | Skip {
  const outer = localRing(polygon[0], toLocal);
  if (outer.length < 3) return new Skip('too few points', `footprint: ${outer.length} distinct points, need at least 3`);
  const rings: Ring[] = [outer];
  for (const hole of polygon.slice(1)) {
    const ring = localRing(hole, toLocal);
    if (ring.length >= 3 && polygonArea([ring]) >= MIN_FOOTPRINT_M2) rings.push(ring);
  }
  const area = polygonArea(rings);
  if (!(area >= MIN_FOOTPRINT_M2)) return new Skip('degenerate footprint', `footprint: area ${area.toFixed(2)} m² is degenerate`);
  if (area > MAX_FOOTPRINT_M2) {
    return new Skip('footprint too large', `footprint: area ${(area / 1e6).toFixed(2)} km² is larger than 1 km²`);
  }
  return orientPolygon(rings);
}

/** Centre of the points' lon/lat bounding box, rounded to micro-degrees (about 0.1 m) for a readable origin. */
function boxCentre(points: LonLat[]): Geodetic {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const [lon, lat] of points) {
    minLon = Math.min(minLon, lon);
    minLat = Math.min(minLat, lat);
    maxLon = Math.max(maxLon, lon);
    maxLat = Math.max(maxLat, lat);
  }
  const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
  return { lon: round6((minLon + maxLon) / 2), lat: round6((minLat + maxLat) / 2), height: 0 };
}

// ---------------------------------------------------------------------------------------------
// Buildings

interface RawBuilding {
  index: number;
  id: string;
  name: string;
  use: BuildingUse;
  height: number;
  floors: number;
  heightDefaulted: boolean;
  polygons: LonLat[][][];
}

function parseBuilding(feature: Feature, index: number): RawBuilding | Skip {
  const props = feature.properties ?? {};
  const geometry = feature.geometry;
  let polygons: LonLat[][][];
  if (geometry?.type === 'Polygon') {
    const polygon = checkPolygon(geometry.coordinates);
    if (polygon instanceof Skip) return polygon;
    polygons = [polygon];
  } else if (geometry?.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0) {
      return new Skip('bad coordinates', `coordinates: expected polygons, got ${show(geometry.coordinates)}`);
    }
    polygons = [];
    for (const value of geometry.coordinates) {
      const polygon = checkPolygon(value);
      if (polygon instanceof Skip) return polygon;
      polygons.push(polygon);
    }
  } else {
    return new Skip('wrong geometry type', `geometry: expected Polygon or MultiPolygon, got ${geometry ? show(geometry.type) : 'null'}`);
  }

  const use = buildingUse(props);
  const storey = use === 'commercial' ? COMMERCIAL_STOREY_M : STOREY_M;
  const height = parseHeight(props.height);
  if (height instanceof Skip) return height;
  const levelsKey = props['building:levels'] !== undefined ? 'building:levels' : 'floors';
  const levels = parseLevels(levelsKey, props[levelsKey]);
  if (levels instanceof Skip) return levels;

  const floors = levels ?? (height !== undefined ? Math.max(1, Math.round(height / storey)) : DEFAULT_FLOORS);
  return {
    index,
    id: featureId(feature, props, 'B', index),
    name: tag(props, 'name') ?? '',
    use,
    height: cm(height ?? floors * storey),
    floors,
    heightDefaulted: height === undefined && levels === undefined,
    polygons,
  };
}

function buildingUse(props: Props): BuildingUse {
  const building = tag(props, 'building')?.toLowerCase();
  const amenity = tag(props, 'amenity')?.toLowerCase();
  const fromBuilding = building === undefined ? undefined : BUILDING_USE[building];
  const fromAmenity = amenity === undefined ? undefined : AMENITY_USE[amenity];
  // A specific building tag wins; "building=yes" says nothing, so the amenity decides.
  return fromBuilding ?? fromAmenity ?? (tag(props, 'office') ? 'office' : tag(props, 'shop') ? 'commercial' : 'residential');
}

/** `height` as OSM writes it: 12, "12", "12 m", "12.5m", "40 ft"; undefined when absent. */
function parseHeight(value: unknown): number | undefined | Skip {
  if (value === undefined || value === null || value === '') return undefined;
  let metres: number | undefined;
  if (typeof value === 'number') metres = value;
  else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:[.,]\d+)?|\.\d+)\s*(m|metres?|meters?|米|ft|feet|')?\s*$/i.exec(value);
    if (m) metres = Number(m[1].replace(',', '.')) * (m[2] && /^(ft|feet|')$/i.test(m[2]) ? 0.3048 : 1);
  }
  if (metres === undefined || !Number.isFinite(metres)) return new Skip('bad height', `height: expected metres, got ${show(value)}`);
  if (metres <= 0) return new Skip('bad height', `height: expected metres above 0, got ${show(value)}`);
  if (metres > MAX_HEIGHT_M) return new Skip('bad height', `height: ${show(value)} is taller than any building (${MAX_HEIGHT_M} m)`);
  return metres;
}

/** Floor count from `building:levels` or `floors`; undefined when absent. */
function parseLevels(key: string, value: unknown): number | undefined | Skip {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  const floors = Math.round(n);
  if (!Number.isFinite(n) || floors < 1 || floors > 300) {
    return new Skip('bad floors', `${key}: expected a number of floors of at least 1, got ${show(value)}`);
  }
  return floors;
}

// ---------------------------------------------------------------------------------------------
// Roads

interface RawRoad {
  index: number;
  name: string;
  class: RoadClass;
  oneway: 0 | 1 | -1;
  forwardLanes: number;
  backwardLanes: number;
  speedLimitKmh: number;
  lines: LonLat[][];
}

function parseRoad(feature: Feature, index: number): RawRoad | Skip {
  const props = feature.properties ?? {};
  const geometry = feature.geometry;
  let lines: LonLat[][];
  if (geometry?.type === 'LineString') {
    const line = checkPositions(geometry.coordinates);
    if (line instanceof Skip) return line;
    lines = [line];
  } else if (geometry?.type === 'MultiLineString') {
    if (!Array.isArray(geometry.coordinates)) return new Skip('bad coordinates', `coordinates: expected lines, got ${show(geometry.coordinates)}`);
    lines = [];
    for (const value of geometry.coordinates) {
      const line = checkPositions(value);
      if (line instanceof Skip) return line;
      lines.push(line);
    }
  } else {
    return new Skip('wrong geometry type', `geometry: expected LineString or MultiLineString, got ${geometry ? show(geometry.type) : 'null'}`);
  }

  const highway = tag(props, 'highway');
  if (highway === undefined) return new Skip('no highway tag', 'highway: missing, cannot tell what kind of road this is');
  if (NOT_FOR_VEHICLES.has(highway)) return new Skip('not a road for vehicles', `highway ${show(highway)} is not a road for vehicles`);
  const cls = HIGHWAY_CLASS[highway];
  if (cls === undefined) return new Skip('unknown highway', `highway: unknown value ${show(highway)}`);

  const oneway = parseOneway(props, highway);
  if (oneway instanceof Skip) return oneway;
  const speed = parseMaxspeed(props.maxspeed, cls);
  if (speed instanceof Skip) return speed;
  const lanes = parseLanes(props, cls, oneway !== 0);
  if (lanes instanceof Skip) return lanes;

  return { index, name: tag(props, 'name') ?? '', class: cls, oneway, ...lanes, speedLimitKmh: speed, lines };
}

function parseOneway(props: Props, highway: string): 0 | 1 | -1 | Skip {
  const value = tag(props, 'oneway')?.toLowerCase();
  if (value === undefined) {
    // OSM: motorways and roundabouts are one-way unless tagged otherwise.
    return highway === 'motorway' || tag(props, 'junction') === 'roundabout' ? 1 : 0;
  }
  if (['yes', 'true', '1'].includes(value)) return 1;
  if (['-1', 'reverse'].includes(value)) return -1;
  if (['no', 'false', '0', 'reversible', 'alternating'].includes(value)) return 0;
  return new Skip('bad oneway', `oneway: expected "yes", "no" or "-1", got ${show(props.oneway)}`);
}

/** `maxspeed` in km/h: 50, "50", "50 km/h", "30 mph"; symbolic values ("CN:urban", "none") take the class default. */
function parseMaxspeed(value: unknown, cls: RoadClass): number | Skip {
  if (value === undefined || value === null || value === '') return DEFAULT_SPEED_KMH[cls];
  let kmh: number | undefined;
  if (typeof value === 'number') kmh = value;
  else if (typeof value === 'string') {
    const s = value.trim();
    if (/^[A-Za-z]{2}:/.test(s) || ['none', 'signals', 'variable', 'walk'].includes(s.toLowerCase())) return DEFAULT_SPEED_KMH[cls];
    const m = /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/i.exec(s);
    if (m) kmh = Number(m[1]) * (m[2]?.toLowerCase() === 'mph' ? 1.609344 : m[2]?.toLowerCase() === 'knots' ? 1.852 : 1);
  }
  if (kmh === undefined || !(kmh > 0) || kmh > 200) return new Skip('bad maxspeed', `maxspeed: expected km/h, got ${show(value)}`);
  return Math.round(kmh * 10) / 10;
}

function parseLaneCount(key: string, value: unknown): number | undefined | Skip {
  if (value === undefined || value === null || value === '') return undefined;
  // "2;3" (OSM's several values) counts by the first.
  const m = typeof value === 'number' ? [String(value), String(value)] : typeof value === 'string' ? /^\s*(\d+)\s*(;.*)?$/.exec(value) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 20) return new Skip('bad lanes', `${key}: expected a whole number of lanes, got ${show(value)}`);
  return n;
}

/** Lanes per direction. OSM's `lanes` counts both directions of a two-way road. */
function parseLanes(props: Props, cls: RoadClass, oneway: boolean): { forwardLanes: number; backwardLanes: number } | Skip {
  const total = parseLaneCount('lanes', props.lanes);
  if (total instanceof Skip) return total;
  const forward = parseLaneCount('lanes:forward', props['lanes:forward']);
  if (forward instanceof Skip) return forward;
  const backward = parseLaneCount('lanes:backward', props['lanes:backward']);
  if (backward instanceof Skip) return backward;
  const each = total === undefined ? DEFAULT_LANES_PER_DIRECTION[cls] : oneway ? total : Math.max(1, Math.floor(total / 2));
  return { forwardLanes: forward ?? each, backwardLanes: backward ?? (oneway ? forward ?? each : each) };
}

/** Merges vertices within SNAP_M of one another, first come first kept, by a hash grid. */
class Snapper {
  readonly points: Point2[] = [];
  private readonly cells = new Map<string, number[]>();

  add([x, y]: Point2): number {
    const cx = Math.floor(x / SNAP_M);
    const cy = Math.floor(y / SNAP_M);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const i of this.cells.get(`${cx + dx},${cy + dy}`) ?? []) {
          const p = this.points[i];
          if (Math.hypot(p[0] - x, p[1] - y) <= SNAP_M) return i;
        }
      }
    }
    const i = this.points.push([cm(x), cm(y)]) - 1;
    const key = `${cx},${cy}`;
    const list = this.cells.get(key);
    if (list) list.push(i);
    else this.cells.set(key, [i]);
    return i;
  }
}

type GraphLink = RoadLink & { sourceIndex: number };

/**
 * The directed road graph: nodes where lines end or share a vertex, lines split at nodes, one
 * link per direction of travel.
 */
function buildRoadGraph(
  raw: RawRoad[],
  toLocal: (p: LonLat) => Point2,
  skip: (layer: ImportLayer, index: number, s: Skip) => void,
): { nodes: RoadNode[]; links: GraphLink[] } {
  const snapper = new Snapper();
  const lines: Array<{ road: RawRoad; vertices: number[] }> = [];
  for (const road of raw) {
    let usable = 0;
    for (const line of road.lines) {
      const vertices: number[] = [];
      for (const p of line) {
        const v = snapper.add(toLocal(p));
        if (vertices[vertices.length - 1] !== v) vertices.push(v);
      }
      if (vertices.length >= 2) {
        lines.push({ road, vertices });
        usable++;
      }
    }
    if (usable === 0) skip('roads', road.index, new Skip('too few points', 'geometry: fewer than 2 distinct points'));
  }

  const uses = new Map<number, number>();
  for (const { vertices } of lines) for (const v of vertices) uses.set(v, (uses.get(v) ?? 0) + 1);
  const isNode = (v: number, i: number, last: number) => i === 0 || i === last || (uses.get(v) ?? 0) >= 2;

  const nodeIds = new Map<number, string>();
  const nodeId = (v: number) => {
    let id = nodeIds.get(v);
    if (id === undefined) nodeIds.set(v, (id = `N${nodeIds.size}`));
    return id;
  };
  const links: GraphLink[] = [];
  const incident = new Map<string, Array<{ class: RoadClass; roadKey: string }>>();
  const touch = (node: string, road: RawRoad) => {
    const list = incident.get(node) ?? [];
    list.push({ class: road.class, roadKey: road.name || `#${road.index}` });
    incident.set(node, list);
  };
  for (const { road, vertices } of lines) {
    const last = vertices.length - 1;
    let start = 0;
    for (let i = 1; i <= last; i++) {
      if (!isNode(vertices[i], i, last)) continue;
      const geometry = vertices.slice(start, i + 1).map((v) => snapper.points[v]);
      const from = nodeId(vertices[start]);
      const to = nodeId(vertices[i]);
      const length = cm(polylineLength(geometry));
      start = i;
      if (length <= 0) continue;
      touch(from, road);
      touch(to, road);
      const link = (dir: 1 | -1): GraphLink => {
        const lanes = dir === 1 ? road.forwardLanes : road.backwardLanes;
        return {
          id: `L${links.length}`,
          from: dir === 1 ? from : to,
          to: dir === 1 ? to : from,
          class: road.class,
          lanes,
          speedLimitKmh: road.speedLimitKmh,
          capacityVph: LANE_CAPACITY_VPH[road.class] * lanes,
          name: road.name,
          geometry: dir === 1 ? geometry : [...geometry].reverse(),
          length,
          sourceIndex: road.index,
        };
      };
      if (road.oneway !== -1) links.push(link(1));
      if (road.oneway !== 1) links.push(link(-1));
    }
  }

  const nodes: RoadNode[] = [...nodeIds].map(([v, id]) => {
    const ends = incident.get(id) ?? [];
    // A signal where two different main roads cross or meet, not where a side street joins one.
    const mainRoads = new Set(ends.filter((e) => e.class === 'arterial' || e.class === 'collector').map((e) => e.roadKey));
    const [x, y] = snapper.points[v];
    return { id, x, y, signalised: ends.length >= 3 && mainRoads.size >= 2 };
  });
  return { nodes, links };
}

// ---------------------------------------------------------------------------------------------
// Points of interest

interface RawPoi {
  id: string;
  kind: PoiKind;
  name: LocalizedName;
  position: LonLat;
  beds?: number;
  capacity?: number;
}

function poiKind(props: Props): PoiKind | undefined {
  const kind = tag(props, 'kind');
  if (kind !== undefined && (['fire_station', 'hospital', 'police', 'shelter', 'school', 'aq_station'] as const).includes(kind as PoiKind)) {
    return kind as PoiKind;
  }
  const amenity = tag(props, 'amenity');
  if (amenity !== undefined && AMENITY_POI[amenity]) return AMENITY_POI[amenity];
  const emergency = tag(props, 'emergency');
  if (emergency === 'assembly_point' || emergency === 'shelter') return 'shelter';
  const aq = tag(props, 'monitoring:air_quality');
  if (aq !== undefined && aq !== 'no') return 'aq_station';
  return undefined;
}

function parsePoi(feature: Feature, index: number): RawPoi | Skip {
  const props = feature.properties ?? {};
  const geometry = feature.geometry;
  let position: LonLat;
  if (geometry?.type === 'Point') {
    const p = checkPosition(geometry.coordinates);
    if (p instanceof Skip) return p;
    position = p;
  } else if (geometry?.type === 'Polygon') {
    // Overpass exports hospitals and schools as their grounds: take the grounds' centre.
    const polygon = checkPolygon(geometry.coordinates);
    if (polygon instanceof Skip) return polygon;
    if (polygon[0].length < 3) return new Skip('too few points', `coordinates: ${polygon[0].length} points, need at least 3`);
    position = ringCentroid(polygon[0]);
  } else {
    return new Skip('wrong geometry type', `geometry: expected Point, got ${geometry ? show(geometry.type) : 'null'}`);
  }

  const kind = poiKind(props);
  if (kind === undefined) {
    return new Skip(
      'unknown kind',
      `properties: no kind of place we know (amenity=${show(tag(props, 'amenity') ?? null)}; ` +
        'expected amenity fire_station/hospital/police/school, emergency=assembly_point, monitoring:air_quality or kind)',
    );
  }
  const beds = parseCount('beds', props.beds);
  if (beds instanceof Skip) return beds;
  const capacity = parseCount('capacity', props.capacity);
  if (capacity instanceof Skip) return capacity;
  const name = tag(props, 'name') ?? '';
  const poi: RawPoi = { id: featureId(feature, props, 'P', index), kind, name: { zh: name, en: tag(props, 'name:en') ?? name }, position };
  if (beds !== undefined) poi.beds = beds;
  if (capacity !== undefined) poi.capacity = capacity;
  return poi;
}

function parseCount(key: string, value: unknown): number | undefined | Skip {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) return new Skip(`bad ${key}`, `${key}: expected a whole number, got ${show(value)}`);
  return n;
}

/** Nearest road node by a hash grid, so a big city's POIs do not scan every node. */
class NearestNode {
  private static readonly CELL = 250;
  private readonly cells = new Map<string, RoadNode[]>();
  private readonly range = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };

  constructor(nodes: RoadNode[]) {
    for (const n of nodes) {
      const cx = Math.floor(n.x / NearestNode.CELL);
      const cy = Math.floor(n.y / NearestNode.CELL);
      const list = this.cells.get(`${cx},${cy}`);
      if (list) list.push(n);
      else this.cells.set(`${cx},${cy}`, [n]);
      this.range.minX = Math.min(this.range.minX, cx);
      this.range.minY = Math.min(this.range.minY, cy);
      this.range.maxX = Math.max(this.range.maxX, cx);
      this.range.maxY = Math.max(this.range.maxY, cy);
    }
  }

  /** Id of the nearest node, or "" when there are no roads. */
  find(x: number, y: number): string {
    if (this.cells.size === 0) return '';
    const cx = Math.floor(x / NearestNode.CELL);
    const cy = Math.floor(y / NearestNode.CELL);
    const { minX, minY, maxX, maxY } = this.range;
    const last = Math.max(Math.abs(cx - minX), Math.abs(cx - maxX), Math.abs(cy - minY), Math.abs(cy - maxY));
    let best = '';
    let bestD = Infinity;
    // Rings of cells outward; a node in ring r + 1 is at least r cells away, so stop once the best is nearer.
    for (let r = 0; r <= last; r++) {
      for (let dx = -r; dx <= r; dx++) {
        for (let dy = -r; dy <= r; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
          for (const n of this.cells.get(`${cx + dx},${cy + dy}`) ?? []) {
            const d = Math.hypot(n.x - x, n.y - y);
            if (d < bestD) {
              best = n.id;
              bestD = d;
            }
          }
        }
      }
      if (bestD <= r * NearestNode.CELL) break;
    }
    return best;
  }
}

// ---------------------------------------------------------------------------------------------
// Extent, districts, grid, terrain

function cityExtent(buildings: Building[], links: RoadLink[], pois: Poi[]): Box2 {
  const box = ringsBox([...buildings.map((b) => b.footprint[0]), ...links.map((l) => l.geometry), pois.map((p): Point2 => [p.x, p.y])].filter((r) => r.length > 0));
  return { minX: Math.floor(box.minX), minY: Math.floor(box.minY), maxX: Math.ceil(box.maxX), maxY: Math.ceil(box.maxY) };
}

function boxRing(box: Box2): Ring {
  return [[box.minX, box.minY], [box.maxX, box.minY], [box.maxX, box.maxY], [box.minX, box.maxY]];
}

function managementGrid(extent: Box2, district: string): ManagementGrid {
  const cols = Math.max(1, Math.ceil((extent.maxX - extent.minX) / GRID_CELL_M));
  const rows = Math.max(1, Math.ceil((extent.maxY - extent.minY) / GRID_CELL_M));
  const cells: GridCell[] = [];
  for (let row = 0; row < rows; row++) for (let col = 0; col < cols; col++) cells.push({ id: `G${row}-${col}`, col, row, district });
  return { originX: extent.minX, originY: extent.minY, cellSize: GRID_CELL_M, cols, rows, cells };
}

function gridCellOf(grid: ManagementGrid, [x, y]: Point2): string {
  const col = Math.floor((x - grid.originX) / grid.cellSize);
  const row = Math.floor((y - grid.originY) / grid.cellSize);
  if (col < 0 || row < 0 || col >= grid.cols || row >= grid.rows) return '';
  return grid.cells[row * grid.cols + col].id;
}

/** Imported cities are flat: OSM carries no terrain. */
function flatTerrain(extent: Box2): TerrainGrid {
  const cols = Math.ceil((extent.maxX - extent.minX) / TERRAIN_CELL_M) + 1;
  const rows = Math.ceil((extent.maxY - extent.minY) / TERRAIN_CELL_M) + 1;
  return { originX: extent.minX, originY: extent.minY, cellSize: TERRAIN_CELL_M, cols, rows, heights: new Array<number>(cols * rows).fill(0) };
}

function makeReport(
  skipped: Array<SkippedFeature & { kind: string }>,
  imported: ImportReport['imported'],
  heightDefaulted: number,
): ImportReport {
  const order: Record<ImportLayer, number> = { buildings: 0, roads: 1, pois: 2 };
  const sorted = [...skipped].sort((a, b) => order[a.layer] - order[b.layer] || a.index - b.index);
  const skippedByReason: Record<string, number> = {};
  for (const s of sorted) skippedByReason[s.kind] = (skippedByReason[s.kind] ?? 0) + 1;
  return { imported, skipped: sorted.map(({ layer, index, reason }) => ({ layer, index, reason })), skippedByReason, heightDefaulted };
}
