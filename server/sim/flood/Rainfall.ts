import { RAIN_WARNINGS, type RainWarning } from '../../protocol/FloodSummary.ts';

const MINUTE_MS = 60_000;
/** Minutes of rain history kept: the longest warning window, 12 h. */
const HISTORY_MINUTES = 720;
/** mm/h to m/s. */
const MM_PER_H = 1 / 3.6e6;

/**
 * Rainstorm warning signals (暴雨预警信号, China Meteorological Administration), highest first:
 * red 100 mm in 3 h, orange 50 mm in 3 h, yellow 50 mm in 6 h, blue 50 mm in 12 h.
 */
const WARNING_RULES: readonly { level: RainWarning; minutes: number; mm: number }[] = [
  { level: 'red', minutes: 180, mm: 100 },
  { level: 'orange', minutes: 180, mm: 50 },
  { level: 'yellow', minutes: 360, mm: 50 },
  { level: 'blue', minutes: 720, mm: 50 },
];

/** One rain: piecewise constant intensity over an area, from startMs to endMs. */
export interface Rain {
  id: string;
  startMs: number;
  endMs: number;
  /** From atMs[k] (sim ms) on, mmPerH[k] falls; nothing before atMs[0]. */
  atMs: number[];
  mmPerH: number[];
  /** The cells it falls on, ascending, or null for every cell. Never changed once made (snapshots share it). */
  cells: Int32Array | null;
}

/** Cells under the same set of rains: one rain history serves them all. */
interface Place {
  rains: number[];
  cells: number;
  /** Rain of each of the last 720 minutes, mm (minute m at m mod 720). */
  history: Float64Array;
  totalMm: number;
}

export interface RainfallSnapshot {
  rains: Rain[];
  placeOf: Int32Array;
  places: Place[];
  minute: number;
  warning: number;
}

/** mm/h falling from a rain at sim time t. */
export function rainMmPerH(rain: Rain, t: number): number {
  if (t < rain.startMs || t >= rain.endMs) return 0;
  let v = 0;
  for (let k = 0; k < rain.atMs.length && rain.atMs[k] <= t; k++) v = rain.mmPerH[k];
  return v;
}

/** mm fallen from a rain between t0 and t1 (sim ms). */
export function rainMmBetween(rain: Rain, t0: number, t1: number): number {
  let mm = 0;
  for (let k = 0; k < rain.atMs.length; k++) {
    const a = Math.max(t0, rain.startMs, rain.atMs[k]);
    const b = Math.min(t1, rain.endMs, k + 1 < rain.atMs.length ? rain.atMs[k + 1] : Infinity);
    if (b > a) mm += (rain.mmPerH[k] * (b - a)) / 3.6e6;
  }
  return mm;
}

/**
 * The rains over the city: where and how hard it rains now (the field the water solver takes),
 * and, per minute, the rain at every place, from which the rainstorm warnings are raised. Places
 * are the sets of cells under the same rains, so the heaviest place's history is exact however
 * rains of different areas overlap.
 */
export class Rainfall {
  private rains: Rain[] = [];
  /** The place of each cell. Replaced, never changed in place, so snapshots share it. */
  private placeOf: Int32Array;
  private places: Place[];
  /** The next minute to close: minute m runs from m·60 s to (m + 1)·60 s. */
  private minute = 0;
  /** Index into RAIN_WARNINGS of the highest warning raised, −1 for none. */
  private warning = -1;

  constructor(private readonly cells: number) {
    this.placeOf = new Int32Array(cells);
    this.places = [{ rains: [], cells, history: new Float64Array(HISTORY_MINUTES), totalMm: 0 }];
  }

  /** Adds a rain (starting now or later): the places it covers split off. */
  add(rain: Rain): void {
    const index = this.rains.length;
    this.rains.push(rain);
    this.placeOf = this.placeOf.slice();
    const split = new Map<number, number>();
    const move = (cell: number): void => {
      const from = this.placeOf[cell];
      let to = split.get(from);
      if (to === undefined) {
        const p = this.places[from];
        to = this.places.length;
        this.places.push({ rains: [...p.rains, index], cells: 0, history: p.history.slice(), totalMm: p.totalMm });
        split.set(from, to);
      }
      this.placeOf[cell] = to;
    };
    if (rain.cells) for (const cell of rain.cells) move(cell);
    else for (let cell = 0; cell < this.cells; cell++) move(cell);
    this.compact();
  }

  /** Rain falling at sim time t, m/s per cell (a fresh array). */
  fieldAt(t: number): Float32Array {
    const rates = this.places.map((p) => Math.fround(p.rains.reduce((s, k) => s + rainMmPerH(this.rains[k], t), 0) * MM_PER_H));
    const field = new Float32Array(this.cells);
    if (rates.some((v) => v > 0)) for (let i = 0; i < this.cells; i++) field[i] = rates[this.placeOf[i]];
    return field;
  }

  /** True when the field at t differs from the field at `since` (a rain started, ended or changed its intensity in between). */
  changedBetween(since: number, t: number): boolean {
    return this.rains.some((r) => rainMmPerH(r, since) !== rainMmPerH(r, t));
  }

  /** The first time after t at which some rain starts, ends or changes, or Infinity. */
  nextChangeAfter(t: number): number {
    let next = Infinity;
    for (const r of this.rains) {
      for (const at of [r.startMs, ...r.atMs, r.endMs]) if (at > t && at < next) next = at;
    }
    return next;
  }

  /** Closes every minute that ends by t: records each place's rain and raises warnings. */
  closeMinutesTo(t: number): void {
    while ((this.minute + 1) * MINUTE_MS <= t) {
      const t0 = this.minute * MINUTE_MS;
      const slot = this.minute % HISTORY_MINUTES;
      for (const p of this.places) {
        const mm = p.rains.reduce((s, k) => s + rainMmBetween(this.rains[k], t0, t0 + MINUTE_MS), 0);
        p.history[slot] = mm;
        p.totalMm += mm;
      }
      this.minute++;
      this.raiseWarnings();
    }
  }

  /** The highest warning raised so far, or null. */
  get highestWarning(): RainWarning | null {
    return this.warning < 0 ? null : RAIN_WARNINGS[this.warning];
  }

  /** Most rain fallen anywhere in the closed minutes, mm. */
  get maxTotalMm(): number {
    return this.places.reduce((m, p) => Math.max(m, p.totalMm), 0);
  }

  /** Rain falling at t, mm/h, the mean over the cells it falls on (0 when dry). */
  meanMmPerH(t: number): number {
    let sum = 0;
    let cells = 0;
    for (const p of this.places) {
      const v = p.rains.reduce((s, k) => s + rainMmPerH(this.rains[k], t), 0);
      if (v <= 0) continue;
      sum += v * p.cells;
      cells += p.cells;
    }
    return cells > 0 ? sum / cells : 0;
  }

  snapshot(): RainfallSnapshot {
    return {
      rains: this.rains.map((r) => ({ ...r, atMs: [...r.atMs], mmPerH: [...r.mmPerH] })),
      placeOf: this.placeOf,
      places: this.places.map((p) => ({ ...p, rains: [...p.rains], history: p.history.slice() })),
      minute: this.minute,
      warning: this.warning,
    };
  }

  restore(s: RainfallSnapshot): void {
    this.rains = s.rains.map((r) => ({ ...r, atMs: [...r.atMs], mmPerH: [...r.mmPerH] }));
    this.placeOf = s.placeOf;
    this.places = s.places.map((p) => ({ ...p, rains: [...p.rains], history: p.history.slice() }));
    this.minute = s.minute;
    this.warning = s.warning;
  }

  private raiseWarnings(): void {
    for (const p of this.places) {
      for (const rule of WARNING_RULES) {
        const level = RAIN_WARNINGS.indexOf(rule.level);
        if (level <= this.warning) break;
        let mm = 0;
        for (let m = Math.max(0, this.minute - rule.minutes); m < this.minute; m++) mm += p.history[m % HISTORY_MINUTES];
        if (mm >= rule.mm - 1e-9) {
          this.warning = level;
          break;
        }
      }
    }
  }

  /** Drops places no cell is in any more, keeping the order of the rest. */
  private compact(): void {
    const counts = new Int32Array(this.places.length);
    for (let i = 0; i < this.cells; i++) counts[this.placeOf[i]]++;
    const renumber = new Int32Array(this.places.length).fill(-1);
    const kept: Place[] = [];
    this.places.forEach((p, k) => {
      if (counts[k] === 0) return;
      renumber[k] = kept.length;
      kept.push({ ...p, cells: counts[k] });
    });
    for (let i = 0; i < this.cells; i++) this.placeOf[i] = renumber[this.placeOf[i]];
    this.places = kept;
  }
}
