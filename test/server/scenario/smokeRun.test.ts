import { createHash } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CityModel } from '../../../server/city/CityModel.ts';
import { generateCity } from '../../../server/city/generateCity.ts';
import { createScenarioRun } from '../../../server/scenario/createScenarioRun.ts';
import { loadScenarios } from '../../../server/scenario/loadScenarios.ts';
import type { Scenario } from '../../../server/scenario/Scenario.ts';
import type { Run } from '../../../server/sim/Run.ts';
import { formatSimTime } from '../../../server/protocol/simTime.ts';
import { hashObjectState, updateHash } from '../sim/hashObjectState.ts';

const MIN = 60_000;
let city: CityModel;
let smoke: Scenario;

beforeAll(() => {
  city = generateCity();
  const { scenarios } = loadScenarios(path.resolve('scenarios'));
  smoke = scenarios.find((s) => s.id === 'smoke') as Scenario;
});

function smokeRun(seed?: number): Run {
  const made = createScenarioRun(smoke, city, { seed });
  if (!made.ok) throw new Error(made.message);
  return made.run;
}

/** sha256 over every step's state up to `untilMs`. */
function trace(run: Run, untilMs: number): string {
  const hash = createHash('sha256');
  updateHash(hash, run.objects());
  while (run.status().timeMs < untilMs) {
    run.stepOnce();
    updateHash(hash, run.objects());
  }
  return hash.digest('hex');
}

describe('the smoke scenario in the default city', () => {
  it('gives identical states step by step for the same seed, and different ones for another seed', () => {
    const a = trace(smokeRun(), 4 * MIN);
    expect(trace(smokeRun(), 4 * MIN)).toBe(a);
    expect(trace(smokeRun(smoke.seed + 1), 4 * MIN)).not.toBe(a);
  });

  it('reaches the same state at T+10min after seeking back to T+3min as straight through', () => {
    const straight = smokeRun();
    straight.seek(10 * MIN);
    const expected = hashObjectState(straight.objects());
    const run = smokeRun();
    while (run.status().timeMs < 10 * MIN) run.stepOnce();
    expect(hashObjectState(run.objects())).toBe(expected);
    expect(run.seek(3 * MIN)).toEqual({ ok: true });
    expect(run.status().ended).toBe(false);
    while (run.status().timeMs < 10 * MIN) run.stepOnce();
    expect(hashObjectState(run.objects())).toBe(expected);
  });

  it('closes the link of its timeline at T+00:02:00 and shows sim time in Asia/Shanghai', () => {
    const run = smokeRun();
    run.seek(2 * MIN - 100);
    expect(run.drainEvents()).toEqual([]);
    run.stepOnce();
    expect(run.drainEvents()).toEqual([
      { type: 'inject', timeMs: 2 * MIN, kind: 'road_walker.close_link', params: { linkId: 'L001853' }, source: 'timeline', result: { ok: true } },
    ]);
    expect(formatSimTime(run.status().epochMs)).toBe('2026-03-16 07:02:00');
    expect(run.objects().count).toBe(300);
  });
});
