import { describe, expect, it } from 'vitest';
import {
  PuffModel,
  plumeConcentration,
  sigmaY,
  sigmaZ,
  windAtHeight,
  type PuffSource,
  type PuffWeather,
  type Stability,
} from '../../../../../server/sim/environment/dispersion/index.ts';

const weather = (over: Partial<PuffWeather> = {}): PuffWeather => ({
  windFromDeg: 270, // from the west: blows toward +x (east)
  windSpeed10Ms: 4,
  stability: 'D',
  mixingHeightM: 1500,
  ambientTempK: 293,
  ...over,
});

const source = (over: Partial<PuffSource> = {}): PuffSource => ({
  id: 1,
  x: 0,
  y: 0,
  heightM: 20,
  gPerS: 10,
  substance: 0,
  startS: 0,
  endS: Infinity,
  ...over,
});

function run(model: PuffModel, seconds: number, w: PuffWeather, dtS = 1): void {
  for (let t = 0; t < seconds; t += dtS) model.step(dtS, w, 'rural');
}

describe('PuffModel reproduces the steady plume', () => {
  // One puff a second: at 4–5 m/s they are 4–5 m apart, well under the σy ≥ 18 m of the nearest
  // receptor, so the sum of puffs stands for the continuous plume. 1200 s lets the cloud reach past
  // the furthest receptor (2 km) by more than 4σ.
  it.each(['B', 'D', 'F'] as Stability[])('class %s, on and off the centreline', (stability) => {
    const model = new PuffModel({ releaseIntervalS: 1 });
    model.addSource(source());
    const w = weather({ stability });
    run(model, 1200, w);
    const u = windAtHeight(4, 20, stability, 'rural');
    for (const x of [500, 1000, 2000]) {
      const sy = sigmaY(x, stability, 'rural');
      const sz = sigmaZ(x, stability, 'rural');
      for (const y of [0, sy]) {
        const plume = plumeConcentration({
          gPerS: 10,
          windMs: u,
          effectiveHeightM: 20,
          sigmaYM: sy,
          sigmaZM: sz,
          crosswindM: y,
          receptorHeightM: 0,
          mixingHeightM: 1500,
        });
        expect(plume).toBeGreaterThan(1);
        const puffs = model.concentrationAt(x, y, 0, 0);
        expect(Math.abs(puffs / plume - 1), `x ${x} y ${y.toFixed(0)}: ${puffs} vs ${plume}`).toBeLessThan(0.05);
      }
    }
  });

  it('carries the emitted mass in its puffs, the last one cut at endS', () => {
    const model = new PuffModel({ releaseIntervalS: 5 });
    model.addSource(source({ gPerS: 2, startS: 3, endS: 30 }));
    run(model, 60, weather());
    const { puffs, count } = model.snapshot();
    expect(count).toBe(6); // releases at 3, 8, …, 28
    expect(puffs.massG.reduce((a, b) => a + b, 0)).toBeCloseTo(2 * 27, 9);
  });
});

describe('PuffModel in changing wind', () => {
  it('turns the cloud when the wind turns 90°', () => {
    const model = new PuffModel({ releaseIntervalS: 2 });
    model.addSource(source({ heightM: 10 }));
    run(model, 600, weather());
    const eastBefore = model.concentrationAt(1000, 0, 1.5, 0);
    const northBefore = model.concentrationAt(0, 1000, 1.5, 0);
    expect(eastBefore).toBeGreaterThan(100);
    expect(northBefore).toBeLessThan(1e-6);

    const fromSouth = weather({ windFromDeg: 180 });
    run(model, 60, fromSouth);
    // Puffs released since the turn head north.
    expect(model.concentrationAt(0, 150, 1.5, 0)).toBeGreaterThan(100 * model.concentrationAt(150, 0, 1.5, 0));
    run(model, 540, fromSouth);
    expect(model.concentrationAt(1000, 0, 1.5, 0)).toBeLessThan(0.01 * eastBefore);
    expect(model.concentrationAt(0, 1000, 1.5, 0)).toBeGreaterThan(0.5 * eastBefore);
  });

  it('lifts a hot plume as it travels', () => {
    const model = new PuffModel({ releaseIntervalS: 1 });
    model.addSource(source({ heightM: 30, exitVelocityMs: 15, exitTempK: 420, diameterM: 2 }));
    run(model, 300, weather());
    const { puffs, count } = model.snapshot();
    const newest = puffs.effectiveHeightM[count - 1];
    const oldest = puffs.effectiveHeightM[0];
    expect(newest).toBeGreaterThan(30);
    expect(oldest).toBeGreaterThan(newest);
    expect(oldest - 30).toBeLessThan(200);
  });
});

describe('PuffModel bookkeeping', () => {
  it('adds each puff to the grid as concentrationAt sees it at the cell centres', () => {
    const model = new PuffModel({ releaseIntervalS: 10 });
    model.addSource(source());
    model.addSource(source({ id: 2, x: 300, y: -200, substance: 1 }));
    run(model, 200, weather({ windFromDeg: 240, stability: 'C' }));
    const cols = 60;
    const rows = 40;
    const cell = 25;
    const grid = new Float32Array(cols * rows);
    model.addGroundGrid(grid, cols, rows, -200, -500, cell, 0, 1.5);
    expect(model.evaluations).toBeGreaterThan(0);
    const expected = grid.map((_, k) =>
      model.concentrationAt(-200 + ((k % cols) + 0.5) * cell, -500 + (Math.floor(k / cols) + 0.5) * cell, 1.5, 0),
    );
    const peak = Math.max(...expected);
    expect(peak).toBeGreaterThan(10);
    // ±4σ leaves out under 0.04 % of a puff's peak; float32 keeps 7 digits.
    for (let k = 0; k < grid.length; k++) expect(Math.abs(grid[k] - expected[k])).toBeLessThan(1e-3 * peak);
  });

  it('drops puffs that drift far outside the bounds', () => {
    const model = new PuffModel({ bounds: { minX: -1000, minY: -1000, maxX: 1000, maxY: 1000 }, dropOutsideM: 500 });
    model.addSource(source({ endS: 100 }));
    run(model, 100, weather({ windSpeed10Ms: 5 }));
    expect(model.count).toBe(20);
    run(model, 400, weather({ windSpeed10Ms: 5 }));
    expect(model.count).toBe(0);
  });

  it('drops puffs once they can no longer add a measurable concentration', () => {
    const model = new PuffModel({ dropBelowUgM3: 1 });
    model.addSource(source({ gPerS: 1, endS: 5 }));
    run(model, 5, weather({ stability: 'A' }));
    expect(model.count).toBe(1);
    run(model, 600, weather({ stability: 'A' }));
    expect(model.count).toBe(0);
  });

  it('stops a removed source but keeps its puffs in the air', () => {
    const model = new PuffModel();
    model.addSource(source());
    run(model, 50, weather());
    const before = model.count;
    model.removeSource(1);
    run(model, 50, weather());
    expect(model.count).toBe(before);
    expect(() => model.removeSource(1)).toThrow(/no source with id 1/);
    expect(() => model.addSource(source({ id: 5, gPerS: NaN }))).toThrow(/gPerS/);
  });

  it('continues byte for byte after snapshot and restore', () => {
    const options = { releaseIntervalS: 3, bounds: { minX: -3000, minY: -3000, maxX: 3000, maxY: 3000 } };
    const original = new PuffModel(options);
    original.addSource(source({ exitVelocityMs: 12, exitTempK: 400, diameterM: 1.5, heightM: 40 }));
    original.addSource(source({ id: 2, x: 500, y: 200, heightM: 2, gPerS: 3, substance: 1, startS: 20, endS: 400 }));
    for (let i = 0; i < 200; i++)
      original.step(1.5, weather({ windFromDeg: 250 + i * 0.3, stability: i < 100 ? 'B' : 'C-D' }), 'urban');

    const saved = structuredClone(original.snapshot());
    const restored = new PuffModel(options);
    restored.restore(saved);
    const grids = [original, restored].map((model) => {
      for (let i = 0; i < 150; i++)
        model.step(1.5, weather({ windFromDeg: 280 - i * 0.5, stability: 'E', mixingHeightM: 300 }), 'urban');
      const grid = new Float32Array(80 * 60);
      model.addGroundGrid(grid, 80, 60, -2000, -1500, 50, 0);
      model.addGroundGrid(grid, 80, 60, -2000, -1500, 50, 1);
      return new Uint8Array(grid.buffer);
    });
    expect(original.count).toBeGreaterThan(50);
    expect(grids[0].some((b) => b !== 0)).toBe(true);
    expect(Buffer.compare(grids[0], grids[1])).toBe(0);
    expect(restored.snapshot()).toEqual(original.snapshot());
  });
});
