import { describe, expect, it } from 'vitest';
import { AirRaster } from '../../../../server/sim/environment/AirRaster.ts';
import { plumeConcentration, sigmaY, sigmaZ, windAtHeight } from '../../../../server/sim/environment/dispersion/index.ts';
import { areaSourceConcentration, TrafficDispersion, type KernelWeather } from '../../../../server/sim/environment/TrafficDispersion.ts';
import { smallCity } from '../../../helpers/smallCity.ts';

const WEATHERS: KernelWeather[] = [
  { windFromDeg: 45, windSpeed10Ms: 2.5, stability: 'D', mixingHeightM: 800 },
  { windFromDeg: 200, windSpeed10Ms: 1.2, stability: 'F', mixingHeightM: 120 },
  { windFromDeg: 290, windSpeed10Ms: 4, stability: 'B', mixingHeightM: 1500 },
];

describe('TrafficDispersion', () => {
  it('agrees with summing the plume formula over every emitting cell within 5 %, for several weathers', () => {
    const raster = new AirRaster(smallCity(), 50); // 24 × 24 cells
    const n = raster.cells;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    // Roads: a cross and a diagonal, with uneven rates.
    for (let i = 0; i < n; i++) {
      const c = i % raster.cols;
      const r = Math.floor(i / raster.cols);
      if (c === 7 || r === 15) a[i] = 0.002 * (1 + ((c * 7 + r * 3) % 5));
      if (c === r) b[i] = 0.01;
    }
    for (const w of WEATHERS) {
      const d = new TrafficDispersion(raster, 'urban');
      d.setWeather(w);
      const outA = new Float32Array(n);
      const outB = new Float32Array(n);
      d.disperse(a, b, outA, outB);
      let checked = 0;
      for (let i = 0; i < n; i += 5) {
        let refA = 0;
        let refB = 0;
        for (let j = 0; j < n; j++) {
          if (a[j] === 0 && b[j] === 0) continue;
          const unit = areaSourceConcentration(raster.centreX(i) - raster.centreX(j), raster.centreY(i) - raster.centreY(j), raster.cellM, w, 'urban');
          refA += a[j] * unit;
          refB += b[j] * unit;
        }
        for (const [got, ref] of [[outA[i], refA], [outB[i], refB]]) {
          if (ref < 1e-3) expect(got).toBeLessThan(2e-3);
          else {
            expect(Math.abs(got - ref) / ref).toBeLessThan(0.05);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(50);
    }
  });

  it("makes a cell's emission look like a point source's plume from afar (within 5 % beyond 20 cells)", () => {
    const w = WEATHERS[0];
    const cell = 100;
    for (const x of [2000, 4000]) {
      // Straight downwind of a wind from 45°: towards the south-west.
      const dx = -x * Math.SQRT1_2;
      const dy = -x * Math.SQRT1_2;
      const area = areaSourceConcentration(dx, dy, cell, w, 'urban');
      const point = plumeConcentration({
        gPerS: 1,
        windMs: windAtHeight(w.windSpeed10Ms, 1, w.stability, 'urban'),
        effectiveHeightM: 1,
        sigmaYM: sigmaY(x, w.stability, 'urban'),
        sigmaZM: sigmaZ(x, w.stability, 'urban'),
        crosswindM: 0,
        receptorHeightM: 1.5,
        mixingHeightM: w.mixingHeightM,
      });
      expect(Math.abs(area - point) / point).toBeLessThan(0.05);
    }
    // Upwind there is nothing.
    expect(areaSourceConcentration(500, 500, cell, w, 'urban')).toBe(0);
  });

  it('rebuilds its kernel only when the weather changes', () => {
    const d = new TrafficDispersion(new AirRaster(smallCity(), 100), 'urban');
    d.setWeather(WEATHERS[0]);
    d.setWeather({ ...WEATHERS[0] });
    expect(d.kernelsBuilt).toBe(1);
    d.setWeather(WEATHERS[1]);
    expect(d.kernelsBuilt).toBe(2);
  });
});
