/** Camera geometry the views share, on the WGS84 geodesy of server/protocol (one implementation for both sides). */
import { enuToGeodetic, type Vec3 } from '../../server/protocol/geo.ts';
import type { CameraView, LonLatHeight } from './types.ts';

export { ecefToGeodetic, enuToEcefMatrix, enuToGeodetic, geodeticToEcef, geodeticToEnu, type Vec3 } from '../../server/protocol/geo.ts';

/** Unit look direction in local ENU for a heading (clockwise from north) and pitch (negative is down). */
export function lookDirection(heading: number, pitch: number): Vec3 {
  return [Math.sin(heading) * Math.cos(pitch), Math.cos(heading) * Math.cos(pitch), Math.sin(pitch)];
}

/** The camera pose that looks at a target from `range` metres away with the given heading and pitch. */
export function viewLookingAt(target: LonLatHeight, heading: number, pitch: number, range: number): CameraView {
  const [dx, dy, dz] = lookDirection(heading, pitch);
  const position = enuToGeodetic(target, [-dx * range, -dy * range, -dz * range]);
  return { ...position, heading, pitch };
}
