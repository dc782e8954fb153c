/** Gravity, m/s². */
const G = 9.81;
/** Bates et al. 2010 find the scheme stable for Δt = α Δx / √(g h_max) with α 0.2–0.7; the largest. */
const ALPHA = 0.7;
/** Longest sub-step, s: shallow sheet flow on slopes needs no longer. */
export const MAX_SUBSTEP_S = 10;
/** Wetting and drying: no flow through a face whose flow depth is below this, metres (LISFLOOD-FP's usual 1 mm). */
export const FLOW_DEPTH_MIN_M = 0.001;
/**
 * The local-inertial equations leave out advection, so they go unstable in fast, shallow,
 * supercritical flow; as LISFLOOD-FP's Froude limit does, a face carries at most critical flow.
 */
const FROUDE_MAX = 1;

/** What the solver is given once: the bed, the roughness and the losses, per cell. */
export interface ShallowWaterSetup {
  cols: number;
  rows: number;
  cellM: number;
  /** Bed elevation, metres. */
  z: Float32Array;
  /** Manning's n, s/m^(1/3). */
  manningN: Float32Array;
  /** Most water the cell loses to drains or the soil, m/s (of depth). */
  lossRate: Float32Array;
  /** 1 where the cell's losses soak into the soil (infiltration), 0 where they go down the drains. */
  soaks: Float32Array;
  /** Cells that take away all water reaching them (river, reservoir); counted as outflow. */
  sinks: Int32Array;
}

/** The solver's state: enough to continue identically. Volumes are in metres of depth over one cell. */
export interface ShallowWaterState {
  /** Water depth per cell, metres. */
  h: Float64Array;
  /** Flux per unit width through the west face of each cell (rows × (cols + 1)), m²/s, east positive. */
  qx: Float32Array;
  /** Flux per unit width through the south face of each cell ((rows + 1) × cols), m²/s, north positive. */
  qy: Float32Array;
  /** Per row, the first and last column holding water, rain or a live flux; lo > hi when none. */
  lo: Int32Array;
  hi: Int32Array;
  /** Deepest water at the end of the last sub-step, metres: it sets the next Δt. */
  hMax: number;
  rain: number;
  drained: number;
  infiltrated: number;
  outflow: number;
}

/**
 * Shallow water on a raster by the local-inertial scheme of Bates, Horritt and Fewtrell (2010,
 * J. Hydrology 387, 33–45, eq. 11): per face
 *   q(t+Δt) = [q − g h_f Δt ∂(h+z)/∂x] / [1 + g Δt n² |q| / h_f^(7/3)],  h_f = max(η_i, η_j) − max(z_i, z_j),
 * then continuity. A face never takes more than a quarter of what its upwind cell holds (each cell
 * has four), so depths stay non-negative and water is conserved to rounding. The domain's edge is
 * open where the ground falls outward: water leaves there at the local bed slope, like
 * LISFLOOD-FP's free boundary. Rows keep the span of columns that hold water or rain, and only
 * cells within one of a wet cell are updated: dry land costs nothing.
 */
export class ShallowWater {
  readonly cols: number;
  readonly rows: number;
  readonly cellM: number;
  readonly z: Float32Array;
  readonly sinks: Int32Array;
  private readonly lossRate: Float32Array;
  private readonly soaks: Float32Array;
  /** g n² on each x face and y face (the faces' n² is the mean of the two cells'). */
  private readonly gn2x: Float32Array;
  private readonly gn2y: Float32Array;
  /** Outward bed slope at the west, east (per row), south and north (per column) edges; 0 where the ground rises outward. */
  private readonly slopeW: Float32Array;
  private readonly slopeE: Float32Array;
  private readonly slopeS: Float32Array;
  private readonly slopeN: Float32Array;
  private readonly edgeGn2W: Float32Array;
  private readonly edgeGn2E: Float32Array;
  private readonly edgeGn2S: Float32Array;
  private readonly edgeGn2N: Float32Array;
  /** Rain now, m/s per cell, and its sum. */
  private rainField: Float32Array;
  private rainSum = 0;
  /** Work ranges of the sub-step in progress. */
  private readonly wlo: Int32Array;
  private readonly whi: Int32Array;
  state: ShallowWaterState;
  /** Cell updates done (cells × sub-steps), for the bench. */
  cellUpdates = 0;

  constructor(setup: ShallowWaterSetup) {
    const { cols, rows, z, manningN } = setup;
    if (z.length !== cols * rows || manningN.length !== z.length || setup.lossRate.length !== z.length || setup.soaks.length !== z.length) {
      throw new Error(`ShallowWater: per-cell arrays must hold cols × rows = ${cols * rows} values`);
    }
    this.cols = cols;
    this.rows = rows;
    this.cellM = setup.cellM;
    this.z = z;
    this.sinks = setup.sinks;
    this.lossRate = setup.lossRate;
    this.soaks = setup.soaks;
    const gn2 = (i: number, j: number): number => (G * (manningN[i] ** 2 + manningN[j] ** 2)) / 2;
    this.gn2x = new Float32Array(rows * (cols + 1));
    this.gn2y = new Float32Array((rows + 1) * cols);
    for (let r = 0; r < rows; r++) for (let c = 1; c < cols; c++) this.gn2x[r * (cols + 1) + c] = gn2(r * cols + c - 1, r * cols + c);
    for (let r = 1; r < rows; r++) for (let c = 0; c < cols; c++) this.gn2y[r * cols + c] = gn2((r - 1) * cols + c, r * cols + c);
    const dx = setup.cellM;
    const outward = (edge: number, inner: number): number => (inner < 0 ? 0 : Math.max(0, (z[inner] - z[edge]) / dx));
    this.slopeW = Float32Array.from({ length: rows }, (_, r) => outward(r * cols, cols > 1 ? r * cols + 1 : -1));
    this.slopeE = Float32Array.from({ length: rows }, (_, r) => outward(r * cols + cols - 1, cols > 1 ? r * cols + cols - 2 : -1));
    this.slopeS = Float32Array.from({ length: cols }, (_, c) => outward(c, rows > 1 ? cols + c : -1));
    this.slopeN = Float32Array.from({ length: cols }, (_, c) => outward((rows - 1) * cols + c, rows > 1 ? (rows - 2) * cols + c : -1));
    this.edgeGn2W = Float32Array.from({ length: rows }, (_, r) => gn2(r * cols, r * cols));
    this.edgeGn2E = Float32Array.from({ length: rows }, (_, r) => gn2(r * cols + cols - 1, r * cols + cols - 1));
    this.edgeGn2S = Float32Array.from({ length: cols }, (_, c) => gn2(c, c));
    this.edgeGn2N = Float32Array.from({ length: cols }, (_, c) => gn2((rows - 1) * cols + c, (rows - 1) * cols + c));
    this.rainField = new Float32Array(cols * rows);
    this.wlo = new Int32Array(rows);
    this.whi = new Int32Array(rows);
    this.state = {
      h: new Float64Array(cols * rows),
      qx: new Float32Array(rows * (cols + 1)),
      qy: new Float32Array((rows + 1) * cols),
      lo: new Int32Array(rows).fill(cols),
      hi: new Int32Array(rows).fill(-1),
      hMax: 0,
      rain: 0,
      drained: 0,
      infiltrated: 0,
      outflow: 0,
    };
  }

  /** Sets the rain falling from now on, m/s per cell (the solver keeps the array; do not change it afterwards). */
  setRain(field: Float32Array): void {
    const { state, cols } = this;
    let sum = 0;
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = field[r * cols + c];
        if (v <= 0) continue;
        sum += v;
        // Raining cells are live from now on.
        if (c < state.lo[r]) state.lo[r] = c;
        if (c > state.hi[r]) state.hi[r] = c;
      }
    }
    this.rainField = field;
    this.rainSum = sum;
  }

  /** Water on the grid now, metres of depth summed over cells. */
  storedDepth(): number {
    let sum = 0;
    const { h } = this.state;
    for (let i = 0; i < h.length; i++) sum += h[i];
    return sum;
  }

  /** Advances the water by `seconds`, in as many stable sub-steps as it needs. */
  advance(seconds: number): void {
    let left = seconds;
    while (left > 0) {
      const hMax = this.state.hMax;
      let dt = MAX_SUBSTEP_S;
      if (hMax > 0) dt = Math.min(dt, (ALPHA * this.cellM) / Math.sqrt(G * hMax));
      const last = dt >= left - 1e-9;
      const step = last ? left : dt;
      this.substep(step);
      left = last ? 0 : left - step;
    }
  }

  /**
   * One sub-step of Δt seconds: the fluxes from the depths at its start, then continuity, in one
   * sweep from the south: row r's x faces and the y faces above it only read rows r and r + 1,
   * which continuity has not reached yet.
   */
  private substep(dt: number): void {
    const { cols, rows, wlo, whi, state, z, gn2x, gn2y, lossRate, soaks } = this;
    const { h, qx, qy, lo, hi } = state;
    if (!this.workRanges()) {
      state.rain += this.rainSum * dt;
      return;
    }
    const rain = this.rainField;
    const dx = this.cellM;
    const gdtDx = (G * dt) / dx;
    const cap = dx / (4 * dt);
    const dtDx = dt / dx;
    const stride = cols + 1;
    // The south edge's faces first: continuity of row 0 reads them.
    for (let c = wlo[0]; c <= whi[0]; c++) qy[c] = -this.edgeFlux(qy[c], h[c], this.slopeS[c], this.edgeGn2S[c], dt);
    let hMax = 0;
    let lost = 0;
    let soaked = 0;
    let updates = 0;
    for (let r = 0; r < rows; r++) {
      const a = wlo[r];
      const b = whi[r];
      const base = r * cols;
      if (a <= b) {
        const fbase = r * stride;
        const c1 = b + 1 < cols - 1 ? b + 1 : cols - 1;
        const c0 = a > 1 ? a : 1;
        faceRun(qx, gn2x, fbase + c0, base + c0 - 1, c1 - c0 + 1, 1, z, h, dt, gdtDx, cap);
        if (a === 0) qx[fbase] = -this.edgeFlux(qx[fbase], h[base], this.slopeW[r], this.edgeGn2W[r], dt);
        if (b === cols - 1) qx[fbase + cols] = this.edgeFlux(qx[fbase + cols], h[base + cols - 1], this.slopeE[r], this.edgeGn2E[r], dt);
      }
      // Faces between this row (i) and the next (j), for the columns either works on.
      if (r + 1 < rows) {
        const ya = a < wlo[r + 1] ? a : wlo[r + 1];
        const yb = b > whi[r + 1] ? b : whi[r + 1];
        faceRun(qy, gn2y, base + cols + ya, base + ya, yb - ya + 1, cols, z, h, dt, gdtDx, cap);
      } else {
        for (let c = a; c <= b; c++) qy[base + cols + c] = this.edgeFlux(qy[base + cols + c], h[base + c], this.slopeN[c], this.edgeGn2N[c], dt);
      }
      // Continuity, and the span of live cells for the next sub-step.
      let first = cols;
      let lastLive = -1;
      if (a <= b) {
        updates += b - a + 1;
        const fx = r * stride;
        for (let c = a; c <= b; c++) {
          const i = base + c;
          const ho = h[i];
          const fall = rain[i] * dt;
          let hn = ho + dtDx * (qx[fx + c] - qx[fx + c + 1] + qy[i] - qy[i + cols]) + fall;
          if (hn > 0) {
            const most = lossRate[i] * dt;
            const l = hn < most ? hn : most;
            hn -= l;
            lost += l;
            soaked += l * soaks[i];
          } else hn = 0;
          h[i] = hn;
          if (hn > hMax) hMax = hn;
          if (hn > 0 || ho > 0 || fall > 0) {
            if (c < first) first = c;
            lastLive = c;
          }
        }
      }
      lo[r] = first;
      hi[r] = lastLive;
    }
    let out = 0;
    for (const i of this.sinks) {
      out += h[i];
      h[i] = 0;
    }
    state.rain += this.rainSum * dt;
    state.outflow += out;
    state.drained += lost - soaked;
    state.infiltrated += soaked;
    state.hMax = hMax;
    this.cellUpdates += updates;
  }

  /** Each row's work range: its live span and its neighbours', widened by a cell; false when nothing is live. */
  private workRanges(): boolean {
    const { cols, rows, wlo, whi } = this;
    const { lo, hi } = this.state;
    let any = false;
    for (let r = 0; r < rows; r++) {
      let a = lo[r];
      let b = hi[r];
      if (r > 0) {
        a = Math.min(a, lo[r - 1]);
        b = Math.max(b, hi[r - 1]);
      }
      if (r + 1 < rows) {
        a = Math.min(a, lo[r + 1]);
        b = Math.max(b, hi[r + 1]);
      }
      wlo[r] = Math.max(0, a - 1);
      whi[r] = Math.min(cols - 1, b + 1);
      if (wlo[r] <= whi[r]) any = true;
    }
    return any;
  }

  /**
   * The new outflow through an open edge face, m²/s outward (≥ 0), counted as outflow: the face
   * update with the water surface falling outward at the bed slope, so a steady outflow is
   * Manning's normal flow. `now` is the face's flux (only its size matters: it only ever flows out).
   */
  private edgeFlux(now: number, h: number, slope: number, gn2: number, dt: number): number {
    if (slope <= 0 || h <= FLOW_DEPTH_MIN_M) return 0;
    const q0 = Math.abs(now);
    let q = ((q0 + G * h * dt * slope) * h * h) / (h * h + dt * gn2 * q0 * invCbrt(h));
    const m = Math.min(FROUDE_MAX * h * Math.sqrt(G * h), (h * this.cellM) / (4 * dt));
    if (q > m) q = m;
    this.state.outflow += (q * dt) / this.cellM;
    return q;
  }
}

/**
 * Updates `count` faces in a row: face f0 + k joins cell i = i0 + k to cell j = i + dj, its flux
 * positive from i to j. Per face, Bates et al. 2010 eq. 11, then no more than critical flow and no
 * more than a quarter of what the upwind cell holds. One flat loop, the cube root written out in
 * it: a call in this loop (Math.cbrt, or a helper V8 declines to inline) costs more than the rest.
 */
function faceRun(q: Float32Array, gn2: Float32Array, f0: number, i0: number, count: number, dj: number, z: Float32Array, h: Float64Array, dt: number, gdtDx: number, cap: number): void {
  for (let k = 0; k < count; k++) {
    const f = f0 + k;
    const i = i0 + k;
    const zi = z[i];
    const zj = z[i + dj];
    const hi = h[i];
    const hj = h[i + dj];
    const ei = zi + hi;
    const ej = zj + hj;
    const hf = (ei > ej ? ei : ej) - (zi > zj ? zi : zj);
    if (hf <= FLOW_DEPTH_MIN_M) {
      q[f] = 0;
      continue;
    }
    // hf^(−1/3), as invCbrt.
    f32[0] = hf;
    i32[0] = 0x54a23200 - ((i32[0] / 3) | 0);
    let y = f32[0];
    y *= (4 - hf * y * y * y) * THIRD;
    y *= (4 - hf * y * y * y) * THIRD;
    // [q − g h_f Δt ∂η/∂x] / [1 + g Δt n² |q| / h_f^(7/3)], with h_f² above and below: one division.
    const q0 = q[f];
    const hf2 = hf * hf;
    const next = ((q0 - gdtDx * hf * (ej - ei)) * hf2) / (hf2 + dt * gn2[f] * Math.abs(q0) * y);
    const lim = Math.min(FROUDE_MAX * hf * Math.sqrt(G * hf), (next > 0 ? hi : hj) * cap);
    q[f] = Math.max(-lim, Math.min(lim, next));
  }
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const THIRD = 1 / 3;

/**
 * x^(−1/3) for x > 0, to 1.2e-5: a first guess from the bits of x as a float (its exponent and
 * mantissa scaled by −1/3, Lomont's trick; the constant minimises the guess's error, 3.4 %), then
 * two Newton steps, y ← y (4 − x y³) / 3. Multiplications only (faceRun has it written out). The
 * friction term needs no more: Manning's n itself is known to a few per cent.
 */
export function invCbrt(x: number): number {
  f32[0] = x;
  i32[0] = 0x54a23200 - ((i32[0] / 3) | 0);
  let y = f32[0];
  y *= (4 - x * y * y * y) * THIRD;
  return y * (4 - x * y * y * y) * THIRD;
}
