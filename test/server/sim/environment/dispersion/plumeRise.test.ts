import { describe, expect, it } from 'vitest';
import { plumeRise, type PlumeRiseInput } from '../../../../../server/sim/environment/dispersion/plumeRise.ts';

// A hot stack: d = 2 m, vs = 15 m/s, Ts = 420 K into air at 293 K. By hand (ISC3 vol. II §1.1.4):
// Fb = 9.80616·15·2²·127/(4·420) = 44.478 m⁴/s³ (< 55); crossover ΔTc = 0.0297·420·15^⅓/2^⅔
// = 19.38 K < 127 K, so buoyancy dominates; with us = 5 m/s the final rise is
// 21.425·44.478^0.75/5 = 73.80 m, reached at xf = 49·Fb^⅝ = 525 m; at 200 m the two-thirds law
// gives 1.60·44.478^⅓·200^⅔/5 = 38.77 m.
const hotStack: PlumeRiseInput = {
  stackHeightM: 60,
  diameterM: 2,
  exitVelocityMs: 15,
  exitTempK: 420,
  ambientTempK: 293,
  windAtStackMs: 5,
  stability: 'D',
  downwindM: 2000,
};

describe('plumeRise', () => {
  it('gives the hand-computed Briggs buoyant rise in neutral air', () => {
    expect(plumeRise(hotStack)).toBeCloseTo(73.8, 1);
    expect(plumeRise({ ...hotStack, stability: 'B' })).toBeCloseTo(73.8, 1);
  });

  it('rises gradually by the two-thirds law until the final rise', () => {
    expect(plumeRise({ ...hotStack, downwindM: 200 })).toBeCloseTo(38.77, 1);
    expect(plumeRise({ ...hotStack, downwindM: 0 })).toBe(0);
    expect(plumeRise({ ...hotStack, downwindM: 520 })).toBeLessThan(73.8);
    expect(plumeRise({ ...hotStack, downwindM: 530 })).toBeCloseTo(73.8, 1);
  });

  it('uses the Fb ≥ 55 branch for a large hot stack', () => {
    // d = 4, vs = 20, Ts = 450, Ta = 288: Fb = 282.42, ΔTc = 12.0 K; final 38.71·Fb^0.6/8 = 142.98 m.
    const big = { ...hotStack, diameterM: 4, exitVelocityMs: 20, exitTempK: 450, ambientTempK: 288, windAtStackMs: 8 };
    expect(plumeRise(big)).toBeCloseTo(142.98, 1);
  });

  it('limits the rise in stable air', () => {
    // F: s = 9.80616·0.035/293 = 0.0011714 s⁻²; with us = 3 m/s, 2.6·(44.478/(3·s))^⅓ = 60.59 m.
    expect(plumeRise({ ...hotStack, stability: 'F', windAtStackMs: 3 })).toBeCloseTo(60.59, 1);
    expect(plumeRise({ ...hotStack, stability: 'F', windAtStackMs: 3 })).toBeLessThan(
      plumeRise({ ...hotStack, stability: 'D', windAtStackMs: 3 }),
    );
  });

  it('gives a jet too cool for buoyancy to dominate its momentum rise', () => {
    // d = 0.5, vs = 20, Ts 5 K above the air: ΔTc = 0.0297·298·20^⅓/0.5^⅔ = 38 K > 5 K, so momentum
    // dominates. Fb = 0.2056, Fm = 24.58, βj = ⅓ + 4/20; gradual (3·Fm·x/(βj²·us²))^⅓ at 10 m is
    // 5.45 m; past xmax = 49·Fb^⅝ = 18.2 m the final rise 3·d·vs/us = 7.5 m holds.
    const jet = { ...hotStack, diameterM: 0.5, exitVelocityMs: 20, exitTempK: 298, windAtStackMs: 4 };
    expect(plumeRise({ ...jet, downwindM: 10 })).toBeCloseTo(5.45, 2);
    expect(plumeRise(jet)).toBeCloseTo(7.5, 6);
  });

  it('gives no rise without an exit velocity or temperature, or for gas no warmer than the air', () => {
    expect(plumeRise({ ...hotStack, exitVelocityMs: undefined })).toBe(0);
    expect(plumeRise({ ...hotStack, exitVelocityMs: 0 })).toBe(0);
    expect(plumeRise({ ...hotStack, exitTempK: undefined })).toBe(0);
    expect(plumeRise({ ...hotStack, exitTempK: 293 })).toBe(0);
  });
});
