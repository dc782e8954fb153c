import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ObjectKind } from '../../../protocol/ObjectState.ts';
import { kindOfVClass } from './kindOfVClass.ts';
import { parseTimeS, TripTableBuilder, type TripElement, type TripEnd, type TripTable } from './TripTable.ts';

type Attrs = Record<string, string | Attrs[] | undefined>;

/** Elements that may repeat, always read as arrays. */
const LISTS = new Set(['vType', 'vTypeDistribution', 'route', 'routeDistribution', 'trip', 'vehicle', 'flow', 'person', 'personFlow', 'container', 'containerFlow', 'param', 'interval']);
/** Demand the engine has no model for: left out with a note. */
const LEFT_OUT = ['person', 'personFlow', 'container', 'containerFlow'];
/** SUMO's built-in vehicle types. */
const BUILT_IN_TYPES: Record<string, string> = { DEFAULT_VEHTYPE: 'passenger', DEFAULT_PEDTYPE: 'pedestrian', DEFAULT_BIKETYPE: 'bicycle', DEFAULT_TAXITYPE: 'taxi', DEFAULT_RAILTYPE: 'rail', DEFAULT_CONTAINERTYPE: 'ignoring' };
/** A flow's `end` when it gives none, seconds (SUMO's default: a day). */
const FLOW_END_DEFAULT_S = 86_400;
/** Most vehicles one flow may make (a typo in a period should not fill the memory). */
const FLOW_MAX = 1_000_000;
const MAX_ERRORS = 20;

class Problems extends Error {}

/**
 * Reads a SUMO route file (`.rou.xml`: https://sumo.dlr.de/docs/Definition_of_Vehicles%2C_Vehicle_Types%2C_and_Routes.html)
 * into a TripTable: `<trip>`s (from/to edges, fromJunction/toJunction, or fromXY/toXY), `<vehicle>`s
 * with a route (a `route` id or a nested `<route edges>`), `<flow>`s (begin, end, and one of
 * number, vehsPerHour, period or probability; with from/to or a route), and the `vClass` of their
 * `<vType>`. Departures are seconds from the midnight of the scenario's start day. Persons,
 * containers and vehicles of classes that are not road motor vehicles are left out with a note;
 * anything the engine would get wrong is an error naming the file, line, element, attribute and value.
 */
export function parseRouXml(text: string, label: string): { table: TripTable; errors: [] } | { table?: undefined; errors: string[] } {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { errors: [`${label}:${valid.err.line}:${valid.err.col}: not XML: ${valid.err.msg}`] };
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && LISTS.has(name),
  }).parse(text) as Record<string, Attrs | string | undefined>;
  const rootName = Object.keys(doc).find((k) => k !== '?xml');
  const root = rootName === undefined ? undefined : doc[rootName];
  if (rootName !== 'routes' && rootName !== 'additional') return { errors: [`${label}: expected a SUMO route file (<routes>), got <${rootName ?? 'nothing'}>`] };
  if (root === undefined || typeof root === 'string') return { errors: [`${label}: <${rootName}> has no trips, vehicles or flows`] };

  const reader = new RouReader(text, label, root);
  try {
    reader.read();
  } catch (e) {
    if (e instanceof Problems) return { errors: reader.errors };
    throw e;
  }
  if (reader.errors.length > 0) return { errors: reader.errors };
  return { table: reader.builder.build(label, reader.notes()), errors: [] };
}

class RouReader {
  readonly errors: string[] = [];
  readonly builder = new TripTableBuilder();
  /** vType id → vehicle kind, or the vClass that is left out. */
  private readonly types = new Map<string, number | string>();
  private readonly routes = new Map<string, string[]>();
  private readonly leftOut = new Map<string, number>();
  /** Line of the n-th element of each name, from a scan of the text (the parser keeps no lines). */
  private readonly lines: Map<string, number[]>;

  constructor(
    text: string,
    private readonly label: string,
    private readonly root: Attrs,
  ) {
    // Routes and vTypes also nest (in vehicles, in distributions): their lines are not told apart.
    this.lines = elementLines(text, ['trip', 'vehicle', 'flow']);
    for (const [id, vClass] of Object.entries(BUILT_IN_TYPES)) this.types.set(id, kindOfVClass(vClass) ?? vClass);
  }

  read(): void {
    for (const name of Object.keys(this.root)) {
      if (LISTS.has(name) || name === 'xmlns:xsi' || name === 'xsi:noNamespaceSchemaLocation') continue;
      this.fail(`${this.label}: <${name}> is not a SUMO demand element (expected vType, route, trip, vehicle or flow)`);
    }
    if (this.list('routeDistribution').length > 0 || this.list('interval').length > 0) {
      this.fail(`${this.label}: <${this.list('routeDistribution').length > 0 ? 'routeDistribution' : 'interval'}> is not supported: give each vehicle its route, or trips`);
    }
    this.list('vType').forEach((t, n) => this.vType(t, n));
    for (const d of this.list('vTypeDistribution')) {
      const members = (d.vType as Attrs[] | undefined) ?? [];
      for (const t of members) this.vType(t, -1);
      // A distribution drives as the kind its first member drives as.
      if (typeof d.id === 'string' && members.length > 0) this.types.set(d.id, this.types.get(String(members[0].id)) ?? ObjectKind.car);
    }
    this.list('route').forEach((r, n) => {
      const where = this.at('route', n, r);
      if (typeof r.id !== 'string') this.fail(`${where}: id: missing (a route outside a vehicle needs an id)`);
      else this.routes.set(r.id, this.edges(r.edges, where));
    });
    for (const name of LEFT_OUT) {
      const count = this.list(name).length;
      if (count > 0) this.leftOut.set(`<${name}>s (the engine drives vehicles only)`, count);
    }
    this.list('trip').forEach((e, n) => this.vehicle('trip', e, n));
    this.list('vehicle').forEach((e, n) => this.vehicle('vehicle', e, n));
    this.list('flow').forEach((e, n) => this.flow(e, n));
    if (this.builder.count === 0 && this.errors.length === 0) this.fail(`${this.label}: no trips, vehicles or flows the engine can drive`);
  }

  notes(): string[] {
    return [...this.leftOut].map(([what, n]) => `${this.label}: left out ${n} ${what}`);
  }

  private list(name: string): Attrs[] {
    return (this.root[name] as Attrs[] | undefined) ?? [];
  }

  private fail(message: string): void {
    this.errors.push(message);
    if (this.errors.length >= MAX_ERRORS) {
      this.errors.push(`${this.label}: (stopped after ${MAX_ERRORS} errors)`);
      throw new Problems();
    }
  }

  /** `file:line: <trip id="t1">` for the n-th element of its name (n < 0: nested, no line). */
  private at(name: string, n: number, e: Attrs): string {
    const line = n >= 0 ? this.lineOf(name, n) : 0;
    const id = typeof e.id === 'string' ? ` id=${JSON.stringify(e.id)}` : '';
    return `${this.label}${line > 0 ? `:${line}` : ''}: <${name}${id}>`;
  }

  private lineOf(name: string, n: number): number {
    return this.lines.get(name)?.[n] ?? 0;
  }

  private vType(t: Attrs, n: number): void {
    const where = this.at('vType', n, t);
    if (typeof t.id !== 'string') return this.fail(`${where}: id: missing`);
    const vClass = typeof t.vClass === 'string' ? t.vClass : 'passenger';
    this.types.set(t.id, kindOfVClass(vClass) ?? vClass);
  }

  /** The vehicle kind of `type`, or the vClass left out; undefined (with an error) for an unknown type. */
  private kindOf(type: Attrs[string], where: string): number | string | undefined {
    const id = typeof type === 'string' ? type : 'DEFAULT_VEHTYPE';
    const kind = this.types.get(id);
    if (kind === undefined) this.fail(`${where}: type: no <vType id=${JSON.stringify(id)}> in the file`);
    return kind;
  }

  private edges(value: Attrs[string], where: string): string[] {
    const edges = typeof value === 'string' ? value.trim().split(/\s+/).filter(Boolean) : [];
    if (edges.length === 0) this.fail(`${where}: edges: expected edge ids separated by spaces, got ${JSON.stringify(value ?? null)}`);
    return edges;
  }

  private time(value: Attrs[string], field: string, where: string): number | undefined {
    const s = typeof value === 'string' ? parseTimeS(value) : undefined;
    if (s === undefined) this.fail(`${where}: ${field}: expected seconds or hh:mm:ss, got ${JSON.stringify(value ?? null)}`);
    return s;
  }

  /** The route of a vehicle or flow (`route` id or nested `<route>`), or its from/to ends; undefined after an error. */
  private way(e: Attrs, where: string, routed: boolean): { from: TripEnd; to: TripEnd; route: string[] } | undefined {
    const none: TripEnd = { type: 'none' };
    if (routed) {
      const nested = e.route;
      if (Array.isArray(nested)) return { from: none, to: none, route: this.edges(nested[0]?.edges, `${where} <route>`) };
      if (typeof nested === 'string') {
        const route = this.routes.get(nested);
        if (!route) return void this.fail(`${where}: route: no <route id=${JSON.stringify(nested)}> before it in the file`);
        return { from: none, to: none, route };
      }
    }
    if (e.via !== undefined) return void this.fail(`${where}: via: not supported (give the whole route as a <vehicle> with <route edges>), got ${JSON.stringify(e.via)}`);
    const pairs: [string, string, 'link' | 'node' | 'xy'][] = [
      ['from', 'to', 'link'],
      ['fromJunction', 'toJunction', 'node'],
      ['fromXY', 'toXY', 'xy'],
    ];
    for (const [a, b, type] of pairs) {
      if (e[a] === undefined && e[b] === undefined) continue;
      const from = this.end(e[a], a, type, where);
      const to = this.end(e[b], b, type, where);
      return from && to ? { from, to, route: [] } : undefined;
    }
    const expected = routed ? 'a route (route="id" or a nested <route edges>) or from and to' : 'from and to (edges), fromJunction and toJunction, or fromXY and toXY';
    return void this.fail(`${where}: expected ${expected}`);
  }

  private end(value: Attrs[string], field: string, type: 'link' | 'node' | 'xy', where: string): TripEnd | undefined {
    if (typeof value !== 'string' || value.trim() === '') return void this.fail(`${where}: ${field}: missing`);
    if (type !== 'xy') return { type, id: value.trim() };
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
    if (!m) return void this.fail(`${where}: ${field}: expected "x,y" in metres, got ${JSON.stringify(value)}`);
    return { type, x: Number(m[1]), y: Number(m[2]) };
  }

  private vehicle(element: 'trip' | 'vehicle', e: Attrs, n: number): void {
    const where = this.at(element, n, e);
    if (typeof e.id !== 'string') return this.fail(`${where}: id: missing`);
    const kind = this.kindOf(e.type, where);
    const departS = e.depart === 'begin' ? 0 : this.time(e.depart, 'depart', where);
    const way = this.way(e, where, element === 'vehicle');
    if (kind === undefined || departS === undefined || !way) return;
    if (typeof kind === 'string') return this.leave(element, kind);
    this.builder.add({ id: e.id, line: this.lineOf(element, n), element, departS, kind, ...way });
  }

  private leave(element: TripElement, vClass: string): void {
    const key = `<${element}>s of vClass ${vClass} (the engine drives cars, buses and trucks)`;
    this.leftOut.set(key, (this.leftOut.get(key) ?? 0) + 1);
  }

  private flow(e: Attrs, n: number): void {
    const where = this.at('flow', n, e);
    if (typeof e.id !== 'string') return this.fail(`${where}: id: missing`);
    const kind = this.kindOf(e.type, where);
    const begin = e.begin === undefined ? 0 : this.time(e.begin, 'begin', where);
    const way = this.way(e, where, true);
    const given = ['number', 'vehsPerHour', 'period', 'probability'].filter((k) => e[k] !== undefined);
    const num = (field: string, positive: boolean): number | undefined => {
      const v = Number(e[field]);
      if (typeof e[field] !== 'string' || !Number.isFinite(v) || (positive ? v <= 0 : v < 0)) {
        return void this.fail(`${where}: ${field}: expected a ${positive ? 'positive' : 'non-negative'} number, got ${JSON.stringify(e[field] ?? null)}`);
      }
      return v;
    };
    const rates = given.filter((k) => k !== 'number');
    if (rates.length > 1) return this.fail(`${where}: give one of vehsPerHour, period and probability, got ${rates.join(' and ')}`);
    if (given.length === 0) return this.fail(`${where}: expected number, vehsPerHour, period or probability`);
    const number = e.number === undefined ? undefined : num('number', false);
    if (number !== undefined && !Number.isInteger(number)) return this.fail(`${where}: number: expected a whole number, got ${JSON.stringify(e.number)}`);
    const rate = rates[0];
    let period: number | undefined;
    if (rate === 'vehsPerHour') period = 3600 / (num('vehsPerHour', true) ?? NaN);
    else if (rate === 'period') period = num('period', true);
    const probability = rate === 'probability' ? num('probability', false) : undefined;
    if (probability !== undefined && probability > 1) return this.fail(`${where}: probability: expected 0 to 1 (per second), got ${JSON.stringify(e.probability)}`);
    let end = e.end === undefined ? undefined : this.time(e.end, 'end', where);
    if (kind === undefined || begin === undefined || !way || (rate && period === undefined && probability === undefined) || (e.end !== undefined && end === undefined)) return;
    if (end === undefined) end = number !== undefined && period !== undefined ? begin + number * period : number !== undefined && !rate ? undefined : FLOW_END_DEFAULT_S;
    if (end === undefined) return this.fail(`${where}: end: missing (number without a rate needs begin and end)`);
    if (end < begin) return this.fail(`${where}: end: before begin (${begin} s), got ${JSON.stringify(e.end)}`);
    if (number !== undefined && !rate) period = number > 0 ? (end - begin) / number : Infinity;
    const times: number[] = [];
    const most = number ?? FLOW_MAX;
    if (probability !== undefined) {
      // SUMO draws each second; the draws here are the flow's own (a fixed stream by its id), so every run gets the same vehicles.
      const rng = streamOf(e.id);
      for (let t = begin; t < end && times.length < most; t++) if (rng() < probability) times.push(t);
    } else {
      for (let k = 0; times.length < most && begin + k * (period as number) < end; k++) times.push(begin + k * (period as number));
    }
    if (times.length >= FLOW_MAX) return this.fail(`${where}: makes more than ${FLOW_MAX} vehicles; check its rate`);
    if (typeof kind === 'string') {
      for (let k = 0; k < times.length; k++) this.leave('flow', kind);
      return;
    }
    const line = this.lineOf('flow', n);
    times.forEach((departS, k) => this.builder.add({ id: `${e.id}.${k}`, line, element: 'flow', departS, kind, ...way }));
  }
}

/**
 * Lines (1-based) of each opening tag of the given names, in document order: comments, CDATA and
 * processing instructions skipped, as the parser skips them, so the n-th tag here is the parser's n-th element.
 */
function elementLines(text: string, names: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>(names.map((n) => [n, []]));
  const re = new RegExp(`<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<\\?[\\s\\S]*?\\?>|<(${names.join('|')})(?=[\\s/>])`, 'g');
  let line = 1;
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (let i = text.indexOf('\n', from); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    from = m.index;
    if (m[1]) (out.get(m[1]) as number[]).push(line);
  }
  return out;
}

/** A small fixed random stream (mulberry32) seeded by a string, for a flow's probability draws. */
function streamOf(id: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
