/** A run whose engines warm up starts at once as `starting`, warms up over the ticks while the others keep stepping, then plays. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../server/protocol/events.ts';
import { LIVE_RUN_ID, RunManager } from '../../../server/realtime/RunManager.ts';
import { parseScenarioText } from '../../../server/scenario/parseScenarioText.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { scenarioYaml } from './realtimeHarness.ts';

/** The small city's traffic, warmed up for `warmUpMinutes` first. */
function trafficScenario(id: string, warmUpMinutes: number) {
  const parsed = parseScenarioText(scenarioYaml(id, '02:00:00', `  traffic: { dailyTrips: 30000, busLines: 0, warmUpMinutes: ${warmUpMinutes} }`), `${id}.yaml`, engineRegistry);
  if (!parsed.scenario) throw new Error(parsed.errors.join('\n'));
  return parsed.scenario;
}

const open: { manager: RunManager; store: RunStore }[] = [];
afterEach(() => {
  for (const { manager, store } of open.splice(0)) {
    manager.close();
    store.close();
  }
});

/** A manager with a live baseline that needs no warm-up and a "peak" scenario warmed up for 20 minutes; the test ticks it, 100 ms of wall time each (a step at 1×). */
function managerWithWarmUp() {
  const clock = { mono: 0 };
  const store = new RunStore(':memory:', { flushIntervalMs: 0 });
  const manager = new RunManager({
    cities: [smallCity()],
    store,
    scenarios: [trafficScenario('weekday', 0), trafficScenario('peak', 20)],
    registry: engineRegistry,
    now: () => clock.mono,
    tickMs: 2 ** 31 - 1,
    // Playing runs step all they owe; warming runs get 2 ms a tick, so the warm-up takes many.
    stepBudgetMs: 1e9,
    warmUpBudgetMs: 2,
    retention: null,
  });
  open.push({ manager, store });
  const events: { runId: string; event: ServerEvent }[] = [];
  manager.setSink({ frame: () => {}, event: (runId, event) => events.push({ runId, event }) });
  const pass = (): void => {
    clock.mono += 100;
    manager.tick();
  };
  return { manager, store, events, pass };
}

describe('RunManager: runs that warm up', () => {
  it('answers createRun at once with starting, steps the others while it warms, then plays it', () => {
    const { manager, events, pass } = managerWithWarmUp();
    expect(manager.get(LIVE_RUN_ID)?.state.status).toBe('playing');
    const made = manager.createRun({ scenarioId: 'peak' }, { owner: 'planner' });
    expect(made).toMatchObject({ ok: true, result: { runId: 'peak-1', status: 'starting', simTimeMs: 0 } });
    const runId = 'peak-1';
    expect(manager.list().map((r) => r.state.status)).toEqual(['playing', 'starting']);

    // Meanwhile: an inject waits for the run to play, a join gets nothing to decode, figures are not there yet.
    expect(manager.control(runId, { action: 'inject', kind: 'traffic.scale_demand', params: { factor: 1.2 } })).toMatchObject({ ok: false, error: { code: 'starting' } });
    expect(manager.catchUp(runId)).toEqual({ messages: [], sequence: 0 });
    expect(manager.traffic(runId)).toMatchObject({ ok: false, error: { code: 'no_traffic' } });
    expect(manager.objects(runId)).toBeUndefined();

    let startingTicks = 0;
    while (manager.runState(runId)?.status === 'starting') {
      const liveBefore = manager.runState(LIVE_RUN_ID)?.simTimeMs ?? 0;
      pass();
      expect(manager.runState(LIVE_RUN_ID)?.simTimeMs).toBeGreaterThan(liveBefore);
      if (manager.runState(runId)?.status === 'starting') startingTicks++;
      if (startingTicks > 100_000) throw new Error('the run never warmed up');
    }
    expect(startingTicks).toBeGreaterThan(3);
    // Nothing went out for the run while it warmed; then one runState said it plays, at time 0.
    const mine = events.filter((e) => e.runId === runId).map((e) => e.event);
    expect(mine[0]).toEqual({ type: 'runState', runId, scenarioId: 'peak', status: 'playing', speed: 1, simTimeMs: 0 });
    expect(mine.filter((e) => e.type === 'runState')).toHaveLength(1);
    for (let k = 0; k < 8; k++) pass();
    expect(manager.runState(runId)?.simTimeMs).toBeGreaterThan(0);
    const traffic = manager.traffic(runId);
    expect(traffic.ok && traffic.result.summary.vehicles).toBeGreaterThan(0);
    expect(manager.control(runId, { action: 'pause' })).toMatchObject({ ok: true, result: { status: 'paused' } });
  });

  it('stops a run that is still starting', () => {
    const { manager, pass } = managerWithWarmUp();
    const made = manager.createRun({ scenarioId: 'peak' });
    if (!made.ok) throw new Error(made.error.message);
    pass();
    expect(manager.control(made.result.runId, { action: 'stop' })).toMatchObject({ ok: true, result: { status: 'stopped', simTimeMs: 0 } });
    pass();
    expect(manager.runState(made.result.runId)?.status).toBe('stopped');
  });

  it('keeps a pause made while starting for when it is warm, and a seek finishes the warm-up at once', () => {
    const { manager, events, pass } = managerWithWarmUp();
    const paused = manager.createRun({ scenarioId: 'peak' });
    if (!paused.ok) throw new Error(paused.error.message);
    const id = paused.result.runId;
    // The pause is answered (and told to the room) with the run still starting; warm, it stays paused.
    expect(manager.control(id, { action: 'pause' })).toMatchObject({ ok: true, result: { status: 'starting' } });
    for (let k = 0; k < 100_000 && manager.runState(id)?.status === 'starting'; k++) pass();
    expect(manager.runState(id)).toMatchObject({ status: 'paused', simTimeMs: 0 });
    expect(events.filter((e) => e.runId === id && e.event.type === 'runState').map((e) => (e.event as { status: string }).status)).toEqual(['starting', 'paused']);

    const sought = manager.createRun({ scenarioId: 'peak' });
    if (!sought.ok) throw new Error(sought.error.message);
    expect(manager.control(sought.result.runId, { action: 'pause' })).toMatchObject({ ok: true });
    const seek = manager.control(sought.result.runId, { action: 'seek', simTimeMs: 60_000 });
    expect(seek).toMatchObject({ ok: true });
    expect(manager.runState(sought.result.runId)?.status).not.toBe('starting');
    for (let k = 0; k < 2000 && manager.runState(sought.result.runId)?.simTimeMs !== 60_000; k++) pass();
    expect(manager.runState(sought.result.runId)).toMatchObject({ status: 'paused', simTimeMs: 60_000 });
  });
});
