import { describe, expect, it } from 'vitest';
import { plumeConcentration, puffConcentration } from '../../../../../server/sim/environment/dispersion/gaussian.ts';
import { sigmaY, sigmaZ } from '../../../../../server/sim/environment/dispersion/sigmas.ts';
import type { Stability } from '../../../../../server/sim/environment/dispersion/stability.ts';

describe('plumeConcentration', () => {
  it('reproduces the REFERENCES worked example (ISC3 rural D, 500 m)', () => {
    const sy = sigmaY(500, 'D', 'rural');
    const sz = sigmaZ(500, 'D', 'rural');
    expect(sy).toBeCloseTo(36.1, 1);
    expect(sz).toBeCloseTo(18.3, 1);
    const c = plumeConcentration({
      gPerS: 10,
      windMs: 6,
      effectiveHeightM: 50,
      sigmaYM: sy,
      sigmaZM: sz,
      crosswindM: 0,
      receptorHeightM: 0,
      mixingHeightM: Infinity,
    });
    expect(Math.abs(c - 19.2)).toBeLessThanOrEqual(0.1);
  });

  // ∫∫ C·u dy dz over the mixed layer must give back Q: reflections at the ground and the lid
  // lose nothing, and the well-mixed form carries the same flux.
  it.each([
    ['D', 200, 50, 1000],
    ['D', 1000, 50, 1000],
    ['D', 5000, 50, 1000],
    ['B', 1500, 80, 150], // σz ≈ 1.14·L: the lid's images carry much of it
    ['B', 5000, 80, 200], // σz ≈ 3.2·L: well mixed
    ['F', 1000, 10, 300],
  ] as [Stability, number, number, number][])('conserves mass: class %s at %d m, H %d m, L %d m', (stability, x, h, l) => {
    const q = 10;
    const u = 5;
    const sy = sigmaY(x, stability, 'rural');
    const sz = sigmaZ(x, stability, 'rural');
    const ny = 400;
    const nz = 800;
    const yMax = 8 * sy;
    const dy = (2 * yMax) / ny;
    const dz = l / nz;
    let flux = 0; // trapezoid rule over y ∈ [−8σy, 8σy], z ∈ [0, L]
    for (let j = 0; j <= nz; j++) {
      const wz = j === 0 || j === nz ? 0.5 : 1;
      for (let i = 0; i <= ny; i++) {
        const wy = i === 0 || i === ny ? 0.5 : 1;
        const c = plumeConcentration({
          gPerS: q,
          windMs: u,
          effectiveHeightM: h,
          sigmaYM: sy,
          sigmaZM: sz,
          crosswindM: -yMax + i * dy,
          receptorHeightM: j * dz,
          mixingHeightM: l,
        });
        flux += wy * wz * c * u * dy * dz;
      }
    }
    expect(flux / 1e6 / q).toBeGreaterThan(0.98);
    expect(flux / 1e6 / q).toBeLessThan(1.02);
  });

  it('uses the well-mixed form once σz passes 1.6 mixing heights', () => {
    const c = plumeConcentration({
      gPerS: 10,
      windMs: 4,
      effectiveHeightM: 50,
      sigmaYM: 300,
      sigmaZM: 400,
      crosswindM: 100,
      receptorHeightM: 0,
      mixingHeightM: 200,
    });
    const mixed = (10e6 / (Math.sqrt(2 * Math.PI) * 4 * 300 * 200)) * Math.exp(-(100 ** 2) / (2 * 300 ** 2));
    expect(c).toBeCloseTo(mixed, 9);
  });

  it('gives nothing at the ground from a release above the mixing height', () => {
    const input = { gPerS: 10, windMs: 4, sigmaYM: 50, sigmaZM: 30, crosswindM: 0, receptorHeightM: 0, mixingHeightM: 300 };
    expect(plumeConcentration({ ...input, effectiveHeightM: 350 })).toBe(0);
    expect(plumeConcentration({ ...input, effectiveHeightM: 250 })).toBeGreaterThan(0);
  });
});

describe('puffConcentration', () => {
  it('holds the puff mass: its integral over space is M', () => {
    const sy = 40;
    const sz = 25;
    const l = 500;
    const step = 4;
    let massUg = 0;
    for (let z = step / 2; z < l; z += step) {
      // Horizontally the puff integrates to 2πσy² times its value on its axis.
      const c0 = puffConcentration({ massG: 7, dxM: 0, dyM: 0, effectiveHeightM: 30, sigmaYM: sy, sigmaZM: sz, receptorHeightM: z, mixingHeightM: l });
      massUg += c0 * 2 * Math.PI * sy * sy * step;
    }
    expect(massUg / 1e6).toBeCloseTo(7, 3);
  });

  it('falls off as a Gaussian in every horizontal direction alike (σx = σy)', () => {
    const at = (dx: number, dy: number): number =>
      puffConcentration({ massG: 5, dxM: dx, dyM: dy, effectiveHeightM: 10, sigmaYM: 30, sigmaZM: 20, receptorHeightM: 1.5, mixingHeightM: Infinity });
    expect(at(30, 0)).toBeCloseTo(at(0, 30), 12);
    expect(at(30, 0) / at(0, 0)).toBeCloseTo(Math.exp(-0.5), 12);
  });
});
