/** A run's warm-up in slices (Run.warmUp): the same state as in one go, nothing stepped meanwhile, and none for a fork. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvironmentEngine } from '../../../server/sim/environment/EnvironmentEngine.ts';
import { Run } from '../../../server/sim/Run.ts';
import { TrafficEngine } from '../../../server/sim/traffic/TrafficEngine.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { hashObjectState } from './hashObjectState.ts';

const MIN = 60_000;
const city = smallCity();

/** The air over a morning peak's traffic warmed up for 10 sim minutes (a fork's skips the warm-ups). */
function warmedRun(fork = false): { run: Run; traffic: TrafficEngine } {
  const run = new Run({ city, seed: 5, startEpochMs: Date.parse('2026-03-16T07:30:00+08:00'), durationMs: 20 * MIN, checkpointEveryMs: MIN, fork });
  run.register(new EnvironmentEngine(), { cellM: 100 });
  const traffic = new TrafficEngine();
  run.register(traffic, { dailyTrips: 60_000, busLines: 1, warmUpMinutes: 10 });
  return { run, traffic };
}

/** sha256 of the run's moving objects, link state and air grids now, with its traffic summary. */
function stateOf(run: Run): { hash: string; traffic: unknown; air: unknown } {
  const hash = createHash('sha256').update(hashObjectState(run.objects()));
  const links = run.firstOutput('links');
  if (links) hash.update(new Uint8Array(links.speed.buffer, links.speed.byteOffset, links.speed.byteLength));
  for (const grid of run.firstOutput('grids')?.grids ?? []) hash.update(new Uint8Array(grid.values.buffer, grid.values.byteOffset, grid.values.byteLength));
  return { hash: hash.digest('hex'), traffic: run.firstOutput('trafficSummary'), air: run.firstOutput('airSummary') };
}

describe('Run warm-up', () => {
  it('in slices comes to the same state as in one go, and the run steps nothing meanwhile', () => {
    const whole = warmedRun();
    whole.run.seek(3 * MIN);

    const sliced = warmedRun();
    expect(sliced.run.warming).toBe(true);
    let calls = 0;
    for (;;) {
      // A budget of 25 pieces of work per call.
      let pieces = 0;
      calls++;
      if (sliced.run.warmUp(() => ++pieces < 25)) break;
      expect(sliced.run.warming).toBe(true);
      expect(sliced.run.status()).toMatchObject({ timeMs: 0, playing: false });
    }
    // 10 minutes of traffic dynamics and an hour of puffs, 25 pieces at a time.
    expect(calls).toBeGreaterThan(20);
    expect(sliced.run.warming).toBe(false);
    expect(sliced.traffic.counts().onNetwork).toBeGreaterThan(0);
    expect(() => sliced.run.register(new TrafficEngine())).toThrow(/after the run has started/);
    sliced.run.seek(3 * MIN);

    const a = stateOf(sliced.run);
    expect(a.hash).toBe(stateOf(whole.run).hash);
    expect(a.traffic).toEqual(whole.run.firstOutput('trafficSummary'));
    expect(a.air).toEqual(whole.run.firstOutput('airSummary'));
    whole.run.dispose();
    sliced.run.dispose();
  });

  it('is done at once for a fork, whose states come from its fork point', () => {
    const fork = warmedRun(true);
    expect(fork.run.warmUp(() => false)).toBe(true);
    expect(fork.run.warming).toBe(false);
    expect(fork.traffic.counts().onNetwork).toBe(0);
    fork.run.dispose();
  });
});
