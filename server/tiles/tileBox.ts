/** Axis-aligned boxes in the local ENU frame, and their 3D Tiles `box` form. */
export interface Box3 {
  min: [number, number, number];
  max: [number, number, number];
}

export function emptyBox(): Box3 {
  return { min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
}

export function isEmptyBox(box: Box3): boolean {
  return !(box.min[0] <= box.max[0]);
}

export function expandBox(box: Box3, x: number, y: number, z: number): void {
  if (x < box.min[0]) box.min[0] = x;
  if (y < box.min[1]) box.min[1] = y;
  if (z < box.min[2]) box.min[2] = z;
  if (x > box.max[0]) box.max[0] = x;
  if (y > box.max[1]) box.max[1] = y;
  if (z > box.max[2]) box.max[2] = z;
}

export function unionBox(a: Box3, b: Box3): Box3 {
  return {
    min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1]), Math.min(a.min[2], b.min[2])],
    max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1]), Math.max(a.max[2], b.max[2])],
  };
}

/** Expands a box by glTF positions stored y-up (east, up, -north). */
export function expandBoxYUp(box: Box3, positions: number[]): void {
  for (let i = 0; i < positions.length; i += 3) expandBox(box, positions[i], -positions[i + 2], positions[i + 1]);
}

/**
 * The 3D Tiles `box` (centre, then three half-axes) of an ENU box, padded by `pad` metres so that
 * quantized content never pokes out, and never flat (a zero half-axis is not invertible).
 */
export function toTilesBox(box: Box3, pad = 0.05): number[] {
  const c = [0, 1, 2].map((i) => (box.min[i] + box.max[i]) / 2);
  const h = [0, 1, 2].map((i) => Math.max((box.max[i] - box.min[i]) / 2 + pad, 0.5));
  return [c[0], c[1], c[2], h[0], 0, 0, 0, h[1], 0, 0, 0, h[2]];
}

/** A tile of tileset.json. */
export interface TileJson {
  boundingVolume: { box: number[] };
  geometricError: number;
  refine?: 'REPLACE' | 'ADD';
  transform?: number[];
  content?: { uri: string };
  children?: TileJson[];
}

/** A tileset.json document. */
export interface TilesetJson {
  asset: { version: '1.1'; generator?: string; tilesetVersion?: string };
  geometricError: number;
  root: TileJson;
}
