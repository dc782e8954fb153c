import { describe, expect, it } from 'vitest';
import { AQI_LEVELS } from '../../../../server/protocol/aqi.ts';
import type { ScalarGrid } from '../../../../server/protocol/ScalarGridCodec.ts';
import { contourColor, fillHeatColors, HEAT_ALPHA, heatScale, isSubstance, RAMP, rampColor, rgbOf } from '../../../../client/layers/air/airColors.ts';

function grid(layer: string, values: number[], cols = values.length, rows = 1): ScalarGrid {
  return { layer, simTimeMs: 0, cols, rows, originX: 0, originY: 0, cellSize: 100, values: Float32Array.from(values) };
}

const pixel = (bytes: Uint8ClampedArray, k: number) => [...bytes.subarray(4 * k, 4 * k + 4)];

describe('air colours', () => {
  it('colour an AQI grid by the official colour of each cell’s level, translucent, and leave NaN cells clear', () => {
    const bytes = fillHeatColors(grid('aqi', [0, 50, 51, 100, 150, 200, 300, 500, Number.NaN]));
    const expected = [1, 1, 2, 2, 3, 4, 5, 6].map((level) => [...rgbOf(AQI_LEVELS[level - 1].color), Math.round(255 * HEAT_ALPHA)]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((k) => pixel(bytes, k))).toEqual(expected);
    expect(pixel(bytes, 8)).toEqual([0, 0, 0, 0]);
    // A value a quantized frame carries as 50.02 is still 优 (AQI is an integer).
    expect(pixel(fillHeatColors(grid('aqi', [50.02])), 0).slice(0, 3)).toEqual(rgbOf('#00E400'));
  });

  it('colour a pollutant along the ramp over the grid’s own range', () => {
    const bytes = fillHeatColors(grid('no2', [18, 65, 112]));
    expect(pixel(bytes, 0).slice(0, 3)).toEqual(rgbOf(RAMP[0]));
    expect(pixel(bytes, 1).slice(0, 3)).toEqual(rgbOf(RAMP[2]));
    expect(pixel(bytes, 2).slice(0, 3)).toEqual(rgbOf(RAMP[RAMP.length - 1]));
    expect(heatScale(grid('no2', [18, 65, 112]))).toEqual({ kind: 'pollutant', min: 18, max: 112 });
    // A flat field (O3 at night) is one colour, not NaN.
    expect(pixel(fillHeatColors(grid('o3', [42, 42])), 1)).toEqual([...rgbOf(RAMP[0]), Math.round(255 * HEAT_ALPHA)]);
  });

  it('show a released substance’s plume on a log scale over three decades, clear below them, most opaque at its core', () => {
    expect(isSubstance('chlorine')).toBe(true);
    expect(isSubstance('pm25') || isSubstance('aqi')).toBe(false);
    const plume = grid('chlorine', [0, 0.5, 1, 10, 100, 1000]);
    expect(heatScale(plume)).toEqual({ kind: 'substance', min: 1, max: 1000 });
    const bytes = fillHeatColors(plume);
    expect(pixel(bytes, 0)[3]).toBe(0);
    expect(pixel(bytes, 1)[3]).toBe(0);
    const alphas = [2, 3, 4, 5].map((k) => pixel(bytes, k)[3]);
    expect(alphas.every((a, i) => a > 0 && (i === 0 || a > alphas[i - 1]))).toBe(true);
    // A decade up is a third of the way along the ramp.
    expect(pixel(bytes, 3).slice(0, 3)).toEqual(rampColor(1 / 3));
    expect(pixel(bytes, 5).slice(0, 3)).toEqual(rgbOf(RAMP[RAMP.length - 1]));
  });

  it('write rows from the south, or from the north for a canvas', () => {
    const g = grid('aqi', [10, 10, 300, 300], 2, 2);
    expect(pixel(fillHeatColors(g), 0).slice(0, 3)).toEqual(rgbOf('#00E400'));
    expect(pixel(fillHeatColors(g, { northUp: true }), 0).slice(0, 3)).toEqual(rgbOf('#99004C'));
  });

  it('give the highest contour level the reddest colour whatever the number of levels', () => {
    expect(contourColor(2, 3)).toBe(contourColor(1, 2));
    expect(contourColor(0, 1)).toBe(contourColor(2, 3));
    expect(new Set([contourColor(0, 3), contourColor(1, 3), contourColor(2, 3)]).size).toBe(3);
  });
});
