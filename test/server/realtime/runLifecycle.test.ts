/** How runs end: limits per user and for replays, idle runs stopped, what-if runs stopped when done, removal with recordings, live injects for a day. */
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../server/protocol/events.ts';
import type { RunManager } from '../../../server/realtime/RunManager.ts';
import { WhatIfManager } from '../../../server/whatif/WhatIfManager.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { startTrafficManager } from './trafficHarness.ts';

/** Starts a run of "rush" for `owner` and returns its id (throws on a refusal). */
function rush(manager: RunManager, owner: string | null = null): string {
  const made = manager.createRun({ scenarioId: 'rush' }, { owner });
  if (!made.ok) throw new Error(made.error.message);
  return made.result.runId;
}

/** A finished recording: a run of "rush" stepped a little and stopped; its RunStore id. */
function recording(manager: RunManager): number {
  const id = rush(manager);
  manager.control(id, { action: 'speed', factor: 'max' });
  manager.tick();
  manager.control(id, { action: 'stop' });
  return manager.get(id)?.storeRunId as number;
}

describe('run limits', () => {
  it('limits each user to maxRunsPerUser runs and replays together, naming the user, and shows owners', () => {
    const { manager, close } = startTrafficManager({ maxRunsPerUser: 3 });
    try {
      const stored = recording(manager);
      const alice = [rush(manager, 'alice'), rush(manager, 'alice')];
      const replay = manager.createReplay({ replayOf: stored }, 'alice');
      if (!replay.ok) throw new Error(replay.error.message);
      expect(manager.get(alice[0])?.owner).toBe('alice');
      expect(manager.get(replay.result.runId)).toMatchObject({ kind: 'replay', owner: 'alice' });
      expect(manager.freeRunSlots('alice')).toBe(0);

      const refused = manager.createRun({ scenarioId: 'rush' }, { owner: 'alice' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'too_many_runs' } });
      if (!refused.ok) expect(refused.error.message).toBe('RunManager: user "alice" already has 3 runs and replays open (at most 3 per user); stop one first');
      expect(manager.createReplay({ replayOf: stored }, 'alice')).toMatchObject({ ok: false, error: { code: 'too_many_runs' } });
      // Others are not held back by alice's runs.
      expect(manager.get(rush(manager, 'bob'))?.owner).toBe('bob');
      expect(manager.list().map((r) => r.owner)).toEqual([null, 'alice', 'alice', 'alice', 'bob']);

      manager.control(alice[0], { action: 'stop' });
      expect(manager.freeRunSlots('alice')).toBe(1);
      expect(manager.createReplay({ replayOf: stored }, 'alice').ok).toBe(true);
    } finally {
      close();
    }
  });

  it('counts replays against maxRuns and refuses them beyond it', () => {
    const { manager, close } = startTrafficManager({ maxRuns: 3 });
    try {
      const stored = recording(manager);
      rush(manager);
      expect(manager.createReplay({ replayOf: stored }).ok).toBe(true);
      expect(manager.createReplay({ replayOf: stored }).ok).toBe(true);
      expect(manager.freeRunSlots()).toBe(0);
      expect(manager.createReplay({ replayOf: stored })).toMatchObject({ ok: false, error: { code: 'too_many_runs', message: 'RunManager: 3 runs and replays are already open (at most 3); stop one first' } });
      expect(manager.createRun({ scenarioId: 'rush' })).toMatchObject({ ok: false, error: { code: 'too_many_runs' } });
    } finally {
      close();
    }
  });
});

describe('idle runs', () => {
  it('stops runs and replays nobody watched for idleRunMs, paused or not; the live baseline and watched runs, paused or not, go on', () => {
    let clock = 0;
    const log: string[] = [];
    const { manager, store, close } = startTrafficManager({ idleRunMs: 10_000, now: () => clock, liveScenarioId: 'rush', log: (line) => log.push(line) });
    try {
      const watched = rush(manager);
      const unwatched = rush(manager);
      const read = rush(manager);
      const paused = rush(manager);
      const pausedUnwatched = rush(manager);
      const replay = manager.createReplay({ replayOf: recording(manager) });
      if (!replay.ok) throw new Error(replay.error.message);
      manager.setWatchers((runId) => (runId === watched || runId === paused ? 1 : 0));
      const status = (id: string) => manager.runState(id)?.status;
      manager.control(paused, { action: 'pause' });
      manager.control(pausedUnwatched, { action: 'pause' });
      for (clock = 1000; clock <= 9000; clock += 1000) {
        manager.tick();
        // A script reading a run over HTTP counts as watching it.
        manager.touch(read);
      }
      expect([watched, unwatched, read, paused, pausedUnwatched, replay.result.runId].map(status)).not.toContain('stopped');
      clock = 11_000;
      manager.tick();
      expect(status(unwatched)).toBe('stopped');
      expect(status(pausedUnwatched)).toBe('stopped');
      expect(status(replay.result.runId)).toBe('stopped');
      // A drill held paused while screens watch it stays open.
      expect([watched, read, paused, 'live'].map(status)).toEqual(['playing', 'playing', 'paused', 'playing']);
      expect(store.getRun(manager.get(unwatched)?.storeRunId as number).status).toBe('finished');
      expect(log).toContain(`RunManager: stopped ${unwatched}: nobody watched it for 10 s`);
      expect(log).toContain(`RunManager: stopped ${pausedUnwatched}: nobody watched it for 10 s`);

      clock = 25_000;
      manager.tick();
      expect(status(read)).toBe('stopped');
      expect([watched, paused, 'live'].map(status)).toEqual(['playing', 'paused', 'playing']);
    } finally {
      close();
    }
  });
});

describe('what-if runs', () => {
  it('are owned by who asked, count against their limit, and stop when the comparison is done, which stays readable', () => {
    const { manager, close } = startTrafficManager({ maxRunsPerUser: 3 });
    const whatif = new WhatIfManager(manager, [smallCity()]);
    try {
      const request = { scenarioId: 'rush', changes: [{ atMs: 0, kind: 'test_traffic.close_link', params: { linkId: 'L3' } }], untilMs: 2 * 60_000 };
      const mine = rush(manager, 'alice');
      rush(manager, 'alice');
      expect(whatif.start(request, 'alice')).toMatchObject({ ok: false, error: { code: 'too_many_runs', message: 'POST /api/whatif: a what-if needs two runs and only 1 more may be open now by alice; stop a run first' } });
      manager.control(mine, { action: 'stop' });

      const started = whatif.start(request, 'alice');
      if (!started.ok) throw new Error(started.error.message);
      const sides = [started.result.baseline.runId, started.result.variant.runId];
      expect(sides.map((id) => manager.get(id)?.owner)).toEqual(['alice', 'alice']);
      for (let i = 0; i < 500 && whatif.get(started.result.id)?.status === 'running'; i++) manager.tick();
      expect(whatif.get(started.result.id)).toMatchObject({ status: 'done', progress: 1, deltas: expect.any(Object) });
      expect(sides.map((id) => manager.runState(id))).toEqual(sides.map(() => expect.objectContaining({ status: 'stopped', simTimeMs: 2 * 60_000 })));
      expect(manager.freeRunSlots('alice')).toBe(2);
      // Still there once the stopped runs are forgotten.
      for (const id of sides) manager.remove(id, { deleteRecording: false });
      expect(whatif.get(started.result.id)).toMatchObject({ status: 'done', progress: 1 });
    } finally {
      close();
    }
  });
});

describe('RunManager.remove', () => {
  it('stops and forgets a run, deleting every segment of its recording unless kept', () => {
    const { manager, store, close } = startTrafficManager();
    try {
      const id = rush(manager);
      manager.control(id, { action: 'speed', factor: 'max' });
      manager.tick();
      // A seek back starts a second segment.
      manager.control(id, { action: 'seek', simTimeMs: 0 });
      const segments = [manager.get(id)?.storeRunId as number];
      expect(segments[0]).toBeGreaterThan(1);
      segments.unshift(segments[0] - 1);
      const removed = manager.remove(id, { deleteRecording: true });
      expect(removed).toEqual({ ok: true, result: { runId: id, kind: 'scenario', stopped: true, deletedRecordings: segments } });
      expect(manager.get(id)).toBeUndefined();
      for (const s of segments) expect(() => store.getRun(s)).toThrow(/unknown run/);

      const kept = rush(manager);
      const keptStore = manager.get(kept)?.storeRunId as number;
      expect(manager.remove(kept, { deleteRecording: false })).toEqual({ ok: true, result: { runId: kept, kind: 'scenario', stopped: true, deletedRecordings: [] } });
      expect(store.getRun(keptStore).status).toBe('finished');
      expect(manager.remove(kept, { deleteRecording: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      close();
    }
  });

  it('refuses the live baseline, and a recording someone is replaying until the replay stops', () => {
    const { manager, store, close } = startTrafficManager({ liveScenarioId: 'rush' });
    try {
      expect(manager.remove('live', { deleteRecording: true })).toEqual({ ok: false, error: { code: 'live_protected', message: 'RunManager: the live baseline cannot be removed' } });
      const id = rush(manager);
      manager.control(id, { action: 'stop' });
      const stored = manager.get(id)?.storeRunId as number;
      const replay = manager.createReplay({ replayOf: stored });
      if (!replay.ok) throw new Error(replay.error.message);
      expect(manager.remove(id, { deleteRecording: true })).toEqual({
        ok: false,
        error: { code: 'in_use', message: `RunManager: run ${id}'s recording ${stored} is being replayed (${replay.result.runId}); stop that replay first, or keep the recording` },
      });
      expect(manager.get(id)).toBeDefined();
      // Removing the replay leaves the recording it plays (not its own).
      expect(manager.remove(replay.result.runId, { deleteRecording: true })).toMatchObject({ ok: true, result: { kind: 'replay', stopped: true, deletedRecordings: [] } });
      expect(manager.remove(id, { deleteRecording: true })).toMatchObject({ ok: true, result: { stopped: false, deletedRecordings: [stored] } });
      expect(store.listRuns().map((r) => r.id)).not.toContain(stored);
    } finally {
      close();
    }
  });
});

describe('live injects', () => {
  it("last for their day unless daily: after the baseline's restart only the daily one is made again", () => {
    const { manager, close } = startTrafficManager({ liveScenarioId: 'rush' });
    try {
      const events: ServerEvent[] = [];
      manager.setSink({ frame: () => {}, event: (_, e) => events.push(e) });
      manager.control('live', { action: 'speed', factor: 'max' });
      events.length = 0;
      const tickUntil = (done: () => boolean, what: string) => {
        for (let i = 0; i < 5000 && !done(); i++) manager.tick();
        if (!done()) throw new Error(`tickUntil: ${what} never came`);
      };
      const liveAt = () => manager.runState('live')?.simTimeMs ?? 0;
      tickUntil(() => liveAt() >= 60_000, 'a minute of the live run');
      expect(manager.control('live', { action: 'inject', kind: 'test_traffic.close_link', params: { linkId: 'L3' } }).ok).toBe(true);
      expect(manager.control('live', { action: 'inject', kind: 'test_traffic.close_link', params: { linkId: 'L4' }, repeat: 'daily' }).ok).toBe(true);
      const injectedAt = liveAt();
      const closed = (linkId: string) => {
        const link = manager.link('live', linkId);
        return link.ok ? (link.result.closedLanes ?? 0) : -1;
      };
      tickUntil(() => closed('L3') > 0, 'the closure in the link figures');
      expect(closed('L4')).toBeGreaterThan(0);

      // To the end of the day and over into the next, past the time of the injects.
      const restarts = () => events.filter((e) => e.type === 'runState' && e.simTimeMs === 0).length;
      tickUntil(() => restarts() > 0, "the baseline's restart");
      events.length = 0;
      tickUntil(() => liveAt() > injectedAt + 60_000, 'the next day past the injects');
      expect(events.filter((e) => e.type === 'injectApplied').map((e) => e.type === 'injectApplied' && [e.params.linkId, e.source, e.simTimeMs])).toEqual([['L4', 'director', injectedAt]]);
      expect(closed('L3')).toBe(0);
      expect(closed('L4')).toBeGreaterThan(0);
      // The timeline holds the daily inject alone: it did not grow.
      const fork = manager.forkPoint('live');
      expect(fork.ok && fork.result.point.injects).toEqual([{ atMs: injectedAt, kind: 'test_traffic.close_link', params: { linkId: 'L4' } }]);
    } finally {
      close();
    }
  });
});
