import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCity } from '../../../../server/city/generateCity.ts';
import { FloodSummary } from '../../../../server/protocol/FloodSummary.ts';
import { engineRegistry } from '../../../../server/sim/engineRegistry.ts';
import type { FloodEngine } from '../../../../server/sim/flood/FloodEngine.ts';
import { BUILDING_STEP_M } from '../../../../server/sim/flood/landCover.ts';
import type { GridSet, LinkWater } from '../../../../server/sim/outputs.ts';
import { Run } from '../../../../server/sim/Run.ts';
import { floodEngine, square, stepEngine, terrainCity } from './terrainCity.ts';

const MIN = 60_000;

/** A 400 m × 200 m slope of 10 m cells falling gently east into a hollow 1 m deep round (250, 100). */
function hollowCity(extra: Partial<Parameters<typeof terrainCity>[0]> = {}): ReturnType<typeof terrainCity> {
  return terrainCity({
    cols: 40,
    rows: 20,
    cellM: 10,
    height: (c, r) => 0.004 * (40 - c) * 10 - Math.max(0, 1 - Math.hypot(c - 24.5, r - 9.5) / 5),
    links: [
      { id: 'through', name: 'Hollow Road', points: [[5, 95], [200, 95], [395, 95]] },
      { id: 'uphill', name: 'Ridge Road', points: [[5, 185], [395, 185]] },
    ],
    ...extra,
  });
}

function hashState(flood: FloodEngine): string {
  const h = createHash('sha256');
  const s = flood.solver.state;
  for (const a of [s.h, s.qx, s.qy]) h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const roads = flood.output('flood.roads') as LinkWater;
  h.update(Buffer.from(roads.depthM.buffer, roads.depthM.byteOffset, roads.depthM.byteLength));
  const grid = (flood.output('flood.grids') as GridSet).grids[0].values;
  h.update(Buffer.from(grid.buffer, grid.byteOffset, grid.byteLength));
  h.update(JSON.stringify(flood.output('flood.summary')));
  return h.digest('hex');
}

describe('FloodEngine', () => {
  it('conserves water through a 2-hour storm peaking at 200 mm/h over the default city: rain = on the grid + drained + infiltrated + outflow', () => {
    const city = generateCity();
    const flood = floodEngine(city, { cellM: 50 });
    const storm = { hyetograph: [[0, 10], [20, 40], [40, 120], [55, 200], [70, 90], [90, 30], [105, 10]], durationS: 7200 };
    expect(flood.applyInject('flood.rain', storm, 0)).toEqual({ ok: true, id: 'rain-1' });
    stepEngine(flood, 0, 120 * MIN, 5000);
    const s = FloodSummary.parse(flood.output('flood.summary'));
    const rain = (10 * 20 + 40 * 20 + 120 * 15 + 200 * 15 + 90 * 20 + 30 * 15 + 10 * 15) / 60; // mm
    expect(s.rainMm).toBeCloseTo(rain, 1);
    expect(s.rainM3).toBeCloseTo(((rain / 1000) * (city.extent.maxX - city.extent.minX) * (city.extent.maxY - city.extent.minY)) / 1, -1);
    const accounted = s.waterM3 + s.drainedM3 + s.infiltratedM3 + s.outflowM3;
    expect(Math.abs(accounted - s.rainM3) / s.rainM3).toBeLessThan(0.001);
    // Every sink took its share, and the storm flooded streets and doorsteps.
    for (const v of [s.waterM3, s.drainedM3, s.infiltratedM3, s.outflowM3]) expect(v).toBeGreaterThan(0.01 * s.rainM3);
    expect(s.warning).toBe('red');
    // Stable: hollows a few metres deep at most (an unstable scheme runs away or goes NaN, which the parse rejects).
    expect(s.maxDepthM).toBeGreaterThan(0.5);
    expect(s.maxDepthM).toBeLessThan(10);
    expect(s.floodedCells).toBeGreaterThan(0);
    expect(s.closedLinks.length).toBeGreaterThan(0);
    expect(s.wetBuildings).toBeGreaterThan(0);
    expect(s.closedLinks.map((l) => l.depthM)).toEqual([...s.closedLinks.map((l) => l.depthM)].sort((a, b) => b - a));
  });

  it('reads the deepest water along each link: a road through a wet hollow, and the dry road above it', () => {
    const city = hollowCity({ buildings: [{ id: 'by-the-hollow', ring: square(250, 140, 12) }] });
    const flood = floodEngine(city, { cellM: 10, drainageMmPerH: 0, infiltrationMmPerH: 0 });
    flood.applyInject('flood.rain', { mmPerH: 80, durationS: 1800 }, 0);
    stepEngine(flood, 0, 60 * MIN);
    const roads = flood.output('flood.roads') as LinkWater;
    expect(roads.simTimeMs).toBe(60 * MIN);
    const { h } = flood.solver.state;
    const { linkStart, linkCell } = flood.landCover;
    const deepest = Math.max(...[...linkCell.subarray(linkStart[0], linkStart[1])].map((i) => h[i]));
    expect(roads.depthM[0]).toBe(Math.fround(deepest));
    expect(roads.depthM[0]).toBeGreaterThan(0.3);
    expect(roads.depthM[0]).toBeCloseTo(flood.sampleAt(250, 95).waterDepth, 3);
    expect(roads.depthM[1]).toBeLessThan(0.05); // a film running off the slope
    const s = flood.output('flood.summary') as FloodSummary;
    const expected = roads.depthM[0] >= 0.6 ? 'impassable' : 'closed';
    expect(s.closedLinks).toEqual([{ linkId: 'through', name: 'Hollow Road', depthM: Math.round(roads.depthM[0] * 1000) / 1000, state: expected }]);
    // The building's doorsteps are in the hollow; its own cells stand a step above the ground.
    expect(s.wetBuildings).toBe(1);
    expect(flood.landCover.z[14 * 40 + 25]).toBeCloseTo(city.terrain.heights[14 * 40 + 25] + BUILDING_STEP_M, 5);
  });

  it('rains on one district only, and drains each district at its own rate', () => {
    const half = (x0: number): [number, number][] => [[x0, 0], [x0 + 200, 0], [x0 + 200, 200], [x0, 200]];
    const city = terrainCity({ cols: 40, rows: 20, cellM: 10, height: () => 0, districts: [{ id: 'west', ring: half(0) }, { id: 'east', ring: half(200) }] });
    const flood = floodEngine(city, { cellM: 10, drainageMmPerH: 40, districtDrainageMmPerH: { east: 0 } });
    flood.applyInject('flood.rain', { mmPerH: 30, durationS: 1800, area: { districtId: 'west' } }, 0);
    flood.applyInject('flood.rain', { mmPerH: 30, durationS: 1800, area: { districtId: 'east' } }, 0);
    stepEngine(flood, 0, 30 * MIN, 5000);
    // West drains faster than it rains; east keeps its 15 mm (less what crossed the line).
    expect(flood.sampleAt(50, 100).waterDepth).toBeLessThan(0.001);
    expect(flood.sampleAt(350, 100).waterDepth).toBeCloseTo(0.015, 3);
    expect(() => floodEngine(city, { cellM: 10, districtDrainageMmPerH: { north: 10 } })).toThrow(/districtDrainageMmPerH: no district "north".*west, east/);
  });

  it('answers bad rain injects with the field and the value', () => {
    const flood = floodEngine(hollowCity(), { cellM: 10 });
    const cases: [unknown, RegExp][] = [
      [{ mmPerH: 900, durationS: 60 }, /^flood\.rain: mmPerH: .*500.*\(got 900\)/],
      [{ mmPerH: 0, durationS: 60 }, /^flood\.rain: mmPerH: must be more than 0 \(got 0\)/],
      [{ mmPerH: 10, durationS: -5 }, /^flood\.rain: durationS: .*\(got -5\)/],
      [{ durationS: 60 }, /^flood\.rain: \(params\): give exactly one of mmPerH and hyetograph/],
      [{ mmPerH: 10, hyetograph: [[0, 5]], durationS: 60 }, /^flood\.rain: hyetograph: give exactly one of mmPerH and hyetograph/],
      [{ hyetograph: [[0, 10], [0, 5]], durationS: 600 }, /^flood\.rain: hyetograph\.1\.0: minutes must ascend: 0 follows 0 \(got 0\)/],
      [{ hyetograph: [[0, 10], [12, 5]], durationS: 600 }, /^flood\.rain: hyetograph\.1\.0: minute 12 is not within durationS 600 s \(got 12\)/],
      [{ mmPerH: 10, durationS: 60, area: { districtId: 'nowhere' } }, /^flood\.rain: area: no district "nowhere"/],
      [{ mmPerH: 10, durationS: 60, area: { x: 5000, y: 0, radiusM: 100 } }, /^flood\.rain: area: the circle of 100 m round \(5000, 0\) misses the city/],
      [{ mmPerH: 10, durationS: 60, area: { x: 5 } }, /^flood\.rain: area: give \{x, y, radiusM\} or \{districtId\} \(got \{"x":5\}\)/],
      [{ mmPerH: 10, durationS: 60, wind: 3 }, /^flood\.rain: \(params\): .*wind/],
    ];
    for (const [params, message] of cases) {
      const result = flood.applyInject('flood.rain', params, 0);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.code).toBe('bad_inject_params');
        expect(result.message).toMatch(message);
      }
    }
    expect(flood.balance().rainM3).toBe(0);
  });

  it('continues byte for byte after a snapshot is restored, in another engine or after going on', () => {
    const city = hollowCity({ buildings: [{ id: 'b', ring: square(150, 60, 15) }] });
    const a = floodEngine(city, { cellM: 10 });
    a.applyInject('flood.rain', { hyetograph: [[0, 40], [10, 90]], durationS: 1500 }, 0);
    stepEngine(a, 0, 12 * MIN);
    a.applyInject('flood.rain', { mmPerH: 50, durationS: 600, area: { x: 300, y: 100, radiusM: 60 } }, 12 * MIN);
    stepEngine(a, 12 * MIN, 12 * MIN + 2500);
    const snapshot = a.snapshot();
    const atSnapshot = hashState(a);
    stepEngine(a, 12 * MIN + 2500, 40 * MIN);
    const expected = hashState(a);

    const b = floodEngine(city, { cellM: 10 });
    b.restore(snapshot);
    expect(hashState(b)).toBe(atSnapshot);
    stepEngine(b, 12 * MIN + 2500, 40 * MIN);
    expect(hashState(b)).toBe(expected);
    // The snapshot is a copy: restoring it into the engine that went on rewinds it.
    a.restore(snapshot);
    stepEngine(a, 12 * MIN + 2500, 40 * MIN);
    expect(hashState(a)).toBe(expected);
  });

  it('runs in a run from the registry with `flood: {}`, publishing roads every 10 s and the grid and summary every minute', () => {
    const city = hollowCity();
    const run = new Run({ city, seed: 3, startEpochMs: 0, durationMs: 60 * MIN, stepMs: 500 });
    const create = engineRegistry.get('flood');
    expect(create).toBeDefined();
    run.register(create!(), {});
    expect(run.inject('flood.rain', { mmPerH: 100, durationS: 600 })).toEqual({ ok: true, id: 'rain-1' });
    while (run.timeMs < 95_000) run.stepOnce();
    expect((run.output('flood.roads', 'linkWater') as LinkWater).simTimeMs).toBe(90_000);
    const grids = run.output('flood.grids', 'grids') as GridSet;
    expect(grids.simTimeMs).toBe(60_000);
    expect(grids.grids.map((g) => [g.layer, g.cellSize, g.cols, g.rows])).toEqual([['waterDepth', 25, 16, 8]]);
    const s = FloodSummary.parse(run.output('flood.summary', 'floodSummary'));
    expect(s).toMatchObject({ simTimeMs: 60_000, cellM: 25, rainMmPerH: 100, warning: null });
    expect(s.rainM3).toBeCloseTo(400 * 200 * 0.1 / 60, 1);
  });
});
