import { describe, expect, it } from 'vitest';
import { simplifyLine, type Point3 } from '../../../server/tiles/simplifyLine.ts';

describe('simplifyLine', () => {
  it('drops the points of a straight line, keeping its ends', () => {
    const line: Point3[] = Array.from({ length: 11 }, (_, i) => [i * 22, i * 5, 80 + i * 0.3]);
    expect(simplifyLine(line, 0.2)).toEqual([line[0], line[10]]);
  });

  it('keeps the points that carry a line over a hill, though its plan is straight', () => {
    // A straight street over a 3 m rise: plan-view simplification would cut through the hill.
    const line: Point3[] = Array.from({ length: 21 }, (_, i) => [i * 20, 0, 3 * Math.sin((Math.PI * i) / 20)]);
    const kept = simplifyLine(line, 0.2);
    expect(kept.length).toBeGreaterThan(3);
    expect(kept.length).toBeLessThan(line.length);
    // Every dropped point lies within the tolerance of the simplified line.
    for (const p of line) {
      const i = kept.findIndex((q) => q[0] >= p[0]);
      const a = kept[Math.max(0, i - 1)];
      const b = kept[i];
      const t = b[0] === a[0] ? 0 : (p[0] - a[0]) / (b[0] - a[0]);
      expect(Math.abs(a[2] + t * (b[2] - a[2]) - p[2])).toBeLessThanOrEqual(0.2);
    }
  });

  it('keeps a corner and leaves two-point lines alone', () => {
    const corner: Point3[] = [[0, 0, 0], [10, 0, 0], [20, 0, 0], [20, 10, 0], [20, 20, 0]];
    expect(simplifyLine(corner, 0.2)).toEqual([corner[0], corner[2], corner[4]]);
    expect(simplifyLine(corner.slice(0, 2), 0.2)).toEqual(corner.slice(0, 2));
  });
});
