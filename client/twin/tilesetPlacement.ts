/**
 * Where an added tileset stands: the placement a user gives it (`?tileset=URL@lon,lat[,height[,headingDeg[,scale]]]`
 * or the layer panel's fields), the model matrix both views apply, and the real bounds after it,
 * which both views fly to. Plain numbers: nothing here knows Cesium or Three.
 */
import { ecefToGeodetic, enuToEcefMatrix, viewLookingAt } from './geo.ts';
import type { Vec3 } from './geo.ts';
import type { CameraView, LonLatHeight } from './types.ts';

/** A tileset moved to a place, turned and scaled about its anchor. */
export interface TilesetPlacement {
  lon: number;
  lat: number;
  /** Metres above the ellipsoid. */
  height: number;
  /** Degrees clockwise from north. */
  headingDeg: number;
  scale: number;
}

/** A tileset's root bounding sphere as its file puts it: ECEF centre, radius in metres. */
export interface NativeBounds {
  centre: Vec3;
  radius: number;
}

/**
 * Centres closer than this to the Earth's centre (metres) are local coordinates, not a place: no
 * real site is a thousand kilometres under the surface.
 */
const EARTH_CENTRE_RADIUS_M = 1_000_000;

/** True when a tileset has no place on Earth (local coordinates with no transform). */
export function atEarthCentre(bounds: NativeBounds): boolean {
  return Math.hypot(...bounds.centre) < EARTH_CENTRE_RADIUS_M;
}

/**
 * The point of a tileset that a placement moves to (lon, lat, height): the ellipsoid point under
 * its bounds' centre, or, at the Earth's centre, the origin of its local coordinates (null).
 */
export function tilesetAnchor(bounds: NativeBounds): LonLatHeight | null {
  if (atEarthCentre(bounds)) return null;
  const { lon, lat } = ecefToGeodetic(bounds.centre);
  return { lon, lat, height: 0 };
}

/** The placement that leaves a tileset where it is (its anchor, north up, its own size). */
export function placementOf(anchor: LonLatHeight): TilesetPlacement {
  return { lon: anchor.lon, lat: anchor.lat, height: anchor.height, headingDeg: 0, scale: 1 };
}

/** A placement's field, or `format` for a suffix that is not two to five numbers. */
export type PlacementField = 'format' | 'lon' | 'lat' | 'height' | 'headingDeg' | 'scale';

/** The first field of a placement that is out of range or not a number; null when it is a placement. */
export function placementProblem(p: TilesetPlacement): PlacementField | null {
  if (!(Math.abs(p.lon) <= 180)) return 'lon';
  if (!(Math.abs(p.lat) <= 90)) return 'lat';
  if (!Number.isFinite(p.height)) return 'height';
  if (!Number.isFinite(p.headingDeg)) return 'headingDeg';
  if (!(p.scale > 0 && Number.isFinite(p.scale))) return 'scale';
  return null;
}

/** A placement given with a URL that is not one: the text after `@` as given, and what is wrong with it. */
export interface PlacementError {
  value: string;
  field: PlacementField;
}

/** `?tileset=` as typed: the URL, and the placement after its last `@` when one is given. */
export interface TilesetInput {
  url: string;
  placement?: TilesetPlacement;
  /** Why the part after `@` is no placement; the URL is still good. */
  placementError?: PlacementError;
}

/**
 * Splits `URL@lon,lat[,height[,headingDeg[,scale]]]`. An `@` followed by a slash belongs to the URL
 * (`http://user@host/…`), so only a tail without one is read as a placement.
 */
export function parseTilesetInput(value: string): TilesetInput {
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0 || trimmed.slice(at).includes('/')) return { url: trimmed };
  const url = trimmed.slice(0, at);
  const tail = trimmed.slice(at + 1);
  const fail = (field: PlacementField): TilesetInput => ({ url, placementError: { value: tail, field } });
  const parts = tail.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.length > 5) return fail('format');
  const fields: PlacementField[] = ['lon', 'lat', 'height', 'headingDeg', 'scale'];
  const numbers = parts.map((s) => (s === '' ? NaN : Number(s)));
  const bad = numbers.findIndex((n) => !Number.isFinite(n));
  if (bad >= 0) return fail(fields[bad]);
  const [lon, lat, height = 0, headingDeg = 0, scale = 1] = numbers;
  const placement = { lon, lat, height, headingDeg, scale };
  const problem = placementProblem(placement);
  return problem ? fail(problem) : { url, placement };
}

type Mat4 = number[];

/** a × b, column-major 4×4. */
function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) out[c * 4 + r] += a[k * 4 + r] * b[c * 4 + k];
  return out;
}

/** The inverse of a rigid transform (rotation and translation), column-major. */
function invertRigid(m: Mat4): Mat4 {
  const t = [m[12], m[13], m[14]];
  const out = [m[0], m[4], m[8], 0, m[1], m[5], m[9], 0, m[2], m[6], m[10], 0, 0, 0, 0, 1];
  for (let r = 0; r < 3; r++) out[12 + r] = -(out[r] * t[0] + out[4 + r] * t[1] + out[8 + r] * t[2]);
  return out;
}

/** Applies a column-major 4×4 to a point. */
export function transformPoint(m: Mat4, [x, y, z]: Vec3): Vec3 {
  return [m[0] * x + m[4] * y + m[8] * z + m[12], m[1] * x + m[5] * y + m[9] * z + m[13], m[2] * x + m[6] * y + m[10] * z + m[14]];
}

/**
 * The model matrix (column-major, ECEF → ECEF) that puts a tileset's anchor at the placement,
 * turned by its heading about the local up and scaled about the anchor. With no anchor (local
 * coordinates) the tileset's own x, y, z become east, north, up at the place.
 */
export function placementMatrix(p: TilesetPlacement, anchor: LonLatHeight | null): Mat4 {
  const h = (-p.headingDeg * Math.PI) / 180;
  const [c, s, k] = [Math.cos(h), Math.sin(h), p.scale];
  const turnAndScale = [c * k, s * k, 0, 0, -s * k, c * k, 0, 0, 0, 0, k, 0, 0, 0, 0, 1];
  const placed = multiply(enuToEcefMatrix(p), turnAndScale);
  return anchor ? multiply(placed, invertRigid(enuToEcefMatrix(anchor))) : placed;
}

/** A tileset's bounds after its placement (its own when it has none): centre as lon/lat/height, radius in metres. */
export function placedBounds(bounds: NativeBounds, placement: TilesetPlacement | undefined): { centre: LonLatHeight; radius: number } {
  if (!placement) return { centre: ecefToGeodetic(bounds.centre), radius: bounds.radius };
  const m = placementMatrix(placement, tilesetAnchor(bounds));
  return { centre: ecefToGeodetic(transformPoint(m, bounds.centre)), radius: bounds.radius * placement.scale };
}

/** The camera view that shows bounds whole: from the south-south-west, 35° down, at 2.5 radii (200 m at least). */
export function viewOfBounds(bounds: { centre: LonLatHeight; radius: number }): CameraView {
  return viewLookingAt(bounds.centre, (20 * Math.PI) / 180, (-35 * Math.PI) / 180, Math.max(bounds.radius * 2.5, 200));
}

