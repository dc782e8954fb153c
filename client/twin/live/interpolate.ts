/** Interpolation helpers for moving objects between two frames. */

const TWO_PI = 2 * Math.PI;

/** Linear interpolation from `a` (t = 0) to `b` (t = 1). */
export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Heading (radians clockwise from north) from `a` to `b` the short way round, in [0, 2π). */
export function lerpHeading(a: number, b: number, t: number): number {
  // The signed difference in (−π, π]: turning from 350° to 10° goes through 0°, not back through 180°.
  let d = (b - a) % TWO_PI;
  if (d > Math.PI) d -= TWO_PI;
  else if (d <= -Math.PI) d += TWO_PI;
  const h = (a + d * t) % TWO_PI;
  return h < 0 ? h + TWO_PI : h;
}
