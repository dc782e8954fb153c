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

  addTriangle(a: number, b: number, c: number): void {
    this.indices.push(a, b, c);
  }

  get isEmpty(): boolean {
    return this.indices.length === 0;
  }
}
