import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Geodetic } from '../../protocol/geo.ts';
import type { RoadClass, RoadLink, RoadMovement, RoadNetwork, RoadNode } from '../CityModel.ts';
import { HIGHWAY_CLASS, LANE_CAPACITY_VPH } from '../importGeoJson.ts';
import { cm, polylineLength } from '../polygon.ts';
import { placeNet, type SumoLocation } from './netLocation.ts';
import { axisPlan, readSignals, type SumoConnection, type SumoSignal, type TlLogicXml } from './sumoSignals.ts';

/**
 * Reads a SUMO network (.net.xml) into the roads of a city model, placed on the globe by the
 * network's `location` element, with what the city model has no room for kept beside it: every
 * lane, the connections (turning movements lane to lane, which the city keeps link to link) and
 * the traffic-light programs.
 *
 * - links are the normal edges (internal junction edges, crossings and walking areas are left
 *   out), with their SUMO ids; lanes are those open to passenger cars, numbered from the kerb as
 *   SUMO does; the speed limit is the fastest such lane's; geometry runs from junction to junction
 *   along the edge's shape, so two-way streets share a centre line as the engine expects;
 * - nodes are the junctions those edges join, with their SUMO ids; traffic_light junctions are
 *   signalised;
 * - movements are the link pairs the connections between car lanes join, with the car lanes
 *   (numbered from the kerb) each leaves from: the only turns the engine makes;
 * - the class comes from an OpenStreetMap type (`highway.primary`) or else from the speed limit.
 */

/** Bad input: names the file, element, attribute and value. */
export class SumoNetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SumoNetError';
  }
}

/** One lane of a kept edge, as SUMO has it. */
export interface SumoLane {
  id: string;
  /** SUMO's index: 0 is the rightmost lane, sidewalks and bike lanes included. */
  index: number;
  speedMs: number;
  length: number;
  /** Open to passenger cars: such lanes are the link's lanes in the city model. */
  cars: boolean;
}

export interface SumoNet {
  /** Links (SUMO edge ids) and nodes (junction ids) in ENU metres at `origin`, as a CityModel holds them. */
  roads: RoadNetwork;
  origin: Geodetic;
  /** True when the network's projection placed it, false when the caller's origin did. */
  projected: boolean;
  location: SumoLocation;
  /** Every lane of every link, SUMO order. */
  lanes: Record<string, SumoLane[]>;
  /** Turning movements between links, lanes numbered as the link's car lanes (0 = kerb). */
  connections: SumoConnection[];
  /** Traffic-light programs by junction, with each approach's green time. */
  signals: SumoSignal[];
  /** What was left out and why. */
  skipped: { element: string; id: string; reason: string }[];
}

export interface ReadSumoNetOptions {
  /** Named in error messages. */
  file?: string;
  /**
   * Where the network's centre goes when it has no projection (required then); with a projection,
   * the origin of the local frame (the network still lands at its real place).
   */
  origin?: { lon: number; lat: number };
}

type Attrs = Record<string, string | undefined>;
type LaneXml = Attrs;
type EdgeXml = Attrs & { lane?: LaneXml[] };
type NetXml = {
  location?: Attrs[];
  edge?: EdgeXml[];
  junction?: Attrs[];
  connection?: Attrs[];
  tlLogic?: TlLogicXml[];
};

const LISTS = new Set(['location', 'edge', 'lane', 'junction', 'connection', 'tlLogic', 'phase']);
/** Children of <net> this reader never looks at: dropped as they are parsed, to keep big files small in memory. */
const UNUSED = new Set(['request', 'param', 'roundabout', 'type', 'neigh', 'stopOffset', 'condition', 'assignment', 'function', 'prohibition']);
const INTERNAL = /<edge id=":[^"]*" function="internal">[\s\S]*?<\/edge>|<request [^>]*\/>|<connection from=":[^>]*\/>/g;
const SIGNAL_TYPES = new Set(['traffic_light', 'traffic_light_unregulated', 'traffic_light_right_on_red']);

/** Parses the text of a .net.xml; throws SumoNetError naming the file, element, attribute and value. */
export function readSumoNet(xml: string, options: ReadSumoNetOptions = {}): SumoNet {
  const file = options.file ?? 'net.xml';
  const fail = (message: string): never => {
    throw new SumoNetError(`readSumoNet: ${file}: ${message}`);
  };
  // Junction-internal edges, their connections and the junctions' right-of-way tables are over
  // half of a network as netconvert writes it, and none of them are read: cut them out before
  // parsing (what this misses, updateTag below drops as it is parsed).
  const kept = xml.replace(INTERNAL, '');
  if (XMLValidator.validate(kept) !== true) {
    // Validate the whole text again so the line and column are the file's.
    const valid = XMLValidator.validate(xml);
    if (valid !== true) fail(`not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }

  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => LISTS.has(name),
    updateTag: (name, _path, attrs) => {
      if (UNUSED.has(name)) return false;
      // Internal edges (inside junctions) are most of a big network's lanes and none of ours.
      if (name === 'edge' && attrs.function === 'internal') return false;
      if (name === 'connection' && attrs.from?.startsWith(':')) return false;
      if (name === 'junction') {
        delete attrs.shape;
        delete attrs.incLanes;
        delete attrs.intLanes;
        if (attrs.type === 'internal') return false;
      }
      return name;
    },
  });
  const doc = parser.parse(kept) as Record<string, unknown>;
  const net = doc.net as NetXml | undefined;
  if (!net || typeof net !== 'object') {
    const root = Object.keys(doc).find((k) => !k.startsWith('?'));
    fail(`not a SUMO network: the root element is <${root ?? 'nothing'}>, expected <net>`);
  }
  const n = net!;
  const read = reader(fail);

  const locationXml = n.location?.[0];
  if (!locationXml) fail('<location> is missing: the network cannot be placed on the globe');
  const location: SumoLocation = {
    netOffset: read.numbers('<location>', locationXml!, 'netOffset', 2, '0,0') as [number, number],
    convBoundary: read.numbers('<location>', locationXml!, 'convBoundary', 4) as SumoLocation['convBoundary'],
    origBoundary: read.numbers('<location>', locationXml!, 'origBoundary', 4, '0,0,0,0') as SumoLocation['origBoundary'],
    projParameter: locationXml!.projParameter ?? '!',
  };
  let placement;
  try {
    placement = placeNet(location, options.origin, `<location>`);
  } catch (error) {
    return fail((error as Error).message);
  }

  const junctions = new Map<string, { x: number; y: number; signalised: boolean }>();
  for (const j of n.junction ?? []) {
    const id = read.id('<junction>', j);
    const where = `<junction id="${id}">`;
    junctions.set(id, { x: read.number(where, j, 'x'), y: read.number(where, j, 'y'), signalised: SIGNAL_TYPES.has(j.type ?? '') });
  }

  const skipped: SumoNet['skipped'] = [];
  const lanes: Record<string, SumoLane[]> = {};
  const links: RoadLink[] = [];
  const usedNodes = new Set<string>();
  for (const e of n.edge ?? []) {
    const id = read.id('<edge>', e);
    const where = `<edge id="${id}">`;
    // Crossings and walking areas are for pedestrians; connectors join traffic zones, not roads.
    if (e.function !== undefined && e.function !== 'normal') continue;
    if (!e.lane?.length) fail(`${where} has no <lane>`);
    const edgeLanes = e.lane!.map((l): SumoLane => {
      const laneId = l.id ?? '';
      const w = `${where} <lane id="${laneId}">`;
      return {
        id: laneId,
        index: read.number(w, l, 'index', { integer: true, min: 0 }),
        speedMs: read.number(w, l, 'speed', { positive: true }),
        length: read.number(w, l, 'length', { min: 0 }),
        cars: opensToCars(l),
      };
    });
    edgeLanes.sort((a, b) => a.index - b.index);
    const carLanes = edgeLanes.filter((l) => l.cars);
    if (carLanes.length === 0) {
      skipped.push({ element: 'edge', id, reason: 'no lane open to passenger cars' });
      continue;
    }
    const from = read.ref(where, e, 'from', junctions);
    const to = read.ref(where, e, 'to', junctions);
    const shape = e.shape === undefined ? [junctions.get(from)!, junctions.get(to)!].map((p): [number, number] => [p.x, p.y]) : read.shape(where, e, 'shape');
    // The city model wants the ends at the nodes; SUMO's edge shapes start and end there already.
    shape[0] = [junctions.get(from)!.x, junctions.get(from)!.y];
    shape[shape.length - 1] = [junctions.get(to)!.x, junctions.get(to)!.y];
    const geometry = shape.map(([x, y]) => placement.toLocal(x, y).map(cm) as [number, number]);
    const speedMs = Math.max(...carLanes.map((l) => l.speedMs));
    const cls = roadClass(e.type, speedMs * 3.6);
    lanes[id] = edgeLanes;
    usedNodes.add(from).add(to);
    links.push({
      id,
      from,
      to,
      class: cls,
      lanes: carLanes.length,
      speedLimitKmh: Math.round(speedMs * 36) / 10,
      capacityVph: carLanes.length * LANE_CAPACITY_VPH[cls],
      name: e.name ?? '',
      geometry,
      length: Math.max(cm(polylineLength(geometry)), 0.01),
    });
  }
  if (links.length === 0) fail('no <edge> with a lane open to passenger cars: nothing to drive on');

  const nodes: RoadNode[] = [];
  for (const [id, j] of junctions) {
    if (!usedNodes.has(id)) continue;
    const [x, y] = placement.toLocal(j.x, j.y).map(cm);
    nodes.push({ id, x, y, signalised: j.signalised });
  }

  const connections: SumoConnection[] = [];
  for (const c of n.connection ?? []) {
    const where = `<connection from="${c.from}" to="${c.to}">`;
    const fromLanes = c.from === undefined ? undefined : lanes[c.from];
    const toLanes = c.to === undefined ? undefined : lanes[c.to];
    if (!fromLanes || !toLanes) continue; // a movement from or to an edge left out
    const fromLane = carLaneNumber(fromLanes, read.number(where, c, 'fromLane', { integer: true, min: 0 }));
    const toLane = carLaneNumber(toLanes, read.number(where, c, 'toLane', { integer: true, min: 0 }));
    if (fromLane < 0 || toLane < 0) continue; // a bike lane or sidewalk movement
    const connection: SumoConnection = { from: c.from!, to: c.to!, fromLane, toLane, dir: c.dir ?? '', state: c.state ?? '' };
    if (c.tl !== undefined) {
      connection.tl = c.tl;
      connection.linkIndex = read.number(where, c, 'linkIndex', { integer: true, min: 0 });
    }
    connections.push(connection);
  }

  // The city model's movements: each link pair a car connection joins, with the car lanes it leaves from.
  const byPair = new Map<string, RoadMovement>();
  for (const c of connections) {
    const key = `${c.from}>${c.to}`;
    const m = byPair.get(key) ?? byPair.set(key, { from: c.from, to: c.to, fromLanes: [] }).get(key)!;
    if (!m.fromLanes.includes(c.fromLane)) m.fromLanes.push(c.fromLane);
  }
  const movements = [...byPair.values()];
  for (const m of movements) m.fromLanes.sort((a, b) => a - b);

  const byId = new Map(links.map((l) => [l.id, l]));
  const signals = readSignals(n.tlLogic ?? [], connections, (edge) => byId.get(edge)?.to, read, skipped);
  for (const s of signals) {
    s.plan = axisPlan(s, (id) => byId.get(id));
    if (!s.plan) skipped.push({ element: 'tlLogic', id: `${s.tlId} at junction ${s.nodeId}`, reason: 'its approaches do not get green on two axes: the engine derives the plan' });
  }
  for (const node of nodes) {
    // The engine runs a plan only at a signalised node, whatever the junction's type says.
    if (!node.signalised && signals.some((s) => s.nodeId === node.id && s.plan)) node.signalised = true;
  }

  return {
    roads: { nodes, links, movements },
    origin: placement.origin,
    projected: placement.projected,
    location,
    lanes,
    connections,
    signals,
    skipped,
  };
}

/** Whether a lane is open to passenger cars, from its allow / disallow lists of vehicle classes. */
function opensToCars(lane: LaneXml): boolean {
  const list = (s: string | undefined) => (s ?? '').split(/\s+/).filter(Boolean);
  if (lane.allow !== undefined) return list(lane.allow).some((c) => c === 'passenger' || c === 'all' || c === 'private');
  const banned = list(lane.disallow);
  return !banned.includes('passenger') && !banned.includes('all');
}

/** The position of SUMO lane `index` among an edge's car lanes (0 = kerb), or -1 when it is not one. */
function carLaneNumber(lanes: SumoLane[], index: number): number {
  let n = 0;
  for (const l of lanes) {
    if (l.index === index) return l.cars ? n : -1;
    if (l.cars) n++;
  }
  return -1;
}

/** An OpenStreetMap type such as "highway.primary" gives the class; otherwise the speed limit does. */
function roadClass(type: string | undefined, speedKmh: number): RoadClass {
  const osm = type?.match(/(?:^|\|)highway\.([a-z_]+)/)?.[1];
  if (osm && HIGHWAY_CLASS[osm]) return HIGHWAY_CLASS[osm];
  if (speedKmh >= 90) return 'expressway';
  if (speedKmh >= 55) return 'arterial';
  if (speedKmh >= 40) return 'collector';
  return 'local';
}

/** Attribute readers that fail with the element, attribute and value. */
export type AttrReader = ReturnType<typeof reader>;

function reader(fail: (message: string) => never) {
  const number = (where: string, el: Attrs, attr: string, rule: { integer?: boolean; min?: number; positive?: boolean } = {}): number => {
    const text = el[attr];
    if (text === undefined) return fail(`${where}: ${attr} is missing`);
    const value = Number(text);
    const ok = text.trim() !== '' && Number.isFinite(value) && (!rule.integer || Number.isInteger(value)) && (rule.min === undefined || value >= rule.min) && (!rule.positive || value > 0);
    if (!ok) {
      const want = rule.integer ? 'a whole number' : rule.positive ? 'a positive number' : rule.min !== undefined ? `a number ≥ ${rule.min}` : 'a number';
      fail(`${where}: ${attr}: expected ${want}, got "${text}"`);
    }
    return value;
  };
  return {
    fail,
    number,
    id: (tag: string, el: Attrs): string => (el.id ? el.id : fail(`${tag} without an id`)),
    ref: <T>(where: string, el: Attrs, attr: string, known: Map<string, T>): string => {
      const id = el[attr];
      if (id === undefined) return fail(`${where}: ${attr} is missing`);
      if (!known.has(id)) fail(`${where}: ${attr}: no <junction id="${id}">`);
      return id;
    },
    numbers: (where: string, el: Attrs, attr: string, count: number, fallback?: string): number[] => {
      const text = el[attr] ?? fallback;
      if (text === undefined) return fail(`${where}: ${attr} is missing`);
      const values = text.split(',').map((s) => Number(s.trim()));
      if (values.length !== count || values.some((v) => !Number.isFinite(v))) fail(`${where}: ${attr}: expected ${count} numbers separated by commas, got "${text}"`);
      return values;
    },
    shape: (where: string, el: Attrs, attr: string): [number, number][] => {
      const text = el[attr] ?? '';
      const points = text.trim().split(/\s+/).map((p) => p.split(',').map(Number));
      if (points.length < 2 || points.some((p) => p.length < 2 || p.some((v) => !Number.isFinite(v)))) {
        fail(`${where}: ${attr}: expected at least two "x,y" points separated by spaces, got "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`);
      }
      return points.map((p) => [p[0], p[1]]);
    },
  };
}
