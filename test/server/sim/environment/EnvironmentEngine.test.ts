import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CityModel } from '../../../../server/city/CityModel.ts';
import { computeAqi } from '../../../../server/protocol/aqi.ts';
import { plumeConcentration, sigmaY, sigmaZ } from '../../../../server/sim/environment/dispersion/index.ts';
import { EnvironmentEngine } from '../../../../server/sim/environment/EnvironmentEngine.ts';
import type { GridSet } from '../../../../server/sim/outputs.ts';
import { Run, type TimelineInject } from '../../../../server/sim/Run.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { smallCity } from '../../../helpers/smallCity.ts';

const MIN = 60_000;
const START = Date.parse('2026-03-16T07:30:00+08:00');

/** The small city with two air-quality stations. */
function cityWithStations(): CityModel {
  const city = smallCity();
  city.pois.push(
    { id: 'AQ-1', kind: 'aq_station', name: { zh: '一号站', en: 'Station 1' }, x: -150, y: 150, node: city.pois[0].node },
    { id: 'AQ-2', kind: 'aq_station', name: { zh: '二号站', en: 'Station 2' }, x: 250, y: -250, node: city.pois[0].node },
  );
  return city;
}

const city = cityWithStations();
const STACK = { id: 'plant', name: { zh: '电厂', en: 'Plant' }, x: -400, y: 400, heightM: 40, diameterM: 2, exitVelocityMs: 8, exitTempK: 330, gPerS: { so2: 20, nox: 10, pm10: 2, pm25: 1 } };
const STEADY = [{ hour: 0, windFromDeg: 315, windSpeedMs: 3, cloudOktas: 8, temperatureC: 10, mixingHeightM: 800 }];

function makeRun(options: { traffic?: boolean; timeline?: TimelineInject[]; env?: Record<string, unknown> } = {}): { run: Run; env: EnvironmentEngine; traffic?: TrafficEngine } {
  const run = new Run({ city, seed: 7, startEpochMs: START, durationMs: 24 * 60 * MIN, stepMs: 500, checkpointEveryMs: 5 * MIN, timeline: options.timeline });
  const env = new EnvironmentEngine();
  // Environment first: the run must still step traffic before it, because it reads traffic.activity.
  run.register(env, { cellM: 50, weather: STEADY, stacks: [STACK], ...options.env });
  let traffic: TrafficEngine | undefined;
  if (options.traffic !== false) {
    traffic = new TrafficEngine();
    run.register(traffic, { dailyTrips: 60_000, busLines: 2 });
  }
  return { run, env, traffic };
}

function stepTo(run: Run, ms: number): void {
  while (run.timeMs < ms) run.stepOnce();
}

function grid(run: Run, layer: string): Float32Array {
  const set = run.output('environment.grids', 'grids') as GridSet;
  const g = set.grids.find((x) => x.layer === layer);
  if (!g) throw new Error(`no grid ${layer}`);
  return g.values;
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function hashGrids(run: Run): string {
  const h = createHash('sha256');
  for (const g of (run.output('environment.grids', 'grids') as GridSet).grids) h.update(g.layer).update(Buffer.from(g.values.buffer, g.values.byteOffset, g.values.byteLength));
  h.update(JSON.stringify(run.firstOutput('airSummary')));
  return h.digest('hex');
}

describe('EnvironmentEngine', () => {
  it('puts traffic NO2 on the roads: cells with road traffic read above the background, and more with more traffic', () => {
    const { run } = makeRun();
    stepTo(run, 6 * MIN);
    const no2 = grid(run, 'no2');
    const bg = 18;
    let above = 0;
    for (const v of no2) if (v > bg + 1) above++;
    // The small city is all streets: most cells see traffic NO2.
    expect(above).toBeGreaterThan(no2.length / 2);
    const quiet = makeRun({ traffic: false });
    stepTo(quiet.run, 6 * MIN);
    // Without traffic there is no NO2 but the background and the stack's (upwind cells only see the background).
    const onlyBg = grid(quiet.run, 'no2');
    let sum = 0;
    let sumTraffic = 0;
    for (let i = 0; i < no2.length; i++) {
      sum += onlyBg[i];
      sumTraffic += no2[i];
    }
    // On average traffic adds at least half a µg/m³ in every cell.
    expect(sumTraffic).toBeGreaterThan(sum + 0.5 * no2.length);
  });

  it('gives the same grids and figures for the same seed, and again after a seek back', () => {
    const a = makeRun();
    const b = makeRun();
    stepTo(a.run, 12 * MIN);
    stepTo(b.run, 12 * MIN);
    const at12 = hashGrids(a.run);
    expect(hashGrids(b.run)).toBe(at12);
    stepTo(a.run, 14 * MIN);
    a.run.seek(12 * MIN);
    expect(hashGrids(a.run)).toBe(at12);
  });

  it('starts a release that answers its id, arrives downwind after a while, and turns with the wind', () => {
    const { run } = makeRun({ traffic: false });
    stepTo(run, 2 * MIN);
    const result = run.inject('environment.release', { at: { x: 0, y: 0 }, heightM: 2, pollutant: 'chlorine', gPerS: 100 });
    expect(result).toEqual({ ok: true, id: 'release-1' });
    const raster = { cols: 24, cellM: 50, origin: -600 };
    const at = (g: Float32Array, x: number, y: number): number => g[Math.floor((y - raster.origin) / raster.cellM) * raster.cols + Math.floor((x - raster.origin) / raster.cellM)];
    // The wind blows from the north-west, towards the south-east, at 3 m/s: 360 m in two minutes.
    stepTo(run, 4 * MIN);
    const se = at(grid(run, 'chlorine'), 300, -300);
    const sw = at(grid(run, 'chlorine'), -300, -300);
    expect(se).toBeGreaterThan(100);
    expect(sw).toBeLessThan(se / 100);
    const summary = run.firstOutput('airSummary');
    expect(summary?.releases).toEqual([expect.objectContaining({ id: 'release-1', substance: 'chlorine', active: true, endMs: null })]);
    // The wind turns 90°: from the north-east, the cloud goes south-west.
    expect(run.inject('environment.weather', { windFromDeg: 45 })).toEqual({ ok: true });
    stepTo(run, 8 * MIN);
    const se2 = at(grid(run, 'chlorine'), 300, -300);
    const sw2 = at(grid(run, 'chlorine'), -300, -300);
    expect(sw2).toBeGreaterThan(100);
    expect(se2).toBeLessThan(se / 10);
    // A point asked for exactly agrees with the grid's cell where the cloud is broad.
    const exact = run.sampleAt(-275, -275, 1.5).chlorine;
    expect(Math.abs(exact - at(grid(run, 'chlorine'), -275, -275)) / exact).toBeLessThan(0.25);
  });

  it('a long release in steady weather, once arrived, equals the steady plume formula within 5 %', () => {
    const steady = { weather: [{ hour: 0, windFromDeg: 270, windSpeedMs: 3, cloudOktas: 8, temperatureC: 10, mixingHeightM: 800 }], stacks: [] };
    const { run } = makeRun({ traffic: false, env: steady });
    stepTo(run, MIN);
    expect(run.inject('environment.release', { at: { x: -550, y: 0 }, heightM: 2, pollutant: 'chlorine', gPerS: 10 })).toMatchObject({ ok: true });
    // From the west at 3 m/s: 1 km in under 6 minutes; wait 10.
    stepTo(run, 11 * MIN);
    for (const x of [60, 150, 400, 1000]) {
      const sy = sigmaY(x, 'D', 'urban');
      const sz = sigmaZ(x, 'D', 'urban');
      for (const y of [0, sy]) {
        const plume = plumeConcentration({ gPerS: 10, windMs: 3, effectiveHeightM: 2, sigmaYM: sy, sigmaZM: sz, crosswindM: y, receptorHeightM: 1.5, mixingHeightM: 800 });
        const puffs = run.sampleAt(-550 + x, y, 1.5).chlorine;
        expect(Math.abs(puffs - plume) / plume).toBeLessThan(0.05);
      }
    }
    // Right at the leak the air reads its cloud, not the gaps between puffs: more than 100 m downwind.
    const atLeak = run.sampleAt(-550, 0, 1.5).chlorine;
    expect(atLeak).toBeGreaterThan(run.sampleAt(-450, 0, 1.5).chlorine);
  });

  it('names a release as asked, changes its rate, and draws its cloud close up on a fine grid', () => {
    const { run } = makeRun({ traffic: false });
    stepTo(run, MIN);
    expect(run.inject('environment.release', { id: 'leak-1', at: { x: 0, y: 0 }, heightM: 2, pollutant: 'ammonia', gPerS: 200 })).toEqual({ ok: true, id: 'leak-1' });
    expect(run.inject('environment.release', { id: 'leak-1', at: { x: 0, y: 0 }, heightM: 2, pollutant: 'ammonia', gPerS: 1 })).toMatchObject({ ok: false, message: expect.stringContaining('id: "leak-1" is taken') });
    stepTo(run, 4 * MIN);
    const local = run.output('environment.releases', 'localGrids') as GridSet;
    const fine = local.grids.find((g) => g.layer === 'ammonia');
    expect(fine?.cellSize).toBeLessThan(50);
    // The close-up holds the whole cloud: its most equals the city grid's within the coarse cells' averaging.
    const coarseMax = Math.max(...grid(run, 'ammonia'));
    const fineMax = Math.max(...(fine?.values ?? []));
    expect(fineMax).toBeGreaterThan(coarseMax);
    // Halving the rate halves what arrives once the new puffs have crossed.
    expect(run.inject('environment.release_rate', { id: 'leak-1', gPerS: 100 })).toEqual({ ok: true });
    stepTo(run, 12 * MIN);
    const halved = run.sampleAt(300, -300, 1.5).ammonia;
    expect(run.inject('environment.release_rate', { id: 'leak-1', gPerS: 0 })).toEqual({ ok: true });
    expect(run.firstOutput('airSummary')?.releases).toEqual([expect.objectContaining({ id: 'leak-1', gPerS: 0, endMs: 12 * MIN })]);
    expect(run.inject('environment.release_rate', { id: 'nope', gPerS: 1 })).toMatchObject({ ok: false, message: expect.stringContaining('id: no release "nope"') });
    const { run: full } = makeRun({ traffic: false });
    stepTo(full, MIN);
    full.inject('environment.release', { id: 'leak-1', at: { x: 0, y: 0 }, heightM: 2, pollutant: 'ammonia', gPerS: 200 });
    stepTo(full, 12 * MIN);
    expect(halved / full.sampleAt(300, -300, 1.5).ammonia).toBeCloseTo(0.5, 2);
  });

  it('refuses bad injects naming the field and value, and carries on', () => {
    const { run } = makeRun({ traffic: false });
    stepTo(run, MIN);
    expect(run.inject('environment.release', { at: { x: 0, y: 0 }, heightM: 2, pollutant: 'Chlorine!', gPerS: 1 })).toMatchObject({ ok: false, message: expect.stringMatching(/^environment.release: pollutant: /) });
    expect(run.inject('environment.release', { at: { x: 5000, y: 0 }, heightM: 2, pollutant: 'smoke', gPerS: 1 })).toMatchObject({ ok: false, message: expect.stringMatching(/at: \(5000, 0\) m is outside the city/) });
    expect(run.inject('environment.weather', {})).toMatchObject({ ok: false, message: expect.stringMatching(/give at least one/) });
    expect(run.inject('environment.weather', { windSpeedMs: -1 })).toMatchObject({ ok: false, message: expect.stringMatching(/windSpeedMs/) });
    stepTo(run, 2 * MIN);
    expect(run.firstOutput('airSummary')?.simTimeMs).toBe(2 * MIN);
  });

  it("reports each station's readings with noise around the model, and its AQI from its 1-hour means", () => {
    const { run } = makeRun();
    stepTo(run, 20 * MIN);
    const s = run.firstOutput('airSummary');
    if (!s) throw new Error('no summary');
    expect(s.stations.map((x) => x.id)).toEqual(['AQ-1', 'AQ-2']);
    for (const st of s.stations) {
      const model = run.sampleAt(st.x, st.y, 1.5);
      // The minute reading is the model with 5 % noise (grid for traffic): within 25 %.
      expect(Math.abs(st.minute.pm10 - model.pm10) / model.pm10).toBeLessThan(0.25);
      expect(st.aqi).toBe(computeAqi(st.hourly, { mode: 'realtime', standard: 'HJ 633—2026' }).aqi);
    }
    expect(s.standard).toBe('HJ 633—2026');
    // The city's AQI comes from the stations' mean concentrations.
    const mean = (p: string): number => (s.stations[0].hourly[p] + s.stations[1].hourly[p]) / 2;
    expect(s.concentrations.pm25).toBeCloseTo(mean('pm25'), 2);
    expect(s.weather).toMatchObject({ windFromDeg: 315, windSpeedMs: 3, stability: 'D', stabilityFixed: false, mixingHeightM: 800 });
  });

  it('gives each station a daily AQI from its 24-hour means once 20 whole hours are in', () => {
    const { run } = makeRun({ traffic: false, env: { stationNoise: 0 } });
    // The station's trailing 1-hour mean at each whole hour is that hour's mean.
    const hours: Record<string, number>[] = [];
    for (let h = 1; h <= 20; h++) {
      stepTo(run, h * 60 * MIN);
      const st = run.firstOutput('airSummary')?.stations[0];
      if (!st) throw new Error('no station');
      if (h < 20) expect(st.daily).toBeNull();
      hours.push(st.hourly);
    }
    const daily = run.firstOutput('airSummary')?.stations[0].daily;
    const mean = (p: string): number => hours.reduce((a, h) => a + h[p], 0) / hours.length;
    const o3 = hours.map((h) => h.o3).reverse();
    let o3Eight = -Infinity;
    for (let end = 0; end < o3.length; end++) {
      const window = o3.slice(end, end + 8);
      if (window.length >= 6) o3Eight = Math.max(o3Eight, window.reduce((a, b) => a + b, 0) / window.length);
    }
    const expected = computeAqi(
      { pm25: mean('pm25'), pm10: mean('pm10'), so2: mean('so2'), no2: mean('no2'), co: mean('co'), o3: Math.max(...o3), o3_8h: o3Eight },
      { mode: 'daily', standard: 'HJ 633—2026' },
    );
    // The hourly figures in the summary are rounded to 0.001: the AQI is an integer, rounded up.
    expect(daily).toEqual({ aqi: expected.aqi, level: expected.level, primary: expected.primary });
  });

  it('a closure takes the NOx off the closed road and puts it where its traffic goes, and the air follows the emissions', () => {
    // A still, stable night: what a street breathes is mostly what its own traffic emits.
    const still = { weather: [{ hour: 0, windFromDeg: 0, windSpeedMs: 0.5, cloudOktas: 0, temperatureC: 2, mixingHeightM: 100, stability: 'F' }], stacks: [] };
    const base = makeRun({ env: still });
    const variant = makeRun({ env: still });
    stepTo(base.run, 3 * MIN);
    stepTo(variant.run, 3 * MIN);
    const traffic = variant.traffic as TrafficEngine;
    const counts = new Map<string, number>();
    for (const v of traffic.vehicles()) counts.set(v.linkId, (counts.get(v.linkId) ?? 0) + 1);
    const [busiest] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const net = traffic.network();
    const k = net.linkIndex.get(busiest) as number;
    expect(variant.run.inject('traffic.close_link', { linkId: busiest })).toEqual({ ok: true });
    const metresOn = (run: Run, link: number): number => {
      const a = run.firstOutput('linkActivity');
      if (!a) throw new Error('no link activity');
      let m = 0;
      for (let j = 0; j < a.kinds; j++) m += a.metres[link * a.kinds + j];
      return m;
    };
    // Per-cell changes, variant minus baseline, summed over the minutes: emissions and NO2.
    const dEmission = new Float64Array(24 * 24);
    const dNo2 = new Float64Array(24 * 24);
    let streetBase = 0;
    let streetVariant = 0;
    for (let t = 4 * MIN; t <= 15 * MIN; t += MIN) {
      stepTo(base.run, t);
      stepTo(variant.run, t);
      streetBase += metresOn(base.run, k);
      streetVariant += metresOn(variant.run, k);
      const eb = base.env.emissionsOf('nox');
      const ev = variant.env.emissionsOf('nox');
      const gb = grid(base.run, 'no2');
      const gv = grid(variant.run, 'no2');
      for (let c = 0; c < dNo2.length; c++) {
        dEmission[c] += ev[c] - eb[c];
        dNo2[c] += gv[c] - gb[c];
      }
    }
    // Hardly anything drives the closed link any more (those on it when it closed leave it).
    expect(streetVariant).toBeLessThan(streetBase * 0.2);
    // Where its traffic went the environment engine emits more: some cells' NOx rose. (In this
    // small grid the traffic spreads over many parallel streets, so no single detour carries it all.)
    expect(Math.max(...dEmission)).toBeGreaterThan(0);
    // In still air the NO2 follows: where emissions rose NO2 rose, where they fell it fell (correlation over the cells).
    expect(correlation(dEmission, dNo2)).toBeGreaterThan(0.5);
  });
});
