/**
 * Environment engine figures (issue 13), from the weekday baseline run with traffic and environment
 * together at the 08:00 peak (simulated from 06:00 like the live run):
 * - env.realtime_factor_peak: sim seconds per wall second of the coupled run over 5 sim minutes;
 * - env.grid_update_ms: recomputing the whole city's ground-level grids of every pollutant from
 *   every source (traffic convolution, stack puffs, AQI), one core, median of 10;
 * - env.kernel_ms: rebuilding the traffic kernel when the weather changes (hourly at most);
 * - env.puff_evals_per_s: puff–cell evaluations per CPU second on the engine's own puffs;
 * - env.grid_bytes_per_cell: bytes of the engine's own grid frames (as streamed) per cell per layer.
 */
import { generateCity } from '../server/city/generateCity.ts';
import { encodeScalarGrid } from '../server/protocol/ScalarGridCodec.ts';
import { createScenarioRun } from '../server/scenario/createScenarioRun.ts';
import { loadScenarios } from '../server/scenario/loadScenarios.ts';
import { engineRegistry } from '../server/sim/engineRegistry.ts';
import { EnvironmentEngine } from '../server/sim/environment/EnvironmentEngine.ts';
import { TrafficDispersion } from '../server/sim/environment/TrafficDispersion.ts';
import type { Run } from '../server/sim/Run.ts';
import { median } from './stats.ts';

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The weekday baseline from 08:00 (traffic warmed up from 06:00) with its environment engine. */
function peakRun(): { run: Run; env: EnvironmentEngine } {
  const city = generateCity();
  const { scenarios } = loadScenarios(new URL('../scenarios', import.meta.url).pathname, engineRegistry);
  const weekday = scenarios.find((s) => s.id === 'weekday');
  if (!weekday) throw new Error('bench: no weekday scenario');
  const traffic = weekday.engines.traffic as Record<string, unknown>;
  const peak = { ...weekday, start: '2026-03-16T08:00:00+08:00', startEpochMs: Date.parse('2026-03-16T08:00:00+08:00'), engines: { traffic: { ...traffic, warmUpMinutes: 120 }, environment: weekday.engines.environment } };
  // The server's engines, keeping hold of the environment engine the run makes.
  let env: EnvironmentEngine | undefined;
  const registry = new Map(engineRegistry);
  registry.set('environment', () => (env = new EnvironmentEngine()));
  const made = createScenarioRun(peak, city, { seed: weekday.seed, registry });
  if (!made.ok) throw new Error(`bench: ${made.message}`);
  if (!env) throw new Error('bench: the weekday run has no environment engine');
  return { run: made.run, env };
}

export async function benchEnvironment(): Promise<Record<string, number>> {
  const { run, env } = peakRun();
  // Five sim minutes of the coupled run after its warm-up (a run does that before it plays), timed on the wall clock.
  run.warmUp();
  const start = performance.now();
  while (run.timeMs < 5 * 60_000) run.stepOnce();
  const factor = run.timeMs / (performance.now() - start);

  // The grid update at 08:05, from the engine's own state.
  const updates: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    env.recomputeGrids();
    updates.push(performance.now() - t0);
  }
  const raster = env.gridRaster();
  const kernel: number[] = [];
  for (let k = 0; k < 3; k++) {
    const d = new TrafficDispersion(raster, 'urban');
    const t0 = performance.now();
    d.setWeather({ windFromDeg: 55 + k, windSpeed10Ms: 2.6, stability: 'C', mixingHeightM: 550 });
    kernel.push(performance.now() - t0);
  }

  // Puff evaluations on the engine's own stack puffs (and a chlorine leak started for the purpose).
  run.inject('environment.release', { at: { x: 0, y: 0 }, heightM: 2, pollutant: 'chlorine', gPerS: 50 });
  while (run.timeMs < 15 * 60_000) run.stepOnce();
  const out = new Float32Array(raster.cells);
  let evaluations = 0;
  const cpuBefore = cpuMs();
  for (let k = 0; k < 20; k++) {
    for (const model of env.puffModels) {
      const before = model.evaluations;
      for (let s = 0; s < 4; s++) model.addGroundGrid(out, raster.cols, raster.rows, raster.originX, raster.originY, raster.cellM, s, 1.5);
      evaluations += model.evaluations - before;
    }
  }
  const puffCpuS = (cpuMs() - cpuBefore) / 1000;

  // The grid frames as streamed, every minute's, from 08:15 to 08:25.
  let bytes = 0;
  let cells = 0;
  for (let m = 16; m <= 25; m++) {
    while (run.timeMs < m * 60_000) run.stepOnce();
    const set = run.firstOutput('grids');
    if (!set) throw new Error('bench: no grids');
    for (const g of set.grids) {
      bytes += encodeScalarGrid(g).length;
      cells += g.values.length;
    }
  }
  run.dispose();
  return {
    'env.realtime_factor_peak': Math.round(factor * 10) / 10,
    'env.grid_update_ms': Math.round(median(updates) * 10) / 10,
    'env.kernel_ms': Math.round(median(kernel)),
    'env.puff_evals_per_s': Math.round(evaluations / puffCpuS),
    'env.puffs': env.puffModels.reduce((n, m) => n + m.count, 0),
    'env.grid_bytes_per_cell': Math.round((bytes / cells) * 1000) / 1000,
    'env.grid_cells': raster.cells,
  };
}
