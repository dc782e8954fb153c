/**
 * A growable triangle mesh in glTF's y-up frame (x east, y up, z south = -north), with flat
 * normals and an optional per-vertex feature id: what one glTF primitive of a tile holds.
 */
export class MeshData {
  positions: number[] = [];
  normals: number[] = [];
  featureIds: number[] = [];
  indices: number[] = [];

  get vertexCount(): number {
    return this.positions.length / 3;
  }

  /** Adds a vertex given in local ENU metres (east, north, up) and its ENU normal; returns its index. */
  addVertex(east: number, north: number, up: number, ne: number, nn: number, nu: number, featureId = 0): number {
    this.positions.push(east, up, -north);
    this.normals.push(ne, nu, -nn);
    this.featureIds.push(featureId);
    return this.vertexCount - 1;
  }

  /**
   * Adds earcut's triangles over `flat` (x, y pairs whose vertices start at `first`), each turned
   * counter-clockwise seen from above, the front-face order; earcut promises no orientation, and
   * degenerate triangles are dropped.
   */
  addUpwardTriangles(flat: readonly number[], triangles: readonly number[], first: number): void {
    for (let t = 0; t < triangles.length; t += 3) {
      const [a, b, c] = [triangles[t], triangles[t + 1], triangles[t + 2]];
      const cross =
        (flat[2 * b] - flat[2 * a]) * (flat[2 * c + 1] - flat[2 * a + 1]) -
        (flat[2 * b + 1] - flat[2 * a + 1]) * (flat[2 * c] - flat[2 * a]);
      if (cross > 0) this.addTriangle(first + a, first + b, first + c);
      else if (cross < 0) this.addTriangle(first + a, first + c, first + b);
    }
  }

  addTriangle(a: number, b: number, c: number): void {
    this.indices.push(a, b, c);
  }

  get isEmpty(): boolean {
    return this.indices.length === 0;
  }
}
