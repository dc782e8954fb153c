/**
 * Traffic engine figures (issue 5): vehicle updates per CPU second with a given number of vehicles
 * on the default city's network (junctions, signals, lane changes and routing included), and how
 * much faster than real time the weekday baseline runs at the morning peak.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { generateCity } from '../server/city/generateCity.ts';
import { createRng } from '../server/sim/random.ts';
import { TrafficEngine } from '../server/sim/traffic/TrafficEngine.ts';
import { standaloneContext } from '../server/sim/standaloneContext.ts';

const STEP_MS = 100;
const PEAK_START = Date.parse('2026-03-16T07:30:00+08:00');
/** The weekday baseline at 08:00, warmed up from 06:00 like the live run. */
const RUSH_HOUR = Date.parse('2026-03-16T08:00:00+08:00');

/** The live baseline's traffic parameters, from its scenario file. */
function weekdayParams(): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(new URL('../scenarios/weekday.yaml', import.meta.url), 'utf8')) as { engines: { traffic: Record<string, unknown> } };
  return doc.engines.traffic;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Fills the network to `vehicles` (the engine's cap, demand well above it), then times 60 sim seconds. */
function vehicleUpdatesPerCpuSecond(city: ReturnType<typeof generateCity>, vehicles: number): { vus: number; onNetwork: number } {
  const engine = new TrafficEngine();
  engine.init(standaloneContext({ city, params: { maxVehicles: vehicles, dailyTrips: 5_000_000, demandScale: 3 }, rng: createRng(1), stepMs: STEP_MS, startEpochMs: PEAK_START }));
  let t = 0;
  // Fill: at most 90 sim minutes.
  while (engine.counts().onNetwork < vehicles * 0.97 && t < 90 * 60_000) {
    t += STEP_MS;
    engine.step(t);
  }
  const dynamicsStepS = 0.5;
  let updates = 0;
  const before = cpuMs();
  for (let s = 0; s < 60_000 / STEP_MS; s++) {
    t += STEP_MS;
    engine.step(t);
    if (t % (dynamicsStepS * 1000) === 0) updates += engine.counts().onNetwork;
  }
  const spent = (cpuMs() - before) / 1000;
  return { vus: updates / spent, onNetwork: engine.counts().onNetwork };
}

/** The weekday baseline's parameters from 08:00 (simulated from 06:00 first): sim seconds per wall second over 5 sim minutes. */
function realtimeFactorAtPeak(city: ReturnType<typeof generateCity>): { factor: number; vehicles: number } {
  const engine = new TrafficEngine();
  engine.init(standaloneContext({ city, params: { ...weekdayParams(), warmUpMinutes: 120 }, rng: createRng(20260316), stepMs: STEP_MS, startEpochMs: RUSH_HOUR }));
  // The two warm-up hours first (a run does them before it plays): the figure is the peak's own.
  engine.warmUp(() => true);
  const start = performance.now();
  let t = 0;
  while (t < 5 * 60_000) {
    t += STEP_MS;
    engine.step(t);
  }
  return { factor: t / (performance.now() - start), vehicles: engine.counts().onNetwork };
}

export async function benchTraffic(): Promise<Record<string, number>> {
  const city = generateCity();
  const peak = realtimeFactorAtPeak(city);
  const v20 = vehicleUpdatesPerCpuSecond(city, 20_000);
  const v100 = vehicleUpdatesPerCpuSecond(city, 100_000);
  return {
    'traffic.vus_20k': Math.round(v20.vus),
    'traffic.vus_100k': Math.round(v100.vus),
    'traffic.vehicles_at_100k': v100.onNetwork,
    'traffic.realtime_factor_peak': Math.round(peak.factor * 10) / 10,
    'traffic.vehicles_at_peak': peak.vehicles,
  };
}
