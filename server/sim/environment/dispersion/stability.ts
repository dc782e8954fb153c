/** A Pasquill–Gifford stability class, with Pasquill's half classes (A very unstable … F stable). */
export type Stability = 'A' | 'A-B' | 'B' | 'B-C' | 'C' | 'C-D' | 'D' | 'E' | 'F';

/** One of the six whole classes that the σ curves and wind-profile exponents are given for. */
export type WholeStability = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

const HALF_CLASS_NEIGHBOURS: Partial<Record<Stability, readonly [WholeStability, WholeStability]>> = {
  'A-B': ['A', 'B'],
  'B-C': ['B', 'C'],
  'C-D': ['C', 'D'],
};

/**
 * `f` of a class; for a half class (A-B, B-C, C-D) the mean of `f` over its two neighbours, since
 * the literature gives curves and exponents for whole classes only and Pasquill advises taking a
 * half class between its neighbours.
 */
export function meanOverHalfClass(stability: Stability, f: (whole: WholeStability) => number): number {
  const pair = HALF_CLASS_NEIGHBOURS[stability];
  return pair ? (f(pair[0]) + f(pair[1])) / 2 : f(stability as WholeStability);
}

const DEG = Math.PI / 180;

/**
 * The sun's elevation above the horizon in degrees, corrected for refraction, by NOAA's Solar
 * Calculator algorithm (NOAA ESRL Global Monitoring Laboratory "General Solar Position
 * Calculations" spreadsheet, after Meeus, Astronomical Algorithms 1991): about 0.1° or better for
 * years 1800–2100.
 */
export function solarElevationDeg(epochMs: number, latDeg: number, lonDeg: number): number {
  const julianDay = epochMs / 86_400_000 + 2_440_587.5;
  const t = (julianDay - 2_451_545) / 36_525; // Julian centuries since J2000.0
  const meanLongDeg = mod(280.46646 + t * (36000.76983 + t * 0.0003032), 360);
  const meanAnomDeg = 357.52911 + t * (35999.05029 - 0.0001537 * t);
  const eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
  const m = meanAnomDeg * DEG;
  const centreDeg =
    Math.sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
    Math.sin(2 * m) * (0.019993 - 0.000101 * t) +
    Math.sin(3 * m) * 0.000289;
  const omega = (125.04 - 1934.136 * t) * DEG;
  const apparentLongDeg = meanLongDeg + centreDeg - 0.00569 - 0.00478 * Math.sin(omega);
  const meanObliquityDeg = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliquity = (meanObliquityDeg + 0.00256 * Math.cos(omega)) * DEG;
  const declination = Math.asin(Math.sin(obliquity) * Math.sin(apparentLongDeg * DEG));

  const y = Math.tan(obliquity / 2) ** 2;
  const l0 = meanLongDeg * DEG;
  const equationOfTimeMin =
    (4 / DEG) *
    (y * Math.sin(2 * l0) -
      2 * eccentricity * Math.sin(m) +
      4 * eccentricity * y * Math.sin(m) * Math.cos(2 * l0) -
      0.5 * y * y * Math.sin(4 * l0) -
      1.25 * eccentricity * eccentricity * Math.sin(2 * m));
  const utcMinutes = mod(epochMs / 60_000, 1440);
  const trueSolarMin = mod(utcMinutes + equationOfTimeMin + 4 * lonDeg, 1440);
  const hourAngleDeg = trueSolarMin / 4 - 180;

  const lat = latDeg * DEG;
  const cosZenith =
    Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngleDeg * DEG);
  const elevationDeg = 90 - Math.acos(Math.min(1, Math.max(-1, cosZenith))) / DEG;
  return elevationDeg + refractionDeg(elevationDeg);
}

/** NOAA's approximate atmospheric refraction (degrees) at a true elevation, piecewise as the spreadsheet gives it. */
function refractionDeg(elevationDeg: number): number {
  if (elevationDeg > 85) return 0;
  const te = Math.tan(elevationDeg * DEG);
  let arcSec: number;
  if (elevationDeg > 5) arcSec = 58.1 / te - 0.07 / te ** 3 + 0.000086 / te ** 5;
  else if (elevationDeg > -0.575)
    arcSec = 1735 + elevationDeg * (-518.2 + elevationDeg * (103.4 + elevationDeg * (-12.79 + elevationDeg * 0.711)));
  else arcSec = -20.772 / te;
  return arcSec / 3600;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/**
 * Turner's insolation classes (Turner 1964, J. Appl. Meteor. 3:83, "net radiation index"):
 * 4 strong, 3 moderate, 2 slight, 1 weak, 0 neutral (overcast).
 */
type Insolation = 0 | 1 | 2 | 3 | 4;

/**
 * Pasquill's table as Turner's Workbook of Atmospheric Dispersion Estimates (1970, Table 1) gives
 * it, rows by 10 m wind (< 2, 2–3, 3–5, 5–6, ≥ 6 m/s), columns strong, moderate, slight insolation,
 * night ≥ 4/8 cloud, night ≤ 3/8 cloud. Night below 2 m/s with cloud is blank in Turner; F is the
 * usual reading (REFERENCES.md).
 */
const PASQUILL_TABLE: readonly (readonly Stability[])[] = [
  ['A', 'A-B', 'B', 'F', 'F'],
  ['A-B', 'B', 'C', 'E', 'F'],
  ['B', 'B-C', 'C', 'D', 'E'],
  ['C', 'C-D', 'D', 'D', 'D'],
  ['C', 'D', 'D', 'D', 'D'],
];

/** Input to {@link pasquillStability}. */
export interface StabilityInput {
  /** Wind speed at 10 m, m/s. */
  windSpeed10Ms: number;
  /** Sun's elevation above the horizon, degrees (see {@link solarElevationDeg}). */
  solarElevationDeg: number;
  /** Total cloud cover in oktas, 0 (clear) … 8 (overcast). */
  cloudOktas: number;
}

/**
 * The Pasquill–Gifford class from wind, sun and cloud by Turner's method. The rule, exactly:
 *
 * 1. Overcast (8/8), day or night → D (Turner's net radiation index 0).
 * 2. Night is when the sun is below the horizon (elevation ≤ 0°; Turner counts the hour around
 *    sunrise and sunset as night too, which we do not): ≥ 4/8 cloud → the "night cloudy" column,
 *    ≤ 3/8 → "night clear".
 * 3. By day the insolation comes from the sun's elevation (Turner 1964): > 60° strong, 35–60°
 *    moderate, 15–35° slight, ≤ 15° weak. Cloud of 5–7 oktas (Turner's "more than 5/10") lowers it
 *    one class: Turner lowers it by 2, 1 or 0 with ceiling below 7000 ft, 7000–16000 ft or higher;
 *    with no ceiling reported we take the middle case.
 * 4. Strong, moderate and slight read Pasquill's table; weak insolation is C below 2 m/s and D
 *    from 2 m/s up (Turner 1964's table for net radiation index 1); neutral (index 0) is D.
 *
 * A wind on a row boundary (2, 3, 5 or 6 m/s) reads the higher row.
 */
export function pasquillStability({ windSpeed10Ms, solarElevationDeg, cloudOktas }: StabilityInput): Stability {
  if (!(windSpeed10Ms >= 0)) throw new RangeError(`pasquillStability: windSpeed10Ms must be ≥ 0, got ${windSpeed10Ms}`);
  if (!(cloudOktas >= 0 && cloudOktas <= 8))
    throw new RangeError(`pasquillStability: cloudOktas must be in 0…8, got ${cloudOktas}`);
  if (!Number.isFinite(solarElevationDeg))
    throw new RangeError(`pasquillStability: solarElevationDeg must be finite, got ${solarElevationDeg}`);
  if (cloudOktas >= 8) return 'D';
  const row = windSpeed10Ms < 2 ? 0 : windSpeed10Ms < 3 ? 1 : windSpeed10Ms < 5 ? 2 : windSpeed10Ms < 6 ? 3 : 4;
  if (solarElevationDeg <= 0) return PASQUILL_TABLE[row][cloudOktas >= 4 ? 3 : 4];

  let insolation: Insolation =
    solarElevationDeg > 60 ? 4 : solarElevationDeg > 35 ? 3 : solarElevationDeg > 15 ? 2 : 1;
  if (cloudOktas > 4) insolation = (insolation - 1) as Insolation;
  if (insolation >= 2) return PASQUILL_TABLE[row][4 - insolation];
  if (insolation === 1) return windSpeed10Ms < 2 ? 'C' : 'D';
  return 'D';
}
