import type { Box2 } from '../city/polygon.ts';

/** A quadtree node: a square cell, the items whose points fall in it, and up to four non-empty children. */
export interface QuadNode<T> {
  /** Child quadrant digits from the root ("" for the root), e.g. "031". */
  path: string;
  cell: Box2;
  /** Every item in this subtree. */
  items: T[];
  children: QuadNode<T>[];
}

/**
 * Splits items by their points into a quadtree whose leaves hold at most `capacity` items (or sit
 * at `maxDepth`, which stops endless splitting of items that share one point).
 */
export function quadtree<T>(items: T[], point: (item: T) => [number, number], capacity: number, maxDepth = 16): QuadNode<T> {
  const pts = items.map(point);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of pts) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  if (!items.length) [minX, minY, maxX, maxY] = [0, 0, 1, 1];
  const size = Math.max(maxX - minX, maxY - minY, 1);
  const indices = items.map((_, i) => i);
  const build = (path: string, cell: Box2, members: number[]): QuadNode<T> => {
    const node: QuadNode<T> = { path, cell, items: members.map((i) => items[i]), children: [] };
    if (members.length <= capacity || path.length >= maxDepth) return node;
    const midX = (cell.minX + cell.maxX) / 2;
    const midY = (cell.minY + cell.maxY) / 2;
    const quadrants: number[][] = [[], [], [], []];
    for (const i of members) {
      const [x, y] = pts[i];
      quadrants[(x >= midX ? 1 : 0) + (y >= midY ? 2 : 0)].push(i);
    }
    quadrants.forEach((q, k) => {
      if (!q.length) return;
      const child: Box2 = {
        minX: k & 1 ? midX : cell.minX,
        maxX: k & 1 ? cell.maxX : midX,
        minY: k & 2 ? midY : cell.minY,
        maxY: k & 2 ? cell.maxY : midY,
      };
      node.children.push(build(path + k, child, q));
    });
    return node;
  };
  return build('', { minX, minY, maxX: minX + size, maxY: minY + size }, indices);
}
