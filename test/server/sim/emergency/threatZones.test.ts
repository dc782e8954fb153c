import { describe, expect, it } from 'vitest';
import { pointInPolygon, signedArea } from '../../../../server/city/polygon.ts';
import { aeglMgM3 } from '../../../../server/protocol/aegl.ts';
import { geodeticToEnu } from '../../../../server/protocol/geo.ts';
import { aeglThreatZones, threatZones, toLonLat, type ConcentrationRaster } from '../../../../server/sim/emergency/threatZones.ts';

function raster(cols: number, rows: number, cellSize: number, originX: number, originY: number, f: (x: number, y: number) => number): ConcentrationRaster {
  const values = new Float32Array(cols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = f(originX + (c + 0.5) * cellSize, originY + (r + 0.5) * cellSize);
  return { cols, rows, originX, originY, cellSize, values };
}

/** A steady ground-level plume from (0, 0) blowing east (from 270°), mg/m³: C = Q/(π u σy σz) exp(−y²/2σy²), Briggs urban D. */
function plume(x: number, y: number): number {
  if (x <= 0) return 0;
  const sy = (0.16 * x) / Math.sqrt(1 + 0.0004 * x);
  const sz = (0.14 * x) / Math.sqrt(1 + 0.0003 * x);
  const qMgPerS = 2e6; // 2 kg/s
  return (qMgPerS / (Math.PI * 3 * sy * sz)) * Math.exp((-y * y) / (2 * sy * sy));
}

describe('threatZones', () => {
  it('a plume gives nested zones, AEGL-1 ⊃ AEGL-2 ⊃ AEGL-3, reaching downwind', () => {
    const grid = raster(200, 100, 50, -500, -2500, plume);
    const zones = aeglThreatZones(grid, 'chlorine', { source: { x: 0, y: 0 }, windFromDeg: 270 });
    expect(zones.map((z) => z.level)).toEqual([1, 2, 3]);
    expect(zones.map((z) => z.color)).toEqual(['#FFFF00', '#FFA500', '#FF0000']);
    expect(zones.map((z) => z.threshold)).toEqual([aeglMgM3('chlorine', 1), aeglMgM3('chlorine', 2), aeglMgM3('chlorine', 3)]);
    const [a1, a2, a3] = zones;
    expect(a3.areaM2).toBeGreaterThan(0);
    expect(a1.areaM2).toBeGreaterThan(a2.areaM2);
    expect(a2.areaM2).toBeGreaterThan(a3.areaM2);
    expect(a1.downwindM).toBeGreaterThan(a2.downwindM);
    expect(a2.downwindM).toBeGreaterThan(a3.downwindM);
    // Every vertex of an inner zone lies in the outer one (or on its boundary).
    for (const [inner, outer] of [[a3, a2], [a2, a1]]) {
      for (const [x, y] of inner.polygons.flatMap((p) => p[0])) {
        expect(outer.polygons.some((p) => pointInPolygon([x - 1e-3, y], p) || pointInPolygon([x + 1e-3, y], p))).toBe(true);
      }
    }
    // Downwind is east: the zone's far point is the plume's length along x.
    const farX = Math.max(...a2.polygons.flatMap((p) => p[0].map(([x]) => x)));
    expect(a2.downwindM).toBeCloseTo(farX, 6);
    expect(a2.farthestM).toBeGreaterThanOrEqual(a2.downwindM);
  });

  it('the downwind reach matches where the centreline falls to the threshold, within a cell', () => {
    const grid = raster(200, 100, 50, -500, -2500, plume);
    const threshold = aeglMgM3('chlorine', 2);
    let x = 1;
    while (plume(x, 0) >= threshold) x += 1;
    const [zone] = threatZones(grid, [threshold], { source: { x: 0, y: 0 }, windFromDeg: 270 });
    expect(Math.abs(zone.downwindM - x)).toBeLessThan(50);
  });

  it('a disk of radius r has area π r² within 2 %, rings closed, outer counter-clockwise', () => {
    for (const [r, cell] of [[300, 20], [1000, 50], [150, 10]]) {
      const grid = raster(100, 80, cell, -50 * cell, -40 * cell, (x, y) => r - Math.hypot(x - 10, y + 5));
      const [zone] = threatZones(grid, [0]);
      expect(zone.polygons).toHaveLength(1);
      expect(zone.areaM2 / (Math.PI * r * r)).toBeGreaterThan(0.98);
      expect(zone.areaM2 / (Math.PI * r * r)).toBeLessThan(1.02);
      const outer = zone.polygons[0][0];
      expect(outer[0]).toEqual(outer[outer.length - 1]);
      expect(signedArea(outer)).toBeGreaterThan(0);
    }
  });

  it('an annulus has a clockwise hole and its area is the ring between', () => {
    const grid = raster(120, 120, 10, -600, -600, (x, y) => 200 - Math.abs(Math.hypot(x, y) - 300));
    const [zone] = threatZones(grid, [0]);
    expect(zone.polygons).toHaveLength(1);
    expect(zone.polygons[0]).toHaveLength(2);
    expect(signedArea(zone.polygons[0][1])).toBeLessThan(0);
    const expected = Math.PI * (500 ** 2 - 100 ** 2);
    expect(Math.abs(zone.areaM2 / expected - 1)).toBeLessThan(0.02);
  });

  it('is empty where the concentration stays below the threshold, and NaN counts as below', () => {
    const grid = raster(40, 30, 25, 0, 0, () => 1);
    grid.values[5] = NaN;
    expect(threatZones(grid, [1.5], { source: { x: 0, y: 0 }, windFromDeg: 90 })).toEqual([
      { threshold: 1.5, polygons: [], areaM2: 0, farthestM: 0, downwindM: 0 },
    ]);
  });

  it('a field over the threshold everywhere fills the raster to its edges, corners cut by half a cell', () => {
    const grid = raster(40, 30, 25, 100, 200, () => 5);
    const [zone] = threatZones(grid, [1]);
    expect(zone.areaM2).toBeCloseTo(40 * 25 * 30 * 25 - 4 * (12.5 * 12.5) / 2, 6);
    const xs = zone.polygons[0][0].map(([x]) => x);
    const ys = zone.polygons[0][0].map(([, y]) => y);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([100, 1100, 200, 950]);
  });

  it('one cell over the threshold draws a diamond round its centre', () => {
    const grid = raster(5, 5, 10, 0, 0, () => 0);
    grid.values[2 * 5 + 3] = 1; // column 3, row 2: centre (35, 25)
    const [zone] = threatZones(grid, [0.5]);
    const ring = zone.polygons[0][0];
    const cx = ring.slice(1).reduce((s, [x]) => s + x, 0) / (ring.length - 1);
    const cy = ring.slice(1).reduce((s, [, y]) => s + y, 0) / (ring.length - 1);
    expect([cx, cy]).toEqual([35, 25]);
    expect(zone.areaM2).toBeCloseTo(50, 6); // half a cell: the diamond through the edge midpoints
  });

  it('rejects a raster whose values do not fill it', () => {
    expect(() => threatZones({ cols: 3, rows: 3, originX: 0, originY: 0, cellSize: 1, values: new Float32Array(8) }, [1])).toThrow(/threatZones: 8 values/);
  });

  it('converts local metres to longitude and latitude at the origin, and back', () => {
    const origin = { lon: 113.19, lat: 33.77, height: 0 };
    const [lonLat] = toLonLat([[[[0, 0], [1000, 0], [1000, 500], [0, 0]]]], origin);
    expect(lonLat[0][0][0]).toBeCloseTo(113.19, 9);
    expect(lonLat[0][0][1]).toBeCloseTo(33.77, 9);
    const [e, n] = geodeticToEnu(origin, { lon: lonLat[0][2][0], lat: lonLat[0][2][1], height: 0 });
    expect(e).toBeCloseTo(1000, 2);
    expect(n).toBeCloseTo(500, 1);
  });
});
