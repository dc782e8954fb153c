/** How a trip end is given: a link (SUMO edge) id, a node (junction) id, local x/y metres, or not at all (the trip has a route). */
export const EndType = { none: 0, link: 1, node: 2, xy: 3 } as const;
export type EndType = (typeof EndType)[keyof typeof EndType];

/** The element a trip came from, for messages. */
export const TRIP_ELEMENTS = ['trip', 'vehicle', 'flow', 'row'] as const;
export type TripElement = (typeof TRIP_ELEMENTS)[number];

/**
 * An explicit demand file as read (a SUMO route file or a CSV), before it meets a network: one row
 * per vehicle (flows already expanded), in typed arrays so that 100,000 trips cost a few MB and no
 * objects. Link and node ids are kept as indices into `names` (each id once); the engine resolves
 * them on the city's network (ExplicitTrips). Immutable once built, so runs and forks share it.
 */
export class TripTable {
  /** Trips (vehicles). */
  readonly count: number;
  /** Each trip's vehicle id in the file (a flow's vehicles are "<flow id>.<n>", as SUMO names them). */
  readonly ids: string[];
  /** Line in the file of each trip's element (1-based). */
  readonly line: Int32Array;
  /** Index into TRIP_ELEMENTS. */
  readonly element: Uint8Array;
  /** Departure, seconds after the midnight that begins the scenario's start day (Asia/Shanghai). */
  readonly departS: Float64Array;
  /** ObjectKind: car, bus or truck. */
  readonly kind: Uint8Array;
  /** EndType of each trip's origin and destination. */
  readonly fromType: Uint8Array;
  readonly toType: Uint8Array;
  /** Index into `names` of a link or node end, -1 otherwise. */
  readonly fromRef: Int32Array;
  readonly toRef: Int32Array;
  /** Local east/north metres of an xy end, NaN otherwise. */
  readonly fromX: Float64Array;
  readonly fromY: Float64Array;
  readonly toX: Float64Array;
  readonly toY: Float64Array;
  /** A trip's given route: `routeLinks[routeStart[i] … routeStart[i + 1] - 1]` (indices into `names`), empty when it is routed by the engine. */
  readonly routeStart: Int32Array;
  readonly routeLinks: Int32Array;
  /** Link and node ids named by the file, each once. */
  readonly names: string[];
  /** What the file had that the engine leaves out, e.g. "left out 12 vehicles of vClass bicycle (…)". */
  readonly notes: string[];

  constructor(
    /** The file as the scenario names it, e.g. "trips/peak.rou.xml": messages start with it, and it is what a scenario shows (toJSON). */
    readonly source: string,
    columns: Omit<TripTable, 'source' | 'count' | 'toJSON' | 'where'>,
  ) {
    this.count = columns.ids.length;
    this.ids = columns.ids;
    this.line = columns.line;
    this.element = columns.element;
    this.departS = columns.departS;
    this.kind = columns.kind;
    this.fromType = columns.fromType;
    this.toType = columns.toType;
    this.fromRef = columns.fromRef;
    this.toRef = columns.toRef;
    this.fromX = columns.fromX;
    this.fromY = columns.fromY;
    this.toX = columns.toX;
    this.toY = columns.toY;
    this.routeStart = columns.routeStart;
    this.routeLinks = columns.routeLinks;
    this.names = columns.names;
    this.notes = columns.notes;
  }

  /** Where trip i is written, for messages: `trips.rou.xml:12: <trip id="t3">`. */
  where(i: number): string {
    const el = TRIP_ELEMENTS[this.element[i]];
    return el === 'row' ? `${this.source}:${this.line[i]}` : `${this.source}:${this.line[i]}: <${el} id=${JSON.stringify(this.ids[i])}>`;
  }

  /** A scenario holding the table is shown (and stored) with the file's name, not its rows. */
  toJSON(): string {
    return this.source;
  }
}

/** One trip as a parser hands it to TripTableBuilder. */
export interface TripRow {
  id: string;
  line: number;
  element: TripElement;
  departS: number;
  kind: number;
  from: TripEnd;
  to: TripEnd;
  /** Link ids of a given route; empty when the engine routes the trip. */
  route: readonly string[];
}

/** A trip end as written. */
export type TripEnd = { type: 'none' } | { type: 'link' | 'node'; id: string } | { type: 'xy'; x: number; y: number };

/** Collects rows into growing arrays and makes the TripTable. */
export class TripTableBuilder {
  private readonly ids: string[] = [];
  private readonly line: number[] = [];
  private readonly element: number[] = [];
  private readonly departS: number[] = [];
  private readonly kind: number[] = [];
  private readonly fromType: number[] = [];
  private readonly toType: number[] = [];
  private readonly fromRef: number[] = [];
  private readonly toRef: number[] = [];
  private readonly fromX: number[] = [];
  private readonly fromY: number[] = [];
  private readonly toX: number[] = [];
  private readonly toY: number[] = [];
  private readonly routeStart: number[] = [0];
  private readonly routeLinks: number[] = [];
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  get count(): number {
    return this.ids.length;
  }

  add(row: TripRow): void {
    this.ids.push(row.id);
    this.line.push(row.line);
    this.element.push(TRIP_ELEMENTS.indexOf(row.element));
    this.departS.push(row.departS);
    this.kind.push(row.kind);
    this.end(row.from, this.fromType, this.fromRef, this.fromX, this.fromY);
    this.end(row.to, this.toType, this.toRef, this.toX, this.toY);
    for (const id of row.route) this.routeLinks.push(this.name(id));
    this.routeStart.push(this.routeLinks.length);
  }

  build(source: string, notes: string[] = []): TripTable {
    return new TripTable(source, {
      ids: this.ids,
      line: Int32Array.from(this.line),
      element: Uint8Array.from(this.element),
      departS: Float64Array.from(this.departS),
      kind: Uint8Array.from(this.kind),
      fromType: Uint8Array.from(this.fromType),
      toType: Uint8Array.from(this.toType),
      fromRef: Int32Array.from(this.fromRef),
      toRef: Int32Array.from(this.toRef),
      fromX: Float64Array.from(this.fromX),
      fromY: Float64Array.from(this.fromY),
      toX: Float64Array.from(this.toX),
      toY: Float64Array.from(this.toY),
      routeStart: Int32Array.from(this.routeStart),
      routeLinks: Int32Array.from(this.routeLinks),
      names: this.names,
      notes,
    });
  }

  private name(id: string): number {
    let k = this.nameIndex.get(id);
    if (k === undefined) {
      k = this.names.length;
      this.names.push(id);
      this.nameIndex.set(id, k);
    }
    return k;
  }

  private end(end: TripEnd, type: number[], ref: number[], xs: number[], ys: number[]): void {
    type.push(EndType[end.type]);
    ref.push(end.type === 'link' || end.type === 'node' ? this.name(end.id) : -1);
    xs.push(end.type === 'xy' ? end.x : NaN);
    ys.push(end.type === 'xy' ? end.y : NaN);
  }
}

/**
 * Seconds from a time as SUMO writes it: seconds ("27000", "27000.5") or [[D:]HH:]MM:SS ("07:30:00");
 * undefined when it is neither or negative.
 */
export function parseTimeS(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (!m) return undefined;
  const [, d, h, min, s] = m;
  if (Number(min) >= 60 || Number(s) >= 60) return undefined;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(min) * 60 + Number(s);
}
