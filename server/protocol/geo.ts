/** WGS84 geodesy: geodetic ↔ ECEF ↔ local east-north-up, and the ENU frame as a 4×4 matrix. */

const A = 6378137.0;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const B = A * (1 - F);
const EP2 = (A * A - B * B) / (B * B);
const DEG = Math.PI / 180;

export type Vec3 = [number, number, number];

export interface Geodetic {
  lon: number;
  lat: number;
  height: number;
}

/** Geodetic degrees and metres → Earth-centred Earth-fixed metres. */
export function geodeticToEcef({ lon, lat, height }: Geodetic): Vec3 {
  const l = lon * DEG;
  const p = lat * DEG;
  const sinP = Math.sin(p);
  const n = A / Math.sqrt(1 - E2 * sinP * sinP);
  return [
    (n + height) * Math.cos(p) * Math.cos(l),
    (n + height) * Math.cos(p) * Math.sin(l),
    (n * (1 - E2) + height) * sinP,
  ];
}

/** ECEF metres → geodetic degrees and metres (Bowring, then one refinement; sub-millimetre on Earth). */
export function ecefToGeodetic([x, y, z]: Vec3): Geodetic {
  const p = Math.hypot(x, y);
  const theta = Math.atan2(z * A, p * B);
  let lat = Math.atan2(z + EP2 * B * Math.sin(theta) ** 3, p - E2 * A * Math.cos(theta) ** 3);
  let n = A / Math.sqrt(1 - E2 * Math.sin(lat) ** 2);
  let height = p / Math.cos(lat) - n;
  lat = Math.atan2(z, p * (1 - (E2 * n) / (n + height)));
  n = A / Math.sqrt(1 - E2 * Math.sin(lat) ** 2);
  height = p / Math.cos(lat) - n;
  return { lon: Math.atan2(y, x) / DEG, lat: lat / DEG, height };
}

/** The east-north-up frame at an origin: a column-major 4×4 matrix from local metres to ECEF (a 3D Tiles transform). */
export function enuToEcefMatrix(origin: Geodetic): number[] {
  const l = origin.lon * DEG;
  const p = origin.lat * DEG;
  const east = [-Math.sin(l), Math.cos(l), 0];
  const north = [-Math.sin(p) * Math.cos(l), -Math.sin(p) * Math.sin(l), Math.cos(p)];
  const up = [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)];
  const o = geodeticToEcef(origin);
  return [...east, 0, ...north, 0, ...up, 0, ...o, 1];
}

/** Local ENU metres at an origin → geodetic. */
export function enuToGeodetic(origin: Geodetic, [e, n, u]: Vec3): Geodetic {
  const m = enuToEcefMatrix(origin);
  return ecefToGeodetic([
    m[0] * e + m[4] * n + m[8] * u + m[12],
    m[1] * e + m[5] * n + m[9] * u + m[13],
    m[2] * e + m[6] * n + m[10] * u + m[14],
  ]);
}

/** Geodetic → local ENU metres at an origin. */
export function geodeticToEnu(origin: Geodetic, point: Geodetic): Vec3 {
  const m = enuToEcefMatrix(origin);
  const [x, y, z] = geodeticToEcef(point);
  const d = [x - m[12], y - m[13], z - m[14]];
  // The rotation is orthonormal: its inverse is its transpose.
  return [
    m[0] * d[0] + m[1] * d[1] + m[2] * d[2],
    m[4] * d[0] + m[5] * d[1] + m[6] * d[2],
    m[8] * d[0] + m[9] * d[1] + m[10] * d[2],
  ];
}
