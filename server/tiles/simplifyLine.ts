/**
 * Ramer–Douglas–Peucker simplification of a 3-D polyline. The road lines follow the terrain at
 * half a terrain cell (≈ 22 m between points): on flat ground nearly all of those points lie on a
 * straight line and cost the views vertices for nothing. (simplify-js, the usual library, is
 * 2-D only; dropping points by plan view alone would let a line cut through a hill.)
 */

export type Point3 = readonly [number, number, number];

/** Squared distance from p to the segment a–b. */
function distanceToSegmentSq(p: Point3, a: Point3, b: Point3): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const dz = b[2] - a[2];
  const lengthSq = dx * dx + dy * dy + dz * dz;
  const t = lengthSq > 0 ? Math.min(1, Math.max(0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy + (p[2] - a[2]) * dz) / lengthSq)) : 0;
  const ex = p[0] - a[0] - t * dx;
  const ey = p[1] - a[1] - t * dy;
  const ez = p[2] - a[2] - t * dz;
  return ex * ex + ey * ey + ez * ez;
}

/**
 * The points of `line` to keep, first and last always: every dropped point lies within
 * `tolerance` (metres) of the simplified line.
 */
export function simplifyLine<P extends Point3>(line: readonly P[], tolerance: number): P[] {
  if (line.length < 3) return line.slice();
  const keep = new Uint8Array(line.length);
  keep[0] = 1;
  keep[line.length - 1] = 1;
  const toleranceSq = tolerance * tolerance;
  const spans: [number, number][] = [[0, line.length - 1]];
  while (spans.length > 0) {
    const [first, last] = spans.pop()!;
    let farthest = -1;
    let farthestSq = toleranceSq;
    for (let i = first + 1; i < last; i++) {
      const d = distanceToSegmentSq(line[i], line[first], line[last]);
      if (d > farthestSq) {
        farthestSq = d;
        farthest = i;
      }
    }
    if (farthest < 0) continue;
    keep[farthest] = 1;
    spans.push([first, farthest], [farthest, last]);
  }
  return line.filter((_, i) => keep[i] === 1);
}
