import { meanOverHalfClass, type Stability, type WholeStability } from './stability.ts';

/** Which dispersion curves apply: built-up (Briggs urban) or open country (Pasquill–Gifford as in ISC3). */
export type Terrain = 'urban' | 'rural';

/** Below 1 m the curves are meaningless (and the rural σy takes ln x), so shorter distances read as 1 m. */
const MIN_DISTANCE_M = 1;

/**
 * Rural σy constants c, d (degrees) by class, for σy = 465.11628·x·tan(0.017453293·(c − d·ln x)),
 * x in km: ISC3 User's Guide vol. II (EPA-454/B-95-003b), §1.1.5, Table 1-1.
 */
const RURAL_SIGMA_Y: Record<WholeStability, readonly [c: number, d: number]> = {
  A: [24.167, 2.5334],
  B: [18.333, 1.8096],
  C: [12.5, 1.0857],
  D: [8.333, 0.72382],
  E: [6.25, 0.54287],
  F: [4.1667, 0.36191],
};

/**
 * Rural σz = a·x^b (x in km), as bands [upper bound km, a, b]: ISC3 User's Guide vol. II
 * (EPA-454/B-95-003b), §1.1.5, Table 1-2. The table prints its bands to 0.01 km (D: "< 0.30",
 * "0.31–1.00", …); we read them as (previous bound, bound], so a distance on a bound belongs to the
 * band it closes. The curves meet there within 0.05 %, so the choice hardly shows.
 */
const RURAL_SIGMA_Z: Record<WholeStability, readonly (readonly [upperKm: number, a: number, b: number])[]> = {
  A: [
    [0.1, 122.8, 0.9447],
    [0.15, 158.08, 1.0542],
    [0.2, 170.22, 1.0932],
    [0.25, 179.52, 1.1262],
    [0.3, 217.41, 1.2644],
    [0.4, 258.89, 1.4094],
    [0.5, 346.75, 1.7283],
    [Infinity, 453.85, 2.1166], // reaches the 5000 m cap at 3.11 km, as ISC3's table says
  ],
  B: [
    [0.2, 90.673, 0.93198],
    [0.4, 98.483, 0.98332],
    [Infinity, 109.3, 1.0971],
  ],
  C: [[Infinity, 61.141, 0.91465]],
  D: [
    [0.3, 34.459, 0.86974],
    [1, 32.093, 0.81066],
    [3, 32.093, 0.64403],
    [10, 33.504, 0.60486],
    [30, 36.65, 0.56589],
    [Infinity, 44.053, 0.51179],
  ],
  E: [
    [0.1, 24.26, 0.8366],
    [0.3, 23.331, 0.81956],
    [1, 21.628, 0.7566],
    [2, 21.628, 0.63077],
    [4, 22.534, 0.57154],
    [10, 24.703, 0.50527],
    [20, 26.97, 0.46713],
    [40, 35.42, 0.37615],
    [Infinity, 47.618, 0.29592],
  ],
  F: [
    [0.2, 15.209, 0.81558],
    [0.7, 14.457, 0.78407],
    [1, 13.953, 0.68465],
    [2, 13.953, 0.63227],
    [3, 14.823, 0.54503],
    [7, 16.187, 0.4649],
    [15, 17.836, 0.41507],
    [30, 22.651, 0.32681],
    [60, 27.074, 0.27436],
    [Infinity, 34.219, 0.21716],
  ],
};

/** ISC3 caps rural σz at 5000 m (User's Guide vol. II, §1.1.5, note to Table 1-2). */
const RURAL_SIGMA_Z_MAX_M = 5000;

/**
 * Briggs's urban curves (Briggs 1973 as given by Gifford 1976, fitted to McElroy & Pooler 1968's
 * St. Louis data; ISC3 vol. II Tables 1-3, 1-4), x in metres, by class group A–B, C, D, E–F:
 * σy = ky·x·(1 + 0.0004 x)^-½; σz = kz·x·(1 + m·x)^n.
 */
const URBAN: Record<WholeStability, { ky: number; kz: number; m: number; n: number }> = {
  A: { ky: 0.32, kz: 0.24, m: 0.001, n: 0.5 },
  B: { ky: 0.32, kz: 0.24, m: 0.001, n: 0.5 },
  C: { ky: 0.22, kz: 0.2, m: 0, n: 0 },
  D: { ky: 0.16, kz: 0.14, m: 0.0003, n: -0.5 },
  E: { ky: 0.11, kz: 0.08, m: 0.0015, n: -0.5 },
  F: { ky: 0.11, kz: 0.08, m: 0.0015, n: -0.5 },
};

function wholeSigmaY(xM: number, stability: WholeStability, terrain: Terrain): number {
  if (terrain === 'urban') return (URBAN[stability].ky * xM) / Math.sqrt(1 + 0.0004 * xM);
  const xKm = xM / 1000;
  const [c, d] = RURAL_SIGMA_Y[stability];
  return 465.11628 * xKm * Math.tan(0.017453293 * (c - d * Math.log(xKm)));
}

function wholeSigmaZ(xM: number, stability: WholeStability, terrain: Terrain): number {
  if (terrain === 'urban') {
    const { kz, m, n } = URBAN[stability];
    return kz * xM * (1 + m * xM) ** n;
  }
  const xKm = xM / 1000;
  const bands = RURAL_SIGMA_Z[stability];
  let band = 0;
  while (xKm > bands[band][0]) band++;
  return Math.min(RURAL_SIGMA_Z_MAX_M, bands[band][1] * xKm ** bands[band][2]);
}

/**
 * Crosswind spread σy (m) at `xM` metres downwind. Half classes take the mean of their two
 * neighbours' σ (Pasquill's advice for the half classes of his table); x below 1 m reads as 1 m.
 */
export function sigmaY(xM: number, stability: Stability, terrain: Terrain): number {
  const x = Math.max(MIN_DISTANCE_M, xM);
  return meanOverHalfClass(stability, (s) => wholeSigmaY(x, s, terrain));
}

/** Vertical spread σz (m) at `xM` metres downwind; half classes and short distances as {@link sigmaY}. */
export function sigmaZ(xM: number, stability: Stability, terrain: Terrain): number {
  const x = Math.max(MIN_DISTANCE_M, xM);
  return meanOverHalfClass(stability, (s) => wholeSigmaZ(x, s, terrain));
}
