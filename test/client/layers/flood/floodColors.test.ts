import { describe, expect, it } from 'vitest';
import { DEPTH_BANDS, depthBand, MIN_DRAWN_DEPTH_M, paintDepth, WARNING_COLORS } from '../../../../client/layers/flood/floodColors.ts';
import { RAIN_WARNINGS } from '../../../../server/protocol/FloodSummary.ts';

describe('the flood layer’s colours', () => {
  it('band the depth at the road thresholds (slow from 0.15 m, closed to cars from 0.3 m, to emergency vehicles from 0.6 m)', () => {
    expect(DEPTH_BANDS.map((b) => b.fromM)).toEqual([0.05, 0.15, 0.3, 0.6, 1]);
    expect(depthBand(0.149)?.key).toBe('puddle');
    expect(depthBand(0.15)?.key).toBe('slow');
    expect(depthBand(0.3)?.key).toBe('closed');
    expect(depthBand(0.6)?.key).toBe('impassable');
    expect(depthBand(3)?.key).toBe('deep');
    expect(depthBand(MIN_DRAWN_DEPTH_M - 0.001)).toBeNull();
    expect(depthBand(Number.NaN)).toBeNull();
  });

  it('paint deeper water darker and more opaque, and dry or shallow ground clear, row by row from the south or the north', () => {
    const grid = { cols: 4, rows: 2, values: Float32Array.from([Number.NaN, 0.02, 0.2, 1.5, 0.7, 0.7, 0.7, 0.7]) };
    const out = new Uint8ClampedArray(4 * 8);
    paintDepth(grid, out, false);
    const alpha = (k: number) => out[4 * k + 3];
    const luminance = (k: number) => out[4 * k] + out[4 * k + 1] + out[4 * k + 2];
    expect([alpha(0), alpha(1)]).toEqual([0, 0]);
    expect(alpha(3)).toBeGreaterThan(alpha(2));
    expect(luminance(3)).toBeLessThan(luminance(2));
    // Blue: the blue channel leads.
    expect(out[4 * 3 + 2]).toBeGreaterThan(out[4 * 3]);
    // North up: the northern row (0.7 m everywhere) comes first.
    paintDepth(grid, out, true);
    expect(alpha(0)).toBe(Math.round(255 * DEPTH_BANDS[3].alpha));
    expect(alpha(4)).toBe(0);
    expect(() => paintDepth(grid, new Uint8ClampedArray(8), false)).toThrow(/paintDepth: 8 bytes for a 4×2 grid/);
  });

  it('give every rainstorm warning signal its colour', () => {
    expect(Object.keys(WARNING_COLORS)).toEqual([...RAIN_WARNINGS]);
  });
});
