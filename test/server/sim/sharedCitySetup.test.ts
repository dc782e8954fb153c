import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCity } from '../../../server/city/generateCity.ts';
import { createScenarioRun } from '../../../server/scenario/createScenarioRun.ts';
import { loadScenarios } from '../../../server/scenario/loadScenarios.ts';
import type { Scenario } from '../../../server/scenario/Scenario.ts';
import type { Run } from '../../../server/sim/Run.ts';
import { runFingerprint } from './runFingerprint.ts';

const MIN = 60_000;

/**
 * Runs share what depends only on their city (the traffic network, the signals' peak flows, the
 * flood raster's land cover): a run made while those are built (cold) and one made after (warm)
 * must be the same run, bit for bit.
 */
describe('runs of one city sharing its set-up', () => {
  it('a rainstorm run made twice in one process gives the same vehicles, link figures and water', () => {
    const city = generateCity();
    const { scenarios } = loadScenarios(path.resolve('scenarios'));
    const rainstorm = scenarios.find((s) => s.id === 'rainstorm') as Scenario;
    // A shorter warm-up and rain from the start, so water and rerouting show within minutes.
    const scenario: Scenario = { ...rainstorm, engines: { ...rainstorm.engines, traffic: { ...(rainstorm.engines.traffic as object), warmUpMinutes: 3 } } };
    const rain = { atMs: 0, kind: 'flood.rain', params: { durationS: 3600, mmPerH: 300 } };
    const runFor = (): Run => {
      const made = createScenarioRun(scenario, city, { timeline: [rain] });
      if (!made.ok) throw new Error(made.message);
      made.run.warmUp();
      while (made.run.timeMs < 4 * MIN) made.run.stepOnce();
      return made.run;
    };
    const cold = runFor();
    const coldPrint = runFingerprint(cold);
    // Water stands on the roads (the depth grid shows 1 cm and more) and traffic has filled the network.
    expect(cold.output('flood.roads', 'linkWater')?.depthM.some((d) => d > 0.005)).toBe(true);
    expect(cold.output('flood.grids', 'grids')?.grids[0].values.some((d) => d > 0)).toBe(true);
    expect(cold.objects().count).toBeGreaterThan(100);
    cold.dispose();

    const warm = runFor();
    expect(runFingerprint(warm)).toEqual(coldPrint);
    warm.dispose();
  }, 120_000);
});
