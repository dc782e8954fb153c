/** The night view's scene frame (x east, y up, z south) and the city's local metres (x east, y north, z up). */
import type { Vector3 } from 'three';

/** Local metres of a scene point or direction. */
export const localOf = (v: Vector3): [number, number, number] => [v.x, -v.z, v.y];

/** Sets `out` to the scene point of local (x, y, z) and returns it. */
export function sceneOf(x: number, y: number, z: number, out: Vector3): Vector3 {
  return out.set(x, z, -y);
}
