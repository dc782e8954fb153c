import { describe, expect, it } from 'vitest';
import {
  pasquillStability,
  solarElevationDeg,
  type Stability,
} from '../../../../../server/sim/environment/dispersion/stability.ts';

// The REFERENCES.md table, a wind speed from inside each row.
const WINDS = [1, 2.5, 4, 5.5, 7];
const TABLE: Record<string, Stability[]> = {
  strong: ['A', 'A-B', 'B', 'C', 'C'],
  moderate: ['A-B', 'B', 'B-C', 'C-D', 'D'],
  slight: ['B', 'C', 'C', 'D', 'D'],
  nightCloudy: ['F', 'E', 'D', 'D', 'D'],
  nightClear: ['F', 'F', 'E', 'D', 'D'],
};

describe('pasquillStability', () => {
  it.each(WINDS.map((w, row) => [w, row]))('matches every column at %d m/s', (windSpeed10Ms, row) => {
    const read = (solarElevationDeg: number, cloudOktas: number): Stability =>
      pasquillStability({ windSpeed10Ms, solarElevationDeg, cloudOktas });
    expect(read(70, 0)).toBe(TABLE.strong[row]);
    expect(read(45, 2)).toBe(TABLE.moderate[row]);
    expect(read(25, 4)).toBe(TABLE.slight[row]);
    expect(read(-10, 5)).toBe(TABLE.nightCloudy[row]);
    expect(read(-10, 4)).toBe(TABLE.nightCloudy[row]);
    expect(read(-10, 3)).toBe(TABLE.nightClear[row]);
    expect(read(-30, 0)).toBe(TABLE.nightClear[row]);
  });

  it('gives D under overcast by day and by night', () => {
    for (const windSpeed10Ms of WINDS) {
      expect(pasquillStability({ windSpeed10Ms, solarElevationDeg: 70, cloudOktas: 8 })).toBe('D');
      expect(pasquillStability({ windSpeed10Ms, solarElevationDeg: -20, cloudOktas: 8 })).toBe('D');
    }
  });

  it('lowers the insolation one class under 5–7 oktas', () => {
    expect(pasquillStability({ windSpeed10Ms: 1, solarElevationDeg: 70, cloudOktas: 6 })).toBe('A-B');
    expect(pasquillStability({ windSpeed10Ms: 4, solarElevationDeg: 45, cloudOktas: 5 })).toBe('C');
  });

  it('treats a low sun as Turner’s weak insolation: C in light wind, D otherwise', () => {
    expect(pasquillStability({ windSpeed10Ms: 1, solarElevationDeg: 10, cloudOktas: 0 })).toBe('C');
    expect(pasquillStability({ windSpeed10Ms: 2.5, solarElevationDeg: 10, cloudOktas: 0 })).toBe('D');
    expect(pasquillStability({ windSpeed10Ms: 1, solarElevationDeg: 25, cloudOktas: 7 })).toBe('C');
  });

  it('puts a wind on a row boundary in the higher row', () => {
    expect(pasquillStability({ windSpeed10Ms: 2, solarElevationDeg: 70, cloudOktas: 0 })).toBe('A-B');
    expect(pasquillStability({ windSpeed10Ms: 6, solarElevationDeg: 45, cloudOktas: 0 })).toBe('D');
  });

  it('rejects impossible input, naming the field', () => {
    expect(() => pasquillStability({ windSpeed10Ms: -1, solarElevationDeg: 0, cloudOktas: 0 })).toThrow(/windSpeed10Ms/);
    expect(() => pasquillStability({ windSpeed10Ms: 1, solarElevationDeg: 0, cloudOktas: 9 })).toThrow(/cloudOktas/);
  });
});

describe('solarElevationDeg', () => {
  const lat = 33.73; // Pingdingshan
  const lon = 113.3;

  it('puts the midsummer sun over Pingdingshan at 79.7° at 12:30 Beijing time', () => {
    // 12:30 CST is 04:30 UTC, 1.5 min after local solar noon (lon 113.3°E, equation of time −1.7 min),
    // so the sun is within 0.01° of its noon height 90 − 33.73 + 23.44 = 79.71° (NOAA's calculator
    // gives 79.71; the brief's ≈79.5 was a rough figure).
    expect(solarElevationDeg(Date.UTC(2026, 5, 21, 4, 30), lat, lon)).toBeCloseTo(79.71, 1);
  });

  it('culminates at 90° − latitude + declination', () => {
    const dayMaximum = (y: number, m: number, d: number): number => {
      let best = -90;
      for (let minute = 0; minute < 24 * 60; minute++)
        best = Math.max(best, solarElevationDeg(Date.UTC(y, m, d) + minute * 60_000, lat, lon));
      return best;
    };
    // Solstice declinations ±23.44°; refraction adds 0.03° at the winter noon height.
    expect(dayMaximum(2026, 11, 21)).toBeCloseTo(90 - lat - 23.44 + 0.03, 1);
    expect(dayMaximum(2026, 5, 21)).toBeCloseTo(90 - lat + 23.44, 1);
  });

  it('is below the horizon at local midnight and rising in the morning', () => {
    expect(solarElevationDeg(Date.UTC(2026, 5, 20, 16, 0), lat, lon)).toBeLessThan(-30);
    const seven = solarElevationDeg(Date.UTC(2026, 5, 20, 23, 0), lat, lon);
    const eight = solarElevationDeg(Date.UTC(2026, 5, 21, 0, 0), lat, lon);
    expect(seven).toBeGreaterThan(0);
    expect(eight).toBeGreaterThan(seven);
  });
});
