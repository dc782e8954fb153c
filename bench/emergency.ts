/**
 * Emergency twin figures (issue 14):
 * - emergency.realtime_factor_rainstorm: the rainstorm scenario at 08:00, in the storm's peak hour
 *   (the run starts at 06:30 as the rain does, traffic warmed up from 05:00), with traffic,
 *   environment, flood and emergency engines together: sim seconds per wall second over 5 sim
 *   minutes, one core;
 * - emergency.dispatch_ms: choosing and routing 50 units (20 fire engines, 15 ambulances, 15 police
 *   cars) to a scene on the current traffic, the engine's own code (one backward search per kind, an
 *   A* route per unit), median of 10.
 */
import { generateCity } from '../server/city/generateCity.ts';
import { createScenarioRun } from '../server/scenario/createScenarioRun.ts';
import { loadScenarios } from '../server/scenario/loadScenarios.ts';
import { EmergencyEngine } from '../server/sim/emergency/EmergencyEngine.ts';
import { engineRegistry } from '../server/sim/engineRegistry.ts';
import { median } from './stats.ts';

export async function benchEmergency(): Promise<Record<string, number>> {
  const city = generateCity();
  const { scenarios } = loadScenarios(new URL('../scenarios', import.meta.url).pathname, engineRegistry);
  const storm = scenarios.find((s) => s.id === 'rainstorm');
  if (!storm) throw new Error('bench: no rainstorm scenario');
  // From 06:30, when the rain starts, with traffic warmed up over the 90 minutes before.
  const startEpochMs = Date.parse('2026-07-20T06:30:00+08:00');
  const shift = startEpochMs - storm.startEpochMs;
  const traffic = storm.engines.traffic as Record<string, unknown>;
  const peak = {
    ...storm,
    start: '2026-07-20T06:30:00+08:00',
    startEpochMs,
    engines: { ...storm.engines, traffic: { ...traffic, warmUpMinutes: 90 } },
    timeline: storm.timeline.map((e) => ({ ...e, atMs: Math.max(0, e.atMs - shift) })),
  };
  let emergency: EmergencyEngine | undefined;
  const registry = new Map(engineRegistry);
  registry.set('emergency', () => (emergency = new EmergencyEngine()));
  const made = createScenarioRun(peak, city, { seed: storm.seed, registry });
  if (!made.ok) throw new Error(`bench: ${made.message}`);
  const run = made.run;
  // Into the storm's peak hour at 08:00 (water on the ground, roads closing), then 5 sim minutes timed.
  while (run.timeMs < 90 * 60_000) run.stepOnce();
  const from = run.timeMs;
  const start = performance.now();
  while (run.timeMs < from + 5 * 60_000) run.stepOnce();
  const factor = (run.timeMs - from) / (performance.now() - start);
  const flood = run.firstOutput('floodSummary');
  const vehicles = run.firstOutput('trafficSummary')?.vehicles ?? 0;

  if (!emergency) throw new Error('bench: the rainstorm run has no emergency engine');
  const times: number[] = [];
  let units = 0;
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    units = emergency.previewDispatch(-800 + 100 * k, 300, { fire: 20, ambulance: 15, police: 15 }).length;
    times.push(performance.now() - t0);
  }
  run.dispose();
  return {
    'emergency.realtime_factor_rainstorm': Math.round(factor * 10) / 10,
    'emergency.rainstorm_flooded_cells': flood?.floodedCells ?? 0,
    'emergency.rainstorm_closed_links': (flood?.linkCounts.closed ?? 0) + (flood?.linkCounts.impassable ?? 0),
    'emergency.rainstorm_vehicles': vehicles,
    'emergency.dispatch_ms': Math.round(median(times) * 10) / 10,
    'emergency.dispatch_units': units,
  };
}
