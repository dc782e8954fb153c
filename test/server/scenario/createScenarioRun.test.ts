import { describe, expect, it } from 'vitest';
import { createScenarioRun } from '../../../server/scenario/createScenarioRun.ts';
import { parseScenarioText } from '../../../server/scenario/parseScenarioText.ts';
import type { Scenario } from '../../../server/scenario/Scenario.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';
import { gridCity } from '../sim/gridCity.ts';

const scenario = parseScenarioText(
  `id: tiny
title: { zh: 小, en: Tiny }
description: { zh: 小, en: Tiny }
city: grid
start: "2026-03-16T07:00:00+08:00"
duration: "00:05:00"
seed: 9
engines: { road_walker: { vehicles: 20 } }
timeline:
  - { at: "T+00:01:00", kind: road_walker.speed_factor, params: { factor: 0.5 } }
`,
  'tiny.yaml',
  engineRegistry,
).scenario as Scenario;

describe('createScenarioRun', () => {
  it('makes a run with the scenario engines, seed, start and timeline', () => {
    const made = createScenarioRun(scenario, gridCity());
    if (!made.ok) throw new Error(made.message);
    const { run } = made;
    expect(run.engineNames).toEqual(['road_walker']);
    expect(run.seed).toBe(9);
    expect(run.status()).toMatchObject({ timeMs: 0, startEpochMs: Date.parse('2026-03-16T07:00:00+08:00'), durationMs: 300_000, stepMs: 100, playing: false });
    expect(run.objects().count).toBe(20);
    run.seek(90_000);
    expect(run.injects()).toEqual([{ atMs: 60_000, kind: 'road_walker.speed_factor', params: { factor: 0.5 }, source: 'timeline', applied: true }]);
  });

  it('answers a city that is not the scenario city', () => {
    const made = createScenarioRun({ ...scenario, city: 'pingdingshan' }, gridCity());
    expect(made).toMatchObject({ ok: false, code: 'wrong_city' });
  });
});
