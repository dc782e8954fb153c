import { describe, expect, it } from 'vitest';
import { contourLevels, contourLines, plumeContours } from '../../../../client/layers/air/contours.ts';

/** A grid of `cols` × `rows` cells of 100 m from (0, 0), values f(x, y) at the cells' centres. */
function grid(cols: number, rows: number, f: (x: number, y: number) => number, layer = 'chlorine') {
  const values = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = f((c + 0.5) * 100, (r + 0.5) * 100);
  return { layer, simTimeMs: 0, cols, rows, originX: 0, originY: 0, cellSize: 100, values };
}

describe('contours (marching squares)', () => {
  it('ring a bump with one closed line at the level’s radius', () => {
    // A cone 1000 high at (1000, 1000), falling 1 per metre: the 500 line is a circle of 500 m.
    const g = grid(20, 20, (x, y) => Math.max(0, 1000 - Math.hypot(x - 1000, y - 1000)));
    const lines = contourLines(g, 500);
    expect(lines).toHaveLength(1);
    expect(lines[0].closed).toBe(true);
    const radii = [];
    for (let i = 0; i < lines[0].points.length; i += 2) radii.push(Math.hypot(lines[0].points[i] - 1000, lines[0].points[i + 1] - 1000));
    expect(Math.min(...radii)).toBeGreaterThan(480);
    expect(Math.max(...radii)).toBeLessThan(520);
  });

  it('cross a slope with one open line from edge to edge, where the values cross the level', () => {
    const g = grid(10, 6, (x) => x);
    const [line, ...more] = contourLines(g, 420);
    expect(more).toEqual([]);
    expect(line.closed).toBe(false);
    expect(line.points.length / 2).toBe(6);
    for (let i = 0; i < line.points.length; i += 2) expect(line.points[i]).toBeCloseTo(420, 6);
    const ys = line.points.filter((_, i) => i % 2 === 1).sort((a, b) => a - b);
    expect([ys[0], ys[ys.length - 1]]).toEqual([50, 550]);
  });

  it('keep two separate bumps apart, and join a saddle across when its middle is above', () => {
    const twin = grid(3, 2, (x) => (x < 100 || x > 200 ? 10 : 0));
    expect(contourLines(twin, 5)).toHaveLength(2);
    // Diagonal corners above: their mean (5.5) is above 5, so the lines cut off the two below corners.
    const saddle = { layer: 's', simTimeMs: 0, cols: 2, rows: 2, originX: 0, originY: 0, cellSize: 100, values: Float32Array.from([10, 1, 1, 10]) };
    const middles = contourLines(saddle, 5).map((l) => [(l.points[0] + l.points[2]) / 2, (l.points[1] + l.points[3]) / 2]);
    // Each line cuts off one below corner: the south-east one (x > 100, y < 100) and the north-west one.
    expect(middles.map(([x, y]) => (x > 100 && y < 100 ? 'SE' : x < 100 && y > 100 ? 'NW' : '?')).sort()).toEqual(['NW', 'SE']);
    // Middle below: the below corners join across it instead, and the lines cut off the above ones.
    const apart = contourLines({ ...saddle, values: Float32Array.from([10, 1, 1, 6]) }, 5).map((l) => [(l.points[0] + l.points[2]) / 2, (l.points[1] + l.points[3]) / 2]);
    expect(apart.map(([x, y]) => (x < 100 && y < 100 ? 'SW' : x > 100 && y > 100 ? 'NE' : '?')).sort()).toEqual(['NE', 'SW']);
  });

  it('give nothing where the grid never reaches the level, and count NaN as below', () => {
    expect(contourLines(grid(5, 5, () => 1), 2)).toEqual([]);
    expect(contourLines(grid(3, 3, (x, y) => (x === 150 && y === 150 ? Number.NaN : 10)), 5)).toHaveLength(1);
  });

  it('outline a plume at round levels near a hundredth, a tenth and half of its peak', () => {
    expect(contourLevels(1_190_413)).toEqual([10_000, 100_000, 500_000]);
    expect(contourLevels(850)).toEqual([5, 50, 200]);
    expect(contourLevels(0)).toEqual([]);
    expect(contourLevels(Number.NaN)).toEqual([]);
    const plume = plumeContours(grid(20, 20, (x, y) => 1000 * Math.exp(-Math.hypot(x - 1000, y - 1000) / 100)));
    expect(plume.map((c) => c.level)).toEqual([2, 20, 200]);
    expect(plume.every((c) => c.lines.length === 1 && c.layer === 'chlorine')).toBe(true);
  });
});
