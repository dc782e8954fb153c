import { puffConcentration } from './gaussian.ts';
import { plumeRise, type PlumeRiseInput } from './plumeRise.ts';
import { sigmaY, sigmaZ, type Terrain } from './sigmas.ts';
import type { Stability } from './stability.ts';
import { verticalTerm } from './verticalTerm.ts';
import { windAtHeight } from './windProfile.ts';

/** A point source: a stack, a vent, a leak. */
export interface PuffSource {
  /** The caller's id, unique among the sources. */
  id: number;
  /** Position, local ENU metres (x east, y north). */
  x: number;
  y: number;
  /** Release height above ground, m (the physical stack height for a stack). */
  heightM: number;
  /** Emission rate, g/s. */
  gPerS: number;
  /** Which substance it emits: an index the caller owns. */
  substance: number;
  /** When it starts and stops emitting, s of model time; endS Infinity for a stack that runs on. */
  startS: number;
  endS: number;
  /** Stack exit figures for plume rise; without them the release gets none. */
  exitVelocityMs?: number;
  exitTempK?: number;
  diameterM?: number;
}

/** The weather over the whole model for one step. */
export interface PuffWeather {
  /** Meteorological direction: where the wind blows FROM, degrees clockwise from north. */
  windFromDeg: number;
  windSpeed10Ms: number;
  stability: Stability;
  /** Mixing height, m; Infinity for no lid. */
  mixingHeightM: number;
  ambientTempK: number;
}

/** Puffs further than `dropOutsideM` outside this box (local metres) are dropped. */
export interface PuffBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Construction options of a {@link PuffModel}. */
export interface PuffModelOptions {
  /** Seconds between two puffs of one source (default 5). Shorter reproduces a plume closer to the source. */
  releaseIntervalS?: number;
  /** The area of interest; omitted, puffs are never dropped for where they are. */
  bounds?: PuffBounds;
  /** How far outside `bounds` a puff may drift before it is dropped, m (default 2000). */
  dropOutsideM?: number;
  /** A puff is dropped once the most it could ever add at the ground falls below this, µg/m³ (default 1e-3). */
  dropBelowUgM3?: number;
  /**
   * The spread a puff has as it leaves its source, m, added in quadrature to the σ curves' (default
   * 0): a leak or vent has a size, and without it a fresh puff is a point the curves make only
   * centimetres wide, so the air right at the source would read nothing between two puffs.
   */
  initialSigmaM?: number;
}

/** The per-puff columns, in the order they are stored. */
const FIELDS = [
  'x',
  'y',
  'travelM',
  'massG',
  'stackHeightM',
  'effectiveHeightM',
  'sigmaYM',
  'sigmaZM',
  'exitVelocityMs',
  'exitTempK',
  'diameterM',
  'substance',
] as const;
type Field = (typeof FIELDS)[number];
const F = Object.fromEntries(FIELDS.map((name, i) => [name, i])) as Record<Field, number>;

/** A source as the model keeps it, with its emission count. */
export interface PuffSourceState extends PuffSource {
  /** Index of its next puff: that puff leaves at startS + emitted·releaseIntervalS. */
  emitted: number;
}

/**
 * Everything a {@link PuffModel} needs to continue exactly: plain data, typed arrays copied, fit for
 * structuredClone (not JSON: endS and mixingHeightM may be Infinity).
 */
export interface PuffModelSnapshot {
  timeS: number;
  mixingHeightM: number;
  sources: PuffSourceState[];
  count: number;
  puffs: Record<Field, Float64Array>;
}

const UG_PER_G = 1e6;
const TWO_PI = 2 * Math.PI;
const TWO_PI_1_5 = TWO_PI ** 1.5;
const SQRT_2PI = Math.sqrt(TWO_PI);
const DEG = Math.PI / 180;
/** A puff reaches ±4σ on the grid: beyond that it adds less than 0.04 % of its peak. */
const GRID_REACH_SIGMAS = 4;

/**
 * Gaussian puffs from point sources (the puff approach of CALPUFF and RIMPUFF with ISC3's curves):
 * every source lets go of one puff every `releaseIntervalS` carrying the mass emitted in that time;
 * each puff drifts with the wind at its own effective height, rises by Briggs's gradual rise as it
 * travels, and spreads with the σ curves at the distance it has travelled. A constant source in
 * steady weather so reproduces the steady plume; when the wind turns, the cloud turns with it.
 *
 * Puffs live in structure-of-arrays Float64Arrays that grow by doubling (the substance index is
 * stored as a float too: exact for any index), kept in release order, so runs are deterministic.
 *
 * A puff's σ never shrinks: when the weather turns more stable, the curves at its distance may give
 * less than it already has, and mixed air does not unmix, so it keeps the larger value until the
 * curves catch up.
 */
export class PuffModel {
  /** Puff × cell evaluations made by {@link addGroundGrid} so far, for benchmarks. */
  evaluations = 0;

  private readonly releaseIntervalS: number;
  private readonly bounds: PuffBounds | undefined;
  private readonly dropOutsideM: number;
  private readonly dropBelowUgM3: number;
  private readonly initialSigmaM: number;

  private sources: PuffSourceState[] = [];
  private timeSValue = 0;
  /** The last step's mixing height, which the grid and point queries use. */
  private mixingHeightM = Infinity;
  private n = 0;
  private cols: Float64Array[];
  private capacity = 64;

  private scratchX = new Float64Array(0);
  private scratchY = new Float64Array(0);
  private readonly riseInput: PlumeRiseInput = {
    stackHeightM: 0,
    ambientTempK: 0,
    windAtStackMs: 0,
    stability: 'D',
    downwindM: 0,
  };

  constructor(options: PuffModelOptions = {}) {
    this.releaseIntervalS = options.releaseIntervalS ?? 5;
    if (!(this.releaseIntervalS > 0 && Number.isFinite(this.releaseIntervalS)))
      throw new RangeError(`PuffModel: releaseIntervalS must be > 0, got ${this.releaseIntervalS}`);
    this.bounds = options.bounds;
    this.dropOutsideM = options.dropOutsideM ?? 2000;
    this.dropBelowUgM3 = options.dropBelowUgM3 ?? 1e-3;
    this.initialSigmaM = options.initialSigmaM ?? 0;
    if (!(this.initialSigmaM >= 0 && Number.isFinite(this.initialSigmaM))) throw new RangeError(`PuffModel: initialSigmaM must be ≥ 0, got ${this.initialSigmaM}`);
    this.cols = FIELDS.map(() => new Float64Array(this.capacity));
  }

  /** Live puffs. */
  get count(): number {
    return this.n;
  }

  /** Model time, s: the sum of the steps taken. */
  get timeS(): number {
    return this.timeSValue;
  }

  /** Adds a point source; it emits from max(startS, now) until endS. */
  addSource(source: PuffSource): void {
    const where = `PuffModel.addSource(${source.id})`;
    if (!Number.isInteger(source.id)) throw new RangeError(`PuffModel.addSource: id must be an integer, got ${source.id}`);
    if (this.sources.some((s) => s.id === source.id)) throw new Error(`${where}: a source with this id exists`);
    for (const key of ['x', 'y', 'heightM', 'gPerS', 'startS'] as const)
      if (!Number.isFinite(source[key])) throw new RangeError(`${where}: ${key} must be finite, got ${source[key]}`);
    if (source.heightM < 0 || source.gPerS < 0)
      throw new RangeError(`${where}: heightM and gPerS must be ≥ 0, got ${source.heightM}, ${source.gPerS}`);
    if (!(source.endS >= source.startS)) throw new RangeError(`${where}: endS must be ≥ startS, got ${source.endS}`);
    if (!Number.isInteger(source.substance) || source.substance < 0)
      throw new RangeError(`${where}: substance must be an index ≥ 0, got ${source.substance}`);
    // A source added late does not make up for the puffs it would have released before now.
    const late = (this.timeSValue - source.startS) / this.releaseIntervalS;
    const emitted = late > 0 ? Math.ceil(late - 1e-9) : 0;
    this.sources.push({ ...source, emitted });
  }

  /** Stops a source. The puffs it already released stay in the air and drift on. */
  removeSource(id: number): void {
    const i = this.sources.findIndex((s) => s.id === id);
    if (i < 0) throw new Error(`PuffModel.removeSource: no source with id ${id}`);
    this.sources.splice(i, 1);
  }

  /** Changes a source's rate and end from now on; the puffs it already released keep their mass. */
  setSource(id: number, gPerS: number, endS: number): void {
    const s = this.sources.find((x) => x.id === id);
    if (!s) throw new Error(`PuffModel.setSource: no source with id ${id}`);
    if (!(gPerS >= 0 && Number.isFinite(gPerS))) throw new RangeError(`PuffModel.setSource(${id}): gPerS must be ≥ 0, got ${gPerS}`);
    s.gPerS = gPerS;
    s.endS = Math.max(s.startS, endS);
  }

  /** The box (local metres) holding the puffs of `substance` to `sigmas` σy around their centres, or undefined when it has none in the air. */
  extentOf(substance: number, sigmas: number): PuffBounds | undefined {
    const { x, y, sigmaYM, substance: sub } = this.columns();
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < this.n; i++) {
      if (sub[i] !== substance) continue;
      const r = sigmas * sigmaYM[i] + 1;
      minX = Math.min(minX, x[i] - r);
      minY = Math.min(minY, y[i] - r);
      maxX = Math.max(maxX, x[i] + r);
      maxY = Math.max(maxY, y[i] + r);
    }
    return minX === Infinity ? undefined : { minX, minY, maxX, maxY };
  }

  /** Advances `dtS` seconds: moves, lifts and spreads every puff, releases the puffs due, drops the spent ones. */
  step(dtS: number, weather: PuffWeather, terrain: Terrain): void {
    if (!(dtS > 0 && Number.isFinite(dtS))) throw new RangeError(`PuffModel.step: dtS must be > 0, got ${dtS}`);
    const t0 = this.timeSValue;
    const tEnd = t0 + dtS;
    for (let i = 0; i < this.n; i++) this.advance(i, dtS, weather, terrain);

    const interval = this.releaseIntervalS;
    for (const s of this.sources) {
      for (;;) {
        const tRelease = s.startS + s.emitted * interval;
        if (tRelease >= tEnd || tRelease >= s.endS) break;
        // The last puff carries only what is emitted before endS, so the total is exactly gPerS·(endS − startS).
        const massG = s.gPerS * (Math.min(tRelease + interval, s.endS) - tRelease);
        this.advance(this.push(s, massG), tEnd - tRelease, weather, terrain);
        s.emitted++;
      }
    }

    this.timeSValue = tEnd;
    this.mixingHeightM = weather.mixingHeightM;
    this.cull();
  }

  /**
   * Adds every puff of `substance` to a ground grid of µg/m³: cell (col, row) at index row·cols + col,
   * centred at (originX + (col + ½)·cellSizeM, originY + (row + ½)·cellSizeM), evaluated at
   * `receptorHeightM`. Each puff touches the cells within ±4σy of it. Its horizontal factor is
   * separable, exp(−dx²/2σ²)·exp(−dy²/2σ²), so the exponentials are taken once per column and per
   * row and each cell costs one multiply-add.
   */
  addGroundGrid(
    out: Float32Array,
    cols: number,
    rows: number,
    originX: number,
    originY: number,
    cellSizeM: number,
    substance: number,
    receptorHeightM = 1.5,
  ): void {
    if (out.length < cols * rows)
      throw new RangeError(`PuffModel.addGroundGrid: out holds ${out.length} cells, fewer than ${cols}×${rows}`);
    if (this.scratchX.length < cols) this.scratchX = new Float64Array(cols);
    if (this.scratchY.length < rows) this.scratchY = new Float64Array(rows);
    const fx = this.scratchX;
    const fy = this.scratchY;
    const { x: px, y: py, massG: mass, effectiveHeightM: h, sigmaYM: sy, sigmaZM: sz, substance: sub } = this.columns();
    const l = this.mixingHeightM;
    const inv = 1 / cellSizeM;
    let evaluations = 0;
    for (let i = 0; i < this.n; i++) {
      if (sub[i] !== substance) continue;
      const s = sy[i];
      const reach = GRID_REACH_SIGMAS * s;
      const c0 = Math.max(0, Math.ceil((px[i] - reach - originX) * inv - 0.5));
      const c1 = Math.min(cols - 1, Math.floor((px[i] + reach - originX) * inv - 0.5));
      const r0 = Math.max(0, Math.ceil((py[i] - reach - originY) * inv - 0.5));
      const r1 = Math.min(rows - 1, Math.floor((py[i] + reach - originY) * inv - 0.5));
      if (c0 > c1 || r0 > r1) continue;
      const v = verticalTerm(receptorHeightM, h[i], sz[i], l);
      if (v === 0) continue;
      const amplitude = ((UG_PER_G * mass[i]) / (TWO_PI_1_5 * s * s * sz[i])) * v;
      const k = -1 / (2 * s * s);
      for (let c = c0; c <= c1; c++) {
        const d = originX + (c + 0.5) * cellSizeM - px[i];
        fx[c] = Math.exp(k * d * d);
      }
      for (let r = r0; r <= r1; r++) {
        const d = originY + (r + 0.5) * cellSizeM - py[i];
        fy[r] = amplitude * Math.exp(k * d * d);
      }
      for (let r = r0; r <= r1; r++) {
        const a = fy[r];
        const row = r * cols;
        for (let c = c0; c <= c1; c++) out[row + c] += a * fx[c];
      }
      evaluations += (c1 - c0 + 1) * (r1 - r0 + 1);
    }
    this.evaluations += evaluations;
  }

  /** Concentration of `substance` at one point (x east, y north, zM above ground), µg/m³. */
  concentrationAt(x: number, y: number, zM: number, substance: number): number {
    const { x: px, y: py, massG: mass, effectiveHeightM: h, sigmaYM: sy, sigmaZM: sz, substance: sub } = this.columns();
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      if (sub[i] !== substance) continue;
      sum += puffConcentration({
        massG: mass[i],
        dxM: x - px[i],
        dyM: y - py[i],
        effectiveHeightM: h[i],
        sigmaYM: sy[i],
        sigmaZM: sz[i],
        receptorHeightM: zM,
        mixingHeightM: this.mixingHeightM,
      });
    }
    return sum;
  }

  /** The whole state as plain data (typed arrays copied), for checkpoints. */
  snapshot(): PuffModelSnapshot {
    const puffs = {} as Record<Field, Float64Array>;
    FIELDS.forEach((name, f) => (puffs[name] = this.cols[f].slice(0, this.n)));
    return {
      timeS: this.timeSValue,
      mixingHeightM: this.mixingHeightM,
      sources: this.sources.map((s) => ({ ...s })),
      count: this.n,
      puffs,
    };
  }

  /** Replaces the state with a snapshot's; a model built with the same options then continues exactly as the original. */
  restore(snapshot: PuffModelSnapshot): void {
    this.timeSValue = snapshot.timeS;
    this.mixingHeightM = snapshot.mixingHeightM;
    for (const name of FIELDS)
      if (!(snapshot.puffs[name]?.length >= snapshot.count))
        throw new Error(`PuffModel.restore: puffs.${name} holds fewer than the ${snapshot.count} puffs counted`);
    this.sources = snapshot.sources.map((s) => ({ ...s }));
    this.n = 0;
    this.ensureCapacity(snapshot.count);
    FIELDS.forEach((name, f) => this.cols[f].set(snapshot.puffs[name].subarray(0, snapshot.count)));
    this.n = snapshot.count;
  }

  /** Appends a new puff at the source, returning its index. */
  private push(s: PuffSourceState, massG: number): number {
    this.ensureCapacity(this.n + 1);
    const i = this.n++;
    const c = this.cols;
    c[F.x][i] = s.x;
    c[F.y][i] = s.y;
    c[F.travelM][i] = 0;
    c[F.massG][i] = massG;
    c[F.stackHeightM][i] = s.heightM;
    c[F.effectiveHeightM][i] = s.heightM;
    c[F.sigmaYM][i] = this.initialSigmaM;
    c[F.sigmaZM][i] = this.initialSigmaM;
    // NaN marks a missing exit figure: plumeRise gives such a release no rise.
    c[F.exitVelocityMs][i] = s.exitVelocityMs ?? NaN;
    c[F.exitTempK][i] = s.exitTempK ?? NaN;
    c[F.diameterM][i] = s.diameterM ?? NaN;
    c[F.substance][i] = s.substance;
    return i;
  }

  /** Moves puff i for `seconds` with the wind at its height, then updates its rise and spread. */
  private advance(i: number, seconds: number, w: PuffWeather, terrain: Terrain): void {
    const c = this.cols;
    const u = windAtHeight(w.windSpeed10Ms, c[F.effectiveHeightM][i], w.stability, terrain);
    const distance = u * seconds;
    const from = w.windFromDeg * DEG;
    // The wind blows toward from + 180°: east component −sin, north component −cos.
    c[F.x][i] -= Math.sin(from) * distance;
    c[F.y][i] -= Math.cos(from) * distance;
    const travel = (c[F.travelM][i] += distance);

    const rise = this.riseInput;
    rise.stackHeightM = c[F.stackHeightM][i];
    rise.diameterM = c[F.diameterM][i];
    rise.exitVelocityMs = c[F.exitVelocityMs][i];
    rise.exitTempK = c[F.exitTempK][i];
    rise.ambientTempK = w.ambientTempK;
    rise.windAtStackMs = windAtHeight(w.windSpeed10Ms, rise.stackHeightM, w.stability, terrain);
    rise.stability = w.stability;
    rise.downwindM = travel;
    c[F.effectiveHeightM][i] = rise.stackHeightM + plumeRise(rise);

    const s0 = this.initialSigmaM;
    c[F.sigmaYM][i] = Math.max(c[F.sigmaYM][i], Math.hypot(sigmaY(travel, w.stability, terrain), s0));
    c[F.sigmaZM][i] = Math.max(c[F.sigmaZM][i], Math.hypot(sigmaZ(travel, w.stability, terrain), s0));
  }

  /**
   * Drops, keeping the order of the rest, puffs far outside the bounds and puffs that can no longer
   * matter: their largest possible ground contribution, now or later, is below the threshold. As σ
   * only grows, M/(2π·σy²)·(2/(√(2π)·σz) + 1/L) bounds it: a reflected Gaussian's image sum is at
   * most its peak plus its integral over the image spacing.
   */
  private cull(): void {
    const { x: px, y: py, massG: mass, sigmaYM: sy, sigmaZM: sz } = this.columns();
    const b = this.bounds;
    const m = this.dropOutsideM;
    const lidDensity = this.mixingHeightM === Infinity ? 0 : 1 / this.mixingHeightM;
    let kept = 0;
    for (let i = 0; i < this.n; i++) {
      const outside =
        b !== undefined && (px[i] < b.minX - m || px[i] > b.maxX + m || py[i] < b.minY - m || py[i] > b.maxY + m);
      const peakBound =
        ((UG_PER_G * mass[i]) / (TWO_PI * sy[i] * sy[i])) * (2 / (SQRT_2PI * sz[i]) + lidDensity);
      if (outside || peakBound < this.dropBelowUgM3) continue;
      if (kept !== i) for (const col of this.cols) col[kept] = col[i];
      kept++;
    }
    this.n = kept;
  }

  /** The columns by name, for loops that read several of them. */
  private columns(): Record<Field, Float64Array> {
    const named = {} as Record<Field, Float64Array>;
    FIELDS.forEach((name, f) => (named[name] = this.cols[f]));
    return named;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    this.cols = this.cols.map((old) => {
      const grown = new Float64Array(capacity);
      grown.set(old.subarray(0, this.n));
      return grown;
    });
    this.capacity = capacity;
  }
}
