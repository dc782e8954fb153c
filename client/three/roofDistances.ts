/**
 * How far each vertex of a building mesh lies below its building's roof: the night material's
 * glow along roof lines reads it.
 */
import type { Matrix4 } from 'three';

/** The reads roofDistances makes of a geometry attribute (three's BufferAttribute has them). */
interface Readable {
  count: number;
  getX(i: number): number;
  getY(i: number): number;
  getZ(i: number): number;
}

/**
 * Per vertex, how many metres its building's roof (its feature's highest vertex) lies above it:
 * `toScene` takes the mesh's positions to the scene, whose y is up. Vertices without a feature get 0.
 */
export function roofDistances(position: Readable, toScene: Matrix4, featureIds: Pick<Readable, 'getX'>): Float32Array {
  const m = toScene.elements;
  const heights = new Float32Array(position.count);
  const roofs = new Map<number, number>();
  for (let i = 0; i < position.count; i++) {
    const h = m[1] * position.getX(i) + m[5] * position.getY(i) + m[9] * position.getZ(i) + m[13];
    heights[i] = h;
    const f = featureIds.getX(i);
    roofs.set(f, Math.max(roofs.get(f) ?? -Infinity, h));
  }
  for (let i = 0; i < position.count; i++) {
    const f = featureIds.getX(i);
    heights[i] = f < 0 ? 0 : (roofs.get(f) as number) - heights[i];
  }
  return heights;
}
