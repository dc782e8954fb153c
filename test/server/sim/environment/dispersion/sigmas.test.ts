import { describe, expect, it } from 'vitest';
import { sigmaY, sigmaZ } from '../../../../../server/sim/environment/dispersion/sigmas.ts';

// Expected values are hand-computed from the printed formulas (ISC3 vol. II Tables 1-1, 1-2 for
// rural; Briggs urban as in REFERENCES.md), not from the code under test.
describe('sigma curves', () => {
  it.each([
    ['rural', 'A', 100, 26.854, 13.948],
    ['rural', 'B', 1000, 154.12, 109.3],
    ['rural', 'C', 2000, 193.445, 115.258],
    ['rural', 'D', 500, 36.146, 18.297],
    ['rural', 'D', 3000, 184.638, 65.116],
    ['rural', 'E', 500, 27.016, 12.801],
    ['rural', 'F', 1000, 33.884, 13.953],
    ['rural', 'F', 10_000, 270.902, 46.384],
    ['urban', 'A', 1000, 270.449, 339.411],
    ['urban', 'B', 1000, 270.449, 339.411],
    ['urban', 'C', 500, 100.416, 100],
    ['urban', 'D', 2000, 238.514, 221.359],
    ['urban', 'E', 300, 31.182, 19.931],
    ['urban', 'F', 300, 31.182, 19.931],
  ] as const)('%s class %s at %d m', (terrain, stability, x, sy, sz) => {
    expect(sigmaY(x, stability, terrain)).toBeCloseTo(sy, 2);
    expect(sigmaZ(x, stability, terrain)).toBeCloseTo(sz, 2);
  });

  it('takes the rural σz band on each side of a table boundary (D: 1–3 km, then 3–10 km)', () => {
    expect(sigmaZ(3000, 'D', 'rural')).toBeCloseTo(32.093 * 3 ** 0.64403, 3);
    expect(sigmaZ(3500, 'D', 'rural')).toBeCloseTo(33.504 * 3.5 ** 0.60486, 3);
    // Class A's first band ends at 0.10 km; past it the 0.10–0.15 km coefficients apply.
    expect(sigmaZ(100, 'A', 'rural')).toBeCloseTo(122.8 * 0.1 ** 0.9447, 4);
    expect(sigmaZ(120, 'A', 'rural')).toBeCloseTo(158.08 * 0.12 ** 1.0542, 4);
  });

  it('caps rural σz at 5000 m', () => {
    expect(sigmaZ(5000, 'A', 'rural')).toBe(5000);
    expect(sigmaZ(3000, 'A', 'rural')).toBeLessThan(5000);
  });
});

describe('half classes and short distances', () => {
  it('gives a half class the mean of its neighbours', () => {
    expect(sigmaY(1000, 'C-D', 'rural')).toBeCloseTo(85.62, 2);
    expect(sigmaZ(1000, 'C-D', 'rural')).toBeCloseTo(46.617, 2);
    expect(sigmaY(1000, 'B-C', 'urban')).toBeCloseTo(228.192, 2);
    for (const terrain of ['urban', 'rural'] as const) {
      expect(sigmaZ(700, 'A-B', terrain)).toBeCloseTo((sigmaZ(700, 'A', terrain) + sigmaZ(700, 'B', terrain)) / 2, 9);
    }
  });

  it('reads distances below 1 m as 1 m', () => {
    expect(sigmaY(0, 'D', 'rural')).toBe(sigmaY(1, 'D', 'rural'));
    expect(sigmaZ(-5, 'F', 'urban')).toBe(sigmaZ(1, 'F', 'urban'));
    expect(sigmaY(0, 'D', 'rural')).toBeGreaterThan(0);
  });
});
