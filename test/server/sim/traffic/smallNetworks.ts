/**
 * Tiny road networks for measuring the traffic engine as a traffic engineer would (a corridor, a
 * signalised crossroads, an unsignalised junction), ways to run the engine on them with demand
 * from `traffic.trips` injects only, and observers that watch the published vehicle positions
 * (TrafficEngine.objects) instead of trusting the engine's own counters.
 */
import type { CityModel, RoadClass, RoadLink, RoadNode } from '../../../../server/city/CityModel.ts';
import type { ObjectState } from '../../../../server/protocol/ObjectState.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { SignalState } from '../../../../server/sim/traffic/SignalPlans.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';

/**
 * How a network's nodes and links are numbered (their order in the city's arrays, which is the
 * engine's numbering): as built, reversed, or shuffled by a seed. The ids stay the same.
 */
export type Numbering = 'asBuilt' | 'reversed' | { shuffleSeed: number };

interface Build {
  nodes: RoadNode[];
  links: RoadLink[];
}

function builder(): Build & { node(id: string, x: number, y: number, signalised?: boolean): void; road(a: string, b: string, lanes: number, speedKmh: number, cls: RoadClass, twoWay?: boolean): void } {
  const nodes: RoadNode[] = [];
  const links: RoadLink[] = [];
  const at = new Map<string, RoadNode>();
  const one = (a: RoadNode, b: RoadNode, lanes: number, speedKmh: number, cls: RoadClass): void => {
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    links.push({
      id: `${a.id}-${b.id}`,
      from: a.id,
      to: b.id,
      class: cls,
      lanes,
      speedLimitKmh: speedKmh,
      capacityVph: 1800 * lanes,
      name: '',
      geometry: [[a.x, a.y], [(a.x + b.x) / 2, (a.y + b.y) / 2], [b.x, b.y]],
      length,
    });
  };
  return {
    nodes,
    links,
    node(id, x, y, signalised = false) {
      const n = { id, x, y, signalised };
      nodes.push(n);
      at.set(id, n);
    },
    road(a, b, lanes, speedKmh, cls, twoWay = true) {
      const na = at.get(a) as RoadNode;
      const nb = at.get(b) as RoadNode;
      one(na, nb, lanes, speedKmh, cls);
      if (twoWay) one(nb, na, lanes, speedKmh, cls);
    },
  };
}

/** Puts `items` in the order `numbering` asks for (a new array). */
function renumber<T>(items: T[], numbering: Numbering): T[] {
  if (numbering === 'asBuilt') return items.slice();
  if (numbering === 'reversed') return items.slice().reverse();
  const rng = createRng(numbering.shuffleSeed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function cityOf(id: string, b: Build, numbering: Numbering): CityModel {
  const xs = b.nodes.map((n) => n.x);
  const ys = b.nodes.map((n) => n.y);
  return {
    id,
    name: { zh: '小路网', en: 'Small network' },
    synthetic: true,
    origin: { lon: 113.29, lat: 33.74, height: 0 },
    extent: { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) },
    districts: [],
    grid: { originX: 0, originY: 0, cellSize: 1000, cols: 1, rows: 1, cells: [] },
    buildings: [],
    roads: { nodes: renumber(b.nodes, numbering), links: renumber(b.links, numbering) },
    water: [],
    green: [],
    terrain: { originX: 0, originY: 0, cellSize: 1000, cols: 1, rows: 1, heights: [0] },
    pois: [],
  };
}

/**
 * A straight one-way corridor running east: nodes C0 … C`links` `length` metres apart on y = 0,
 * links `C0-C1` … (no signals, one road class, so no junction holds anyone up).
 */
export function corridor(opts: { links?: number; length?: number; lanes?: number; speedKmh?: number; numbering?: Numbering } = {}): CityModel {
  const { links = 4, length = 500, lanes = 1, speedKmh = 50, numbering = 'asBuilt' } = opts;
  const b = builder();
  for (let i = 0; i <= links; i++) b.node(`C${i}`, i * length, 0);
  for (let i = 0; i < links; i++) b.road(`C${i}`, `C${i + 1}`, lanes, speedKmh, 'arterial', false);
  return cityOf('corridor', b, numbering);
}

/** The arms of a crossroads, with their direction from the centre. */
export const ARMS = { N: [0, 1], E: [1, 0], S: [0, -1], W: [-1, 0] } as const;
export type Arm = keyof typeof ARMS;

/**
 * A crossroads at (0, 0), node `X`, with four two-way arms: `W` … at `armLength` metres from the
 * centre and a feeder beyond (`W0` … a further `feederLength` out), so demand injected from `W0`
 * to `E0` queues on the feeder and reaches the approach `W-X` as a stream that never runs dry.
 * Every link is an arterial; the centre is signalised unless `signalised` is false.
 */
export function crossroads(opts: { armLength?: number; feederLength?: number; lanes?: number; speedKmh?: number; signalised?: boolean; numbering?: Numbering } = {}): CityModel {
  const { armLength = 600, feederLength = 600, lanes = 1, speedKmh = 50, signalised = true, numbering = 'asBuilt' } = opts;
  const b = builder();
  b.node('X', 0, 0, signalised);
  for (const [arm, [dx, dy]] of Object.entries(ARMS)) {
    b.node(arm, dx * armLength, dy * armLength);
    b.node(`${arm}0`, dx * (armLength + feederLength), dy * (armLength + feederLength));
    b.road(`${arm}0`, arm, lanes, speedKmh, 'arterial');
    b.road(arm, 'X', lanes, speedKmh, 'arterial');
  }
  return cityOf('crossroads', b, numbering);
}

/**
 * An unsignalised junction `X` at (0, 0): a major road (arterial) running east–west through it,
 * `W0`–`W`–`X`–`E`–`E0`, and a minor road (local) from the south, `S0`–`S`–`X`, and, for a
 * cross rather than a T, from the north too. Arms `armLength` long, feeders as long again.
 */
export function priorityJunction(opts: { cross?: boolean; armLength?: number; speedKmh?: number; numbering?: Numbering } = {}): CityModel {
  const { cross = false, armLength = 300, speedKmh = 50, numbering = 'asBuilt' } = opts;
  const b = builder();
  b.node('X', 0, 0);
  for (const [arm, [dx, dy]] of Object.entries(ARMS)) {
    if (arm === 'N' && !cross) continue;
    const cls: RoadClass = dx !== 0 ? 'arterial' : 'local';
    b.node(arm, dx * armLength, dy * armLength);
    b.node(`${arm}0`, dx * 2 * armLength, dy * 2 * armLength);
    b.road(`${arm}0`, arm, 1, speedKmh, cls);
    b.road(arm, 'X', 1, speedKmh, cls);
  }
  return cityOf('priority', b, numbering);
}

// ---------------------------------------------------------------- running

/** A traffic engine on `city` with no generated demand (`dailyTrips: 0`, no buses), one dynamics step per `step` call. */
export function smallEngine(city: CityModel, opts: { stepSeconds?: number; seed?: number; params?: Record<string, unknown> } = {}): TrafficEngine {
  const { stepSeconds = 0.5, seed = 1, params = {} } = opts;
  const e = new TrafficEngine();
  const stepMs = Math.round(stepSeconds * 1000);
  e.init(
    standaloneContext({
      city,
      params: { dailyTrips: 0, busLines: 0, warmUpMinutes: 0, stepSeconds, ...params },
      rng: createRng(seed),
      stepMs,
      startEpochMs: Date.parse('2026-03-16T08:00:00+08:00'),
    }),
  );
  return e;
}

/** Something that watches the published vehicles after each step (t: sim seconds at the step's end). */
export interface Observer {
  observe(objects: ObjectState, t: number): void;
}

/** Steps `e` from sim second `fromS` to `toS`, one dynamics step of `stepSeconds` at a time, showing each observer the vehicles after every step. */
export function runFor(e: TrafficEngine, fromS: number, toS: number, stepSeconds: number, observers: Observer[] = []): void {
  const steps = Math.round((toS - fromS) / stepSeconds);
  for (let s = 1; s <= steps; s++) {
    const t = fromS + s * stepSeconds;
    e.step(Math.round(t * 1000));
    const o = e.objects();
    for (const ob of observers) ob.observe(o, t);
  }
}

/**
 * Counts vehicles crossing a line across the road: the line through (x, y) at right angles to the
 * direction (dx, dy), within `halfWidth` metres of (x, y) sideways. A crossing is a vehicle whose
 * distance along (dx, dy) goes from below 0 to 0 or more between two steps; its time is
 * interpolated between the steps.
 */
export class LineCounter implements Observer {
  /** Sim seconds of each crossing, in order. */
  readonly times: number[] = [];
  /** Ids of the vehicles that crossed, in order. */
  readonly ids: number[] = [];
  private last = new Map<number, number>();
  private lastT = 0;

  constructor(
    private readonly x: number,
    private readonly y: number,
    private readonly dx: number,
    private readonly dy: number,
    private readonly halfWidth = 12,
  ) {}

  observe(o: ObjectState, t: number): void {
    const now = new Map<number, number>();
    for (let i = 0; i < o.count; i++) {
      const rx = o.x[i] - this.x;
      const ry = o.y[i] - this.y;
      if (Math.abs(-rx * this.dy + ry * this.dx) > this.halfWidth) continue;
      const along = rx * this.dx + ry * this.dy;
      const id = o.id[i];
      now.set(id, along);
      const before = this.last.get(id);
      if (before !== undefined && before < 0 && along >= 0) {
        this.times.push(this.lastT + ((t - this.lastT) * -before) / (along - before));
        this.ids.push(id);
      }
    }
    this.last = now;
    this.lastT = t;
  }

  /** Crossings per hour per `lanes` lanes between sim seconds `fromS` and `toS`. */
  flowVph(fromS: number, toS: number, lanes = 1): number {
    const n = this.times.filter((t) => t >= fromS && t < toS).length;
    return (n * 3600) / (toS - fromS) / lanes;
  }
}

/** Times vehicles from when they are first seen to when they leave the network (travel times, seconds). */
export class TripTimer implements Observer {
  readonly travelTimes: number[] = [];
  private first = new Map<number, number>();
  private seen = new Set<number>();

  observe(o: ObjectState, t: number): void {
    const now = new Set<number>();
    for (let i = 0; i < o.count; i++) {
      const id = o.id[i];
      now.add(id);
      if (!this.first.has(id)) this.first.set(id, t);
    }
    for (const id of this.seen) {
      if (now.has(id)) continue;
      this.travelTimes.push(t - (this.first.get(id) as number));
      this.first.delete(id);
    }
    this.seen = now;
  }

  mean(): number {
    return this.travelTimes.reduce((a, b) => a + b, 0) / this.travelTimes.length;
  }
}

/** Watches a link's signal and notes when each green starts (sim seconds). */
export class GreenWatcher implements Observer {
  readonly greenStarts: number[] = [];
  private was: number = SignalState.red;

  constructor(
    private readonly e: TrafficEngine,
    private readonly linkId: string,
    private readonly stepSeconds: number,
  ) {}

  observe(_o: ObjectState, t: number): void {
    const s = this.e.signalStateOf(this.linkId);
    // The state seen after a step is the one that held during it, set at its start.
    if (s === SignalState.green && this.was !== SignalState.green) this.greenStarts.push(t - this.stepSeconds);
    this.was = s;
  }
}

/** Queue discharge at a stop line, by HCM's method: headways of the vehicles of each green from its start. */
export interface Discharge {
  /** Mean headway of the 5th and later vehicles of each green, seconds. */
  saturationHeadwayS: number;
  /** 3600 / saturationHeadwayS, vehicles per hour of green per lane. */
  saturationVph: number;
  /** Start-up lost time: the first four vehicles' headways less four saturation headways, mean over greens, seconds. */
  startUpLostS: number;
  /** Standard deviation of the 5th and later vehicles' headways, seconds. */
  headwaySdS: number;
  /** Vehicles across the line per hour of displayed green (all of them, amber included), per lane. */
  perGreenHourVph: number;
  /** Greens measured. */
  greens: number;
}

/**
 * Discharge of one lane from the crossing times at its stop line and the starts of its greens
 * (`greenS` long, amber `amberS` after it), measuring only greens that start after `fromS`.
 */
export function discharge(crossings: readonly number[], greenStarts: readonly number[], greenS: number, amberS: number, fromS: number): Discharge {
  const later: number[] = [];
  const first4: number[][] = [];
  let total = 0;
  let greens = 0;
  for (const g of greenStarts) {
    if (g < fromS) continue;
    const inGreen = crossings.filter((t) => t >= g && t < g + greenS + amberS);
    if (inGreen.length < 6) continue;
    greens++;
    total += inGreen.length;
    const h = inGreen.map((t, i) => t - (i === 0 ? g : inGreen[i - 1]));
    first4.push(h.slice(0, 4));
    later.push(...h.slice(4));
  }
  const mean = later.reduce((a, b) => a + b, 0) / later.length;
  const sd = Math.sqrt(later.reduce((a, b) => a + (b - mean) ** 2, 0) / (later.length - 1));
  const lost = first4.reduce((a, h) => a + h.reduce((x, y) => x + y, 0) - 4 * mean, 0) / first4.length;
  return { saturationHeadwayS: mean, saturationVph: 3600 / mean, startUpLostS: lost, headwaySdS: sd, perGreenHourVph: (total * 3600) / (greens * greenS), greens };
}

/**
 * The standard saturation-flow experiment on `crossroads(...)`: a fixed plan (cycle 90 s, 41 s
 * green per phase), a queue on the west approach that never empties (cars from W0 to E0), and
 * the stop line of `W-X` watched for `minutes` after a warm-up of 5 minutes.
 */
export function saturationExperiment(opts: { stepSeconds?: number; numbering?: Numbering; seed?: number; minutes?: number; vehicles?: number } = {}): {
  discharge: Discharge;
  meanTravelS: number;
  engine: TrafficEngine;
} {
  const { stepSeconds = 0.5, numbering = 'asBuilt', seed = 1, minutes = 30, vehicles = 1500 } = opts;
  const city = crossroads({ numbering });
  const e = smallEngine(city, { stepSeconds, seed, params: { signalPlans: [{ nodeId: 'X', cycleS: 90, greenSplits: [1, 1] }] } });
  const ok = e.applyInject('traffic.trips', { from: 'W0', to: 'E0', vehicles, tag: 'through' }, 0);
  if (!ok.ok) throw new Error(`saturationExperiment: ${JSON.stringify(ok)}`);
  const line = new LineCounter(0, 0, 1, 0);
  const greens = new GreenWatcher(e, 'W-X', stepSeconds);
  const trips = new TripTimer();
  runFor(e, 0, 300 + minutes * 60, stepSeconds, [line, greens, trips]);
  const plan = e.signalPlans().planOf(e.network().nodeIndex.get('X') as number);
  return { discharge: discharge(line.times, greens.greenStarts, plan.greensS[0], 3, 300), meanTravelS: trips.mean(), engine: e };
}

/**
 * Link capacity: the most a lane carries out of a standing queue once nothing holds it up. The
 * crossroads' west approach waits through a red of 150 s (a queue back through its feeder), then
 * gets a green of 146 s; the discharge rate over each green after its first ten vehicles, as
 * counted at the line, is the lane's capacity (vehicles per hour). Mean over the greens in
 * `minutes` after a warm-up of 5 minutes.
 */
export function linkCapacityExperiment(opts: { stepSeconds?: number; numbering?: Numbering; seed?: number; minutes?: number } = {}): { flowVph: number; greens: number } {
  const { stepSeconds = 0.5, numbering = 'asBuilt', seed = 1, minutes = 30 } = opts;
  const e = smallEngine(crossroads({ numbering }), { stepSeconds, seed, params: { signalPlans: [{ nodeId: 'X', cycleS: 300, greenSplits: [1, 1] }] } });
  const ok = e.applyInject('traffic.trips', { from: 'W0', to: 'E0', vehicles: 2000, tag: 'through' }, 0);
  if (!ok.ok) throw new Error(`linkCapacityExperiment: ${JSON.stringify(ok)}`);
  const line = new LineCounter(0, 0, 1, 0);
  const greens = new GreenWatcher(e, 'W-X', stepSeconds);
  runFor(e, 0, 300 + minutes * 60, stepSeconds, [line, greens]);
  const greenS = e.signalPlans().planOf(e.network().nodeIndex.get('X') as number).greensS[1];
  const rates: number[] = [];
  for (const g of greens.greenStarts) {
    if (g < 300) continue;
    const inGreen = line.times.filter((t) => t >= g && t < g + greenS);
    if (inGreen.length < 30) continue;
    const later = inGreen.slice(10);
    rates.push(((later.length - 1) * 3600) / (later[later.length - 1] - later[0]));
  }
  return { flowVph: rates.reduce((a, b) => a + b, 0) / rates.length, greens: rates.length };
}
