import { describe, expect, it } from 'vitest';
import { FLOW_DEPTH_MIN_M, invCbrt } from '../../../../server/sim/flood/ShallowWater.ts';
import type { GridSet } from '../../../../server/sim/outputs.ts';
import { floodEngine, stepEngine, terrainCity } from './terrainCity.ts';

const MIN = 60_000;
const NO_LOSSES = { drainageMmPerH: 0, infiltrationMmPerH: 0 };

/** The water level η at which Σ max(0, η − z)·area holds `volume` (bisection). */
function levelForVolume(z: Float32Array, cellArea: number, volume: number): number {
  let lo = Math.min(...z);
  let hi = lo + 100;
  for (let k = 0; k < 80; k++) {
    const mid = (lo + hi) / 2;
    let v = 0;
    for (let i = 0; i < z.length; i++) v += Math.max(0, mid - z[i]) * cellArea;
    if (v < volume) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('ShallowWater (through the flood engine)', () => {
  it('fills a disconnected hollow to the level its volume gives, flat (EA 2D benchmark test 1)', () => {
    // A paraboloid bowl 300 m across, 2 m deep at the edges' middles; rain on its centre only.
    const a = 14.5;
    const city = terrainCity({ cols: 30, rows: 30, cellM: 10, height: (c, r) => (2 * ((c - a) ** 2 + (r - a) ** 2)) / a ** 2 });
    const flood = floodEngine(city, { cellM: 10, ...NO_LOSSES });
    expect(flood.applyInject('flood.rain', { mmPerH: 60, durationS: 1800, area: { x: 150, y: 150, radiusM: 100 } }, 0).ok).toBe(true);
    stepEngine(flood, 0, 120 * MIN, 5000);

    const { z } = flood.landCover;
    const { h } = flood.solver.state;
    const balance = flood.balance();
    expect(balance.outflowM3).toBe(0);
    expect(balance.waterM3).toBeCloseTo(balance.rainM3, 6);
    // The pond: cells more than 5 cm deep. Its surface is flat to a millimetre…
    const levels: number[] = [];
    for (let i = 0; i < h.length; i++) if (h[i] > 0.05) levels.push(z[i] + h[i]);
    expect(levels.length).toBeGreaterThan(40);
    const level = levels.reduce((s, v) => s + v, 0) / levels.length;
    expect(Math.max(...levels) - Math.min(...levels)).toBeLessThan(0.001);
    // …and stands where the volume puts it: within a centimetre of the level of all the rain…
    expect(Math.abs(level - levelForVolume(z, 100, balance.rainM3))).toBeLessThan(0.01);
    // …the difference being the films under the flow threshold left on the slopes above it.
    let pond = 0;
    for (let i = 0; i < h.length; i++) {
      if (z[i] < level) pond += (level - z[i]) * 100;
      else expect(h[i]).toBeLessThanOrEqual(FLOW_DEPTH_MIN_M + 1e-9);
    }
    let films = 0;
    for (let i = 0; i < h.length; i++) if (z[i] >= level) films += h[i] * 100;
    expect(pond + films).toBeCloseTo(balance.rainM3, 0);
  });

  it('fills depressions down a slope in order, each spilling into the next (EA 2D benchmark test 2)', () => {
    // A channel three cells wide falling 1 % to the east, walled north and south, with three
    // hollows 0.5 m deep; rain falls at its west end only.
    const hollows = [15, 30, 45];
    const base = (c: number): number => 0.1 * (60 - c);
    const inHollow = (c: number): boolean => hollows.some((h0) => c >= h0 && c < h0 + 5);
    const city = terrainCity({ cols: 60, rows: 5, cellM: 10, height: (c, r) => base(c) + (r === 0 || r === 4 ? 5 : 0) - (inHollow(c) ? 0.5 : 0) });
    const flood = floodEngine(city, { cellM: 10, ...NO_LOSSES });
    flood.applyInject('flood.rain', { mmPerH: 200, durationS: 3600, area: { x: 50, y: 25, radiusM: 70 } }, 0);
    const { h } = flood.solver.state;
    const volume = (h0: number): number => {
      let v = 0;
      for (let r = 1; r < 4; r++) for (let c = h0; c < h0 + 5; c++) v += h[r * 60 + c] * 100;
      return v;
    };
    // Each holds what lies below its downstream lip.
    const capacity = (h0: number): number => {
      let v = 0;
      for (let c = h0; c < h0 + 5; c++) v += 3 * 100 * Math.max(0, base(h0 + 5) - (base(c) - 0.5));
      return v;
    };
    const firstWet: (number | undefined)[] = [undefined, undefined, undefined];
    const fullness: number[][] = [];
    stepEngine(flood, 0, 120 * MIN, 5000, (t) => {
      const full = hollows.map((h0) => volume(h0) / capacity(h0));
      hollows.forEach((_, k) => {
        if (firstWet[k] === undefined && full[k] > 0.01) {
          firstWet[k] = t;
          fullness[k] = full;
        }
      });
    });
    expect(firstWet.every((t) => t !== undefined)).toBe(true);
    expect(firstWet[0]!).toBeLessThan(firstWet[1]!);
    expect(firstWet[1]!).toBeLessThan(firstWet[2]!);
    // When the second gets its first water, the first is full; likewise the third and the second.
    expect(fullness[1][0]).toBeGreaterThan(0.95);
    expect(fullness[2][1]).toBeGreaterThan(0.95);
    // All three end full, and the water left the channel only past the last.
    for (const h0 of hollows) expect(volume(h0) / capacity(h0)).toBeGreaterThan(0.99);
    expect(flood.balance().outflowM3).toBeGreaterThan(0);
  });

  it('wets and dries: water stands during the rain and drains away after it, leaving the grid dry', () => {
    // A gentle dish 200 m across, rain heavier than the drains take, then the drains empty it.
    const city = terrainCity({ cols: 20, rows: 20, cellM: 10, height: (c, r) => 0.002 * ((c - 9.5) ** 2 + (r - 9.5) ** 2) });
    const flood = floodEngine(city, { cellM: 10, drainageMmPerH: 30 });
    flood.applyInject('flood.rain', { mmPerH: 120, durationS: 1800 }, 0);
    stepEngine(flood, 0, 30 * MIN, 5000);
    const wet = (): number => {
      const grid = (flood.output('flood.grids') as GridSet).grids[0].values;
      return grid.filter((v) => !Number.isNaN(v)).length;
    };
    expect(wet()).toBeGreaterThan(100);
    const during = flood.balance();
    expect(during.waterM3).toBeGreaterThan(0.01 * during.rainM3);
    stepEngine(flood, 30 * MIN, 6 * 60 * MIN, 5000);
    expect(wet()).toBe(0);
    const after = flood.balance();
    expect(after.waterM3).toBeLessThan(0.001 * after.rainM3);
    expect(after.drainedM3).toBeGreaterThan(0.99 * after.rainM3);
  });

  it('computes x^(−1/3) to 1.2e-5 over the depths a face sees', () => {
    let worst = 0;
    for (let k = 0; k <= 10_000; k++) {
      const x = 1e-3 * 1e5 ** (k / 10_000);
      worst = Math.max(worst, Math.abs(invCbrt(x) * Math.cbrt(x) - 1));
    }
    expect(worst).toBeLessThan(1.2e-5);
  });
});
