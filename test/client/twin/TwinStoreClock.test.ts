import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME, createTwinStore, followRunClock } from '../../../client/twin/TwinStore.ts';
import { createLiveStore } from '../../../client/twin/live/LiveStore.ts';
import type { RunInfo } from '../../../client/twin/live/runList.ts';

const START = Date.UTC(2026, 2, 15, 22, 0); // 2026-03-16 06:00 in Asia/Shanghai
const liveRun: RunInfo = { id: 'live', kind: 'live', scenarioId: 'weekday', title: null, status: 'playing', startEpochMs: START, durationMs: null, recordingId: null };
const runState = (simTimeMs: number) => ({ type: 'runState' as const, runId: 'live', scenarioId: 'weekday', status: 'playing' as const, speed: 1 as const, simTimeMs });

describe('TwinStore clock', () => {
  it('shows the fixed daytime scene clock while no run is joined', () => {
    const store = createTwinStore();
    const live = createLiveStore();
    followRunClock(store, live);
    expect(store.getState().time).toBe(DEFAULT_TIME);
    expect(store.getState().timeSource).toBe('scene');
  });

  it('follows the joined run: its start plus the latest frame’s sim time, in whole seconds', () => {
    const store = createTwinStore();
    const live = createLiveStore();
    const stop = followRunClock(store, live);
    live.update({ runs: [liveRun], run: runState(1000) });
    expect(store.getState()).toMatchObject({ time: START + 1000, timeSource: 'run' });
    live.update({ frameSimTimeMs: 90_500 });
    expect(store.getState().time).toBe(START + 90_000);
    stop();
    live.update({ frameSimTimeMs: 200_000 });
    expect(store.getState().time).toBe(START + 90_000);
  });

  it('goes back to the scene clock when the run is left or its start is unknown', () => {
    const store = createTwinStore();
    const live = createLiveStore();
    followRunClock(store, live);
    live.update({ runs: [liveRun], run: runState(5000) });
    live.update({ runId: 'other', run: null, frameSimTimeMs: null });
    expect(store.getState()).toMatchObject({ time: DEFAULT_TIME, timeSource: 'scene' });
    live.update({ runs: [{ ...liveRun, id: 'other', startEpochMs: null }], run: { ...runState(5000), runId: 'other' } });
    expect(store.getState().timeSource).toBe('scene');
  });
});
