import type { Point2, Ring } from '../CityModel.ts';
import type { Box2 } from '../polygon.ts';

/** Plane helpers the generator needs beyond polygon.ts. */

/** Clips a ring to an axis-aligned box (Sutherland–Hodgman); may return fewer than 3 points. */
export function clipRingToBox(ring: Ring, box: Box2): Point2[] {
  let points: Point2[] = ring;
  const edges: [number, number, number][] = [
    [0, box.minX, 1],
    [0, box.maxX, -1],
    [1, box.minY, 1],
    [1, box.maxY, -1],
  ];
  for (const [axis, limit, sign] of edges) {
    const inside = (p: Point2): boolean => sign * (p[axis] - limit) >= 0;
    const out: Point2[] = [];
    for (let i = 0; i < points.length; i++) {
      const a = points[i];
      const b = points[(i + 1) % points.length];
      const ia = inside(a);
      const ib = inside(b);
      if (ia) out.push(a);
      if (ia !== ib) {
        const t = (limit - a[axis]) / (b[axis] - a[axis]);
        out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    points = out;
    if (points.length === 0) break;
  }
  return points;
}

/** Squared distance from point p to segment ab. */
export function pointSegmentDistance2(p: Point2, a: Point2, b: Point2): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = a[0] + t * dx - p[0];
  const ey = a[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}

function cross(o: Point2, a: Point2, b: Point2): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** True when segments ab and cd cross or touch. */
export function segmentsIntersect(a: Point2, b: Point2, c: Point2, d: Point2): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Squared distance between segments ab and cd (0 when they cross). */
export function segmentDistance2(a: Point2, b: Point2, c: Point2, d: Point2): number {
  if (segmentsIntersect(a, b, c, d)) return 0;
  return Math.min(pointSegmentDistance2(a, c, d), pointSegmentDistance2(b, c, d), pointSegmentDistance2(c, a, b), pointSegmentDistance2(d, a, b));
}

/** Squared distance from a point to the nearest edge of a ring. */
export function ringDistance2(p: Point2, ring: Ring): number {
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) best = Math.min(best, pointSegmentDistance2(p, ring[j], ring[i]));
  return best;
}
