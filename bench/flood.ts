/**
 * Flood engine figures: flood.cell_updates_per_s, cell updates (cells the shallow-water step
 * updates × its sub-steps) per CPU second of the solver alone, on the default city at 25 m during a
 * heavy storm (100 mm/h over the whole city, after 40 minutes of it, with water standing in the
 * streets and hollows): the median of ten sim minutes, each timed on its own.
 */
import { generateCity } from '../server/city/generateCity.ts';
import { FloodEngine } from '../server/sim/flood/FloodEngine.ts';
import { createRng } from '../server/sim/random.ts';
import { standaloneContext } from '../server/sim/standaloneContext.ts';
import { median } from './stats.ts';

function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export async function benchFlood(): Promise<Record<string, number>> {
  const city = generateCity();
  const flood = new FloodEngine();
  flood.init(standaloneContext({ city, params: { cellM: 25 }, rng: createRng(1), stepMs: 500, startEpochMs: 0 }));
  flood.applyInject('flood.rain', { mmPerH: 100, durationS: 3 * 3600 }, 0);
  for (let t = 500; t <= 40 * 60_000; t += 500) flood.step(t);
  // The solver alone, through ten more sim minutes of the storm, in 5 s pieces as the engine does.
  const water = flood.solver;
  const rates: number[] = [];
  for (let minute = 0; minute < 10; minute++) {
    const before = water.cellUpdates;
    const t0 = cpuS();
    for (let k = 0; k < 12; k++) water.advance(5);
    rates.push((water.cellUpdates - before) / (cpuS() - t0));
  }
  return {
    'flood.cell_updates_per_s': Math.round(median(rates)),
    'flood.cells': flood.gridRaster.cells,
    'flood.max_depth_m': Math.round(water.state.hMax * 100) / 100,
  };
}
