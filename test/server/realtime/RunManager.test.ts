import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../../server/protocol/controls.ts';
import type { RunStateEvent, ServerEvent } from '../../../server/protocol/events.ts';
import { api, connect, request, startTestServer, waitFor, type TestServer, type TwinClient } from './realtimeHarness.ts';
import { startTrafficManager } from './trafficHarness.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import { signInAs } from '../../helpers/signIn.ts';

let t: TestServer;
/** A director's session: the runs are theirs, and so is the live baseline's control. */
let cookie: string;
const clients: TwinClient[] = [];
beforeAll(async () => {
  t = await startTestServer();
  cookie = await signInAs(t.server, 'director');
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

/** "kind:sequence" of an object frame: the same frame wherever it travelled. */
function keyOf(frame: Uint8Array): string {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return `${frame[4]}:${view.getUint32(20, true)}`;
}

/** Collects run `runId`'s frames received by `c`, by key. */
function collect(c: TwinClient, runId: string): Map<string, Buffer> {
  const frames = new Map<string, Buffer>();
  c.on('objects', (id, frame) => {
    if (id === runId) {
      const bytes = Buffer.from(frame as Uint8Array);
      frames.set(keyOf(bytes), bytes);
    }
  });
  return frames;
}

describe('RunManager', () => {
  it('records the frames a run sent and replays them byte for byte', async () => {
    const c = connect(t.url, createHello({ client: 'test' }), cookie);
    clients.push(c);
    const created = await request<Ack<RunStateEvent>>(c, 'createRun', { scenarioId: 'smoke', seed: 7 });
    if (!created.ok) throw new Error(created.error.message);
    const runId = created.result.runId;
    expect(runId).not.toBe('live');
    const live = collect(c, runId);
    await request(c, 'join', { runId });
    await request(c, 'speed', { runId, factor: 60 });
    await waitFor(() => live.size >= 30, '30 frames of the run');
    const stopped = await request<Ack<RunStateEvent>>(c, 'stop', { runId });
    expect(stopped).toMatchObject({ ok: true, result: { status: 'stopped' } });
    const storeRunId = t.manager.get(runId)?.storeRunId as number;
    expect(t.store.getRun(storeRunId).status).toBe('finished');

    // The store holds exactly the bytes the clients got.
    let matched = 0;
    let recorded = 0;
    for (const f of t.store.openReplay(storeRunId)) {
      recorded++;
      const sent = live.get(keyOf(f.bytes));
      if (sent) {
        expect(Buffer.compare(sent, Buffer.from(f.bytes))).toBe(0);
        matched++;
      }
    }
    expect(matched).toBeGreaterThanOrEqual(25);

    // A replay streams those bytes again.
    const replay = await api(t.url, 'POST', '/api/runs', { replayOf: storeRunId, speed: 'max' }, cookie);
    expect(replay.status).toBe(201);
    const replayId = (replay.body as { state: { runId: string } }).state.runId;
    const replayed = collect(c, replayId);
    const joined = await request<Ack<RunStateEvent>>(c, 'join', { runId: replayId });
    expect(joined.ok).toBe(true);
    await waitFor(() => t.manager.runState(replayId)?.status === 'finished', 'the replay to finish');
    await waitFor(() => replayed.size >= recorded - 5, 'most replayed frames');
    let same = 0;
    for (const [key, bytes] of replayed) {
      const original = live.get(key);
      if (original) {
        expect(Buffer.compare(original, bytes)).toBe(0);
        same++;
      }
    }
    expect(same).toBeGreaterThanOrEqual(25);
    const inject = await request<Ack<unknown>>(c, 'inject', { runId: replayId, kind: 'road_walker.close_link', params: {} });
    // Replays take no inject: refused by the run rules, and by the replay itself.
    expect(inject).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(t.manager.control(replayId, { action: 'inject', kind: 'road_walker.close_link', params: {} })).toMatchObject({ ok: false, error: { code: 'replay_readonly' } });
  });
});

describe('RunManager live baseline', () => {
  it('records the always-on baseline in segments that each replay from a keyframe', async () => {
    const server = await startTestServer({ liveSegmentMs: 2000 });
    try {
      await api(server.url, 'POST', '/api/runs/live/control', { action: 'speed', factor: 10 }, await signInAs(server.server, 'director'));
      const segments = await waitFor(() => {
        const runs = server.store.listRuns().filter((r) => r.scenarioId === 'weekday');
        return runs.filter((r) => r.status === 'finished').length >= 2 && runs;
      }, 'two finished segments of the baseline');
      expect(segments.some((r) => r.status === 'running')).toBe(true);
      for (const run of segments.filter((r) => r.status === 'finished')) {
        const first = server.store.openReplay(run.id).next();
        expect(first?.kind).toBe('keyframe');
        expect(run.durationMs).toBeGreaterThanOrEqual(2000);
        expect(run.keep).toBe(false);
      }
    } finally {
      await server.close();
    }
  });
});

describe('RunManager forks', () => {
  it('makes a fork\'s change due at its start as planned, not as a director\'s, and seeks back to that start at once', () => {
    const { manager, close } = startTrafficManager();
    try {
      const events: ServerEvent[] = [];
      manager.setSink({ frame: () => {}, event: (_, event) => events.push(event) });
      const made = manager.createRun({ scenarioId: 'rush' }, { speed: 'max' });
      if (!made.ok) throw new Error(made.error.message);
      const source = made.result.runId;
      manager.control(source, { action: 'seek', simTimeMs: 6 * 60_000 });
      for (let i = 0; i < 100 && !manager.link(source, 'L3').ok; i++) manager.tick();
      manager.control(source, { action: 'pause' });
      const fork = manager.forkPoint(source);
      if (!fork.ok) throw new Error(fork.error.message);
      expect(fork.result.point.timeMs).toBe(5 * 60_000);

      const variant = manager.createRun({ scenarioId: 'rush' }, { from: fork.result.point, timeline: [{ atMs: 5 * 60_000, kind: 'test_traffic.close_link', params: { linkId: 'L3' } }] });
      if (!variant.ok) throw new Error(variant.error.message);
      const id = variant.result.runId;
      manager.control(id, { action: 'pause' });
      const atStart = manager.link(id, 'L3');
      expect(atStart).toMatchObject({ ok: true, result: { simTimeMs: 5 * 60_000 } });
      const closed = atStart.ok ? atStart.result.closedLanes : 0;
      expect(closed).toBeGreaterThan(0);
      expect(manager.link(source, 'L3')).toMatchObject({ ok: true, result: { closedLanes: 0 } });
      manager.tick();
      expect(events.filter((e) => e.type === 'injectApplied' && e.runId === id)).toEqual([expect.objectContaining({ simTimeMs: 5 * 60_000, kind: 'test_traffic.close_link', source: 'scenario' })]);

      // On in the variant, then back to its start: there at once (no re-simulation from 0), the road still closed.
      manager.control(id, { action: 'seek', simTimeMs: 7 * 60_000 });
      for (let i = 0; i < 100 && !manager.link(id, 'L3').ok; i++) manager.tick();
      expect(manager.control(id, { action: 'seek', simTimeMs: 5 * 60_000 })).toMatchObject({ ok: true });
      expect(manager.link(id, 'L3')).toMatchObject({ ok: true, result: { simTimeMs: 5 * 60_000, closedLanes: closed } });
    } finally {
      close();
    }
  });
});
