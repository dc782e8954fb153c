/** Forks of a run with the real traffic engine: they start from the fork point without the traffic warm-up, and agree with the run they fork. */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { EnvironmentEngine } from '../../../server/sim/environment/EnvironmentEngine.ts';
import { Run } from '../../../server/sim/Run.ts';
import { TrafficEngine } from '../../../server/sim/traffic/TrafficEngine.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { hashObjectState } from './hashObjectState.ts';

const MIN = 60_000;
const city = smallCity();

/** A morning-peak run of traffic warmed up for 20 sim minutes and the air over it (a fork's skips the warm-ups); its traffic engine too. */
function trafficRun(fork = false): { run: Run; engine: TrafficEngine } {
  const run = new Run({ city, seed: 7, startEpochMs: Date.parse('2026-03-16T07:30:00+08:00'), durationMs: 30 * MIN, checkpointEveryMs: 2 * MIN, fork });
  const engine = new TrafficEngine();
  run.register(engine, { dailyTrips: 60_000, warmUpMinutes: 20 });
  run.register(new EnvironmentEngine());
  return { run, engine };
}

/** sha256 of the run's moving objects and air grids now. */
function stateHash(run: Run): string {
  const hash = createHash('sha256').update(hashObjectState(run.objects()));
  for (const grid of run.firstOutput('grids')?.grids ?? []) hash.update(new Uint8Array(grid.values.buffer, grid.values.byteOffset, grid.values.byteLength));
  return hash.digest('hex');
}

describe('Run forks', () => {
  it('start from the fork point without the warm-up, and come to the states of the run they fork', () => {
    const source = trafficRun();
    // Warmed up, the source's traffic has vehicles on the roads at time 0.
    expect(source.run.warmUp()).toBe(true);
    expect(source.engine.counts().onNetwork).toBeGreaterThan(0);
    source.run.seek(5 * MIN);
    const point = source.run.forkPoint();
    expect(point.timeMs).toBe(4 * MIN);

    const fork = trafficRun(true);
    // The fork's engine ran no warm-up: its roads are empty until the fork point's states arrive.
    expect(fork.engine.counts()).toEqual({ departed: 0, arrived: 0, onNetwork: 0, waiting: 0 });
    expect(() => fork.run.stepOnce()).toThrow(/startFrom must come before any other use/);
    expect(fork.run.startFrom(point)).toEqual({ ok: true });
    expect(fork.run.status().timeMs).toBe(4 * MIN);

    source.run.seek(7 * MIN);
    fork.run.seek(7 * MIN);
    expect(stateHash(fork.run)).toBe(stateHash(source.run));
    // Before the fork point the fork re-simulates from the source's own time-0 state (warmed up).
    source.run.seek(MIN);
    fork.run.seek(MIN);
    expect(fork.engine.counts().onNetwork).toBeGreaterThan(0);
    expect(stateHash(fork.run)).toBe(stateHash(source.run));
    source.run.dispose();
    fork.run.dispose();
  });

  it('leaves a refused fork at the start of the run it forks', () => {
    const source = trafficRun();
    source.run.seek(3 * MIN);
    const fork = trafficRun(true);
    const refused = fork.run.startFrom(source.run.forkPoint(), [{ atMs: 2 * MIN, kind: 'traffic.close_link', params: { linkId: 'nope' } }]);
    expect(refused).toMatchObject({ ok: false, code: 'bad_inject_params' });
    expect(fork.run.status().timeMs).toBe(0);
    // At the source's time-0 state: warmed up, though the fork's engine never ran the warm-up.
    expect(fork.engine.counts().onNetwork).toBeGreaterThan(0);
    source.run.seek(MIN);
    fork.run.seek(MIN);
    expect(stateHash(fork.run)).toBe(stateHash(source.run));
    source.run.dispose();
    fork.run.dispose();
  });
});
