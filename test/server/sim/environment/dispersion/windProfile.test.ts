import { describe, expect, it } from 'vitest';
import { windAtHeight } from '../../../../../server/sim/environment/dispersion/windProfile.ts';

describe('windAtHeight', () => {
  it('follows the power law above 10 m with ISC3 exponents', () => {
    expect(windAtHeight(6, 50, 'D', 'rural')).toBeCloseTo(6 * 5 ** 0.15, 9);
    expect(windAtHeight(6, 50, 'F', 'rural')).toBeCloseTo(6 * 5 ** 0.55, 9);
    expect(windAtHeight(4, 100, 'D', 'urban')).toBeCloseTo(4 * 10 ** 0.25, 9);
    expect(windAtHeight(4, 100, 'A', 'urban')).toBeCloseTo(4 * 10 ** 0.15, 9);
  });

  it('averages the exponents of a half class', () => {
    expect(windAtHeight(6, 50, 'C-D', 'rural')).toBeCloseTo(6 * 5 ** 0.125, 9);
  });

  it('keeps the 10 m wind below 10 m and never goes under 1 m/s', () => {
    expect(windAtHeight(3, 2, 'E', 'urban')).toBe(3);
    expect(windAtHeight(0.3, 2, 'F', 'rural')).toBe(1);
    expect(windAtHeight(0.5, 30, 'F', 'rural')).toBe(1);
  });
});
