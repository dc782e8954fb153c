import { describe, expect, it } from 'vitest';
import type { FloodSummary } from '../../../../server/protocol/FloodSummary.ts';
import { rainMmBetween, rainMmPerH, Rainfall, type Rain } from '../../../../server/sim/flood/Rainfall.ts';
import { floodEngine, stepEngine, terrainCity } from './terrainCity.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A flat 100 m × 40 m city of 10 m cells. */
const flat = (): ReturnType<typeof terrainCity> => terrainCity({ cols: 10, rows: 4, cellM: 10, height: () => 0 });

/** The warning after rains (each started at time 0) have fallen and a minute more. */
function warningAfter(rains: Record<string, unknown>[], hours: number): FloodSummary['warning'] {
  const flood = floodEngine(flat(), { cellM: 10 });
  for (const r of rains) expect(flood.applyInject('flood.rain', r, 0)).toMatchObject({ ok: true });
  stepEngine(flood, 0, hours * HOUR + MIN, MIN);
  return (flood.output('flood.summary') as FloodSummary).warning;
}

describe('Rainfall', () => {
  it('raises the CMA rainstorm warnings at their thresholds: blue 50 mm/12 h, yellow 50 mm/6 h, orange 50 mm/3 h, red 100 mm/3 h', () => {
    expect(warningAfter([{ mmPerH: 4.9, durationS: 10 * 3600 }], 10)).toBeNull(); // 49 mm
    expect(warningAfter([{ mmPerH: 5, durationS: 10 * 3600 }], 10)).toBe('blue'); // 50 mm in 10 h
    expect(warningAfter([{ mmPerH: 10, durationS: 5 * 3600 }], 5)).toBe('yellow'); // 50 mm in 5 h
    expect(warningAfter([{ mmPerH: 20, durationS: 2.5 * 3600 }], 2.5)).toBe('orange'); // 50 mm in 2.5 h
    expect(warningAfter([{ mmPerH: 33.2, durationS: 3 * 3600 }], 3)).toBe('orange'); // 99.6 mm in 3 h
    expect(warningAfter([{ mmPerH: 40, durationS: 2.5 * 3600 }], 2.5)).toBe('red'); // 100 mm in 2.5 h
  });

  it('counts the rain at the heaviest place: two rains warn where they overlap, not where they fall apart', () => {
    const west = { mmPerH: 30, durationS: 3600, area: { x: 20, y: 20, radiusM: 30 } };
    const east = (x: number): Record<string, unknown> => ({ mmPerH: 30, durationS: 3600, area: { x, y: 20, radiusM: 30 } });
    expect(warningAfter([west, east(90)], 1)).toBeNull(); // 30 mm at each place
    expect(warningAfter([west, east(50)], 1)).toBe('orange'); // 60 mm where they overlap
  });

  it('keeps the highest warning raised even after the windows have passed', () => {
    const flood = floodEngine(flat(), { cellM: 10 });
    flood.applyInject('flood.rain', { mmPerH: 120, durationS: 3600 }, 0);
    stepEngine(flood, 0, 20 * HOUR, 10 * MIN);
    const s = flood.output('flood.summary') as FloodSummary;
    expect(s.warning).toBe('red');
    expect(s.rainMm).toBe(120);
  });

  it('follows a hyetograph piece by piece, from the inject on', () => {
    const flood = floodEngine(flat(), { cellM: 10 });
    const startMs = 10 * MIN;
    stepEngine(flood, 0, startMs, MIN);
    flood.applyInject('flood.rain', { hyetograph: [[5, 12], [15, 0], [20, 36]], durationS: 1800 }, startMs);
    const at = (minutes: number): FloodSummary => {
      stepEngine(flood, (flood.output('flood.summary') as FloodSummary).simTimeMs, startMs + minutes * MIN, MIN);
      return flood.output('flood.summary') as FloodSummary;
    };
    const area = 100 * 40;
    expect(at(3)).toMatchObject({ rainMmPerH: 0, rainMm: 0, rainM3: 0 });
    expect(at(10)).toMatchObject({ rainMmPerH: 12, rainMm: 1 });
    expect(at(15).rainM3).toBeCloseTo((area * 2) / 1000, 6); // 12 mm/h for 10 minutes: 2 mm
    expect(at(18)).toMatchObject({ rainMmPerH: 0, rainMm: 2 });
    expect(at(25)).toMatchObject({ rainMmPerH: 36, rainMm: 5 });
    const end = at(40);
    expect(end).toMatchObject({ rainMmPerH: 0, rainMm: 8 }); // 2 + 36 mm/h for 10 minutes
    expect(end.rainM3).toBeCloseTo((area * 8) / 1000, 6);
  });

  it('integrates a rain between any two times and tells where it changes', () => {
    const rain: Rain = { id: 'r', startMs: 0, endMs: 30 * MIN, atMs: [0, 10 * MIN], mmPerH: [60, 0], cells: null };
    expect(rainMmPerH(rain, 9 * MIN)).toBe(60);
    expect(rainMmPerH(rain, 10 * MIN)).toBe(0);
    expect(rainMmBetween(rain, -MIN, HOUR)).toBeCloseTo(10, 12);
    expect(rainMmBetween(rain, 5 * MIN, 7 * MIN)).toBeCloseTo(2, 12);
    const fall = new Rainfall(4);
    fall.add(rain);
    expect(fall.nextChangeAfter(0)).toBe(10 * MIN);
    expect(fall.nextChangeAfter(10 * MIN)).toBe(30 * MIN);
    expect(fall.nextChangeAfter(30 * MIN)).toBe(Infinity);
    expect([...fall.fieldAt(MIN)]).toEqual(new Array(4).fill(Math.fround(60 / 3.6e6)));
  });
});
