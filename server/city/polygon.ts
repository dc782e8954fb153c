import type { Point2, Polygon, Ring } from './CityModel.ts';

/** Plane geometry on local-metre rings, shared by the generator, the importer and the tiles builder. */

/** Signed area of a ring, square metres: positive when counter-clockwise. */
export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum / 2;
}

/** The polygon with its outer ring counter-clockwise and its holes clockwise (the model's convention). */
export function orientPolygon(polygon: Polygon): Polygon {
  return polygon.map((ring, i) => {
    const ccw = signedArea(ring) > 0;
    return ccw === (i === 0) ? ring : [...ring].reverse();
  });
}

/** Area of a polygon, holes subtracted. */
export function polygonArea(polygon: Polygon): number {
  return polygon.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0);
}

/** Area-weighted centroid of a ring. */
export function ringCentroid(ring: Ring): Point2 {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += cross;
    cx += (ring[j][0] + ring[i][0]) * cross;
    cy += (ring[j][1] + ring[i][1]) * cross;
  }
  if (Math.abs(a) < 1e-9) {
    const n = ring.length;
    return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Even-odd point-in-ring test. */
export function pointInRing([x, y]: Point2, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Point in a polygon with holes. */
export function pointInPolygon(point: Point2, polygon: Polygon): boolean {
  if (!pointInRing(point, polygon[0])) return false;
  for (let i = 1; i < polygon.length; i++) if (pointInRing(point, polygon[i])) return false;
  return true;
}

export interface Box2 {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Bounding box of a set of rings. */
export function ringsBox(rings: Ring[]): Box2 {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < box.minX) box.minX = x;
      if (y < box.minY) box.minY = y;
      if (x > box.maxX) box.maxX = x;
      if (y > box.maxY) box.maxY = y;
    }
  }
  return box;
}

/** Length of a polyline, metres. */
export function polylineLength(points: Point2[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++) sum += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
  return sum;
}

/** Round to centimetres: the model's precision, so serialisation is stable. */
export function cm(value: number): number {
  return Math.round(value * 100) / 100;
}
