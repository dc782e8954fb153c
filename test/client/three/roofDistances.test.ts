import { BufferAttribute, Matrix4, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { roofDistances } from '../../../client/three/roofDistances.ts';

describe('roofDistances', () => {
  it("measures each vertex down from its own building's roof, in the scene's up direction", () => {
    // Two buildings side by side, in a mesh whose z is the scene's y (up), scaled by 2 as a
    // quantised mesh's node transform would: building 0 is 10 m tall, building 1 is 30 m.
    const positions = new BufferAttribute(new Float32Array([0, 0, 0, 0, 0, 5, 10, 0, 0, 10, 0, 15, 10, 0, 15]), 3);
    const features = new BufferAttribute(new Float32Array([0, 0, 1, 1, -1]), 1);
    const toScene = new Matrix4().makeRotationX(-Math.PI / 2).scale(new Vector3(2, 2, 2)).setPosition(0, 100, 0);
    expect(Array.from(roofDistances(positions, toScene, features))).toEqual([10, 0, 30, 0, 0]);
  });
});
