import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../../server/protocol/controls.ts';
import type { RunStateEvent } from '../../../server/protocol/events.ts';
import { decodeLinkFrame, type DecodedLinkFrame } from '../../../server/protocol/LinkFrameCodec.ts';
import { TrafficSummary } from '../../../server/protocol/TrafficSummary.ts';
import { TRAFFIC_HISTORY_EVERY_MS, type TrafficPoint } from '../../../server/realtime/RunManager.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { api, connect, request, waitFor, type TestServer, type TwinClient } from './realtimeHarness.ts';
import { startTrafficManager, startTrafficServer } from './trafficHarness.ts';

const LINKS = smallCity().roads.links.length;

let t: TestServer;
const clients: TwinClient[] = [];
beforeAll(async () => {
  // One director starts every run here: more than the 3 a user may have open.
  t = await startTrafficServer({ maxRunsPerUser: 8 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

/** A client that keeps run `runId`'s link frames (decoded against the city), summaries and run states, in arrival order. */
function trafficViewer(runId: string) {
  const c = connect(t.url, undefined, t.cookie);
  clients.push(c);
  const seen = { frames: [] as DecodedLinkFrame[], raw: [] as Buffer[], summaries: [] as TrafficSummary[], states: [] as RunStateEvent[], bad: [] as string[], order: [] as string[] };
  c.on('links', (id, frame) => {
    if (id !== runId) return;
    seen.order.push('links');
    const r = decodeLinkFrame(frame, { linkCount: LINKS });
    if (r.ok) {
      seen.frames.push(r.frame);
      seen.raw.push(Buffer.from(frame as Uint8Array));
    } else seen.bad.push(r.error.message);
  });
  c.on('event', (event) => {
    if (event.type === 'runState' && event.runId === runId) seen.states.push(event);
  });
  c.on('traffic', (id, summary) => {
    if (id !== runId) return;
    const parsed = TrafficSummary.safeParse(summary);
    if (parsed.success) seen.summaries.push(parsed.data);
    else seen.bad.push(parsed.error.message);
  });
  return { c, seen };
}

async function createRun(c: TwinClient, scenarioId: string): Promise<string> {
  const made = await request<Ack<RunStateEvent>>(c, 'createRun', { scenarioId });
  if (!made.ok) throw new Error(made.error.message);
  return made.result.runId;
}

describe('traffic streaming', () => {
  it('colours the roads of a joining screen at once, then about once a second', async () => {
    const starter = connect(t.url, undefined, t.cookie);
    clients.push(starter);
    const runId = await createRun(starter, 'rush');
    await waitFor(() => (t.manager.runState(runId)?.simTimeMs ?? 0) > 0, 'the run to move');

    const { c, seen } = trafficViewer(runId);
    const joinedAt = Date.now();
    const joined = await request<Ack<RunStateEvent>>(c, 'join', { runId });
    expect(joined.ok).toBe(true);
    // Sent on the socket before the ack: the screen has figures for every road as the join completes.
    expect(seen.frames.length).toBeGreaterThanOrEqual(1);
    expect(seen.summaries.length).toBeGreaterThanOrEqual(1);
    expect(seen.frames[0].count).toBe(LINKS);

    await waitFor(() => seen.frames.length >= 4, 'four link frames');
    const elapsedS = (Date.now() - joinedAt) / 1000;
    // At most one broadcast per wall second, plus the one sent on joining.
    expect(seen.frames.length).toBeLessThanOrEqual(Math.floor(elapsedS) + 2);
    expect(seen.bad).toEqual([]);
    const last = seen.summaries.at(-1) as TrafficSummary;
    expect(last.vehicles).toBeGreaterThan(0);
    expect(last.odTimes[0].id).toBe('od-1');
    // Frames follow the run's clock.
    const times = seen.frames.map((f) => f.simTimeMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('shows a closed road in the next link frame and in the link API, and names unknown ids', async () => {
    const { c, seen } = trafficViewer('');
    const runId = await createRun(c, 'rush');
    const viewer = trafficViewer(runId);
    await request(viewer.c, 'join', { runId });
    const closed = await request<Ack<{ injectId: string }>>(viewer.c, 'inject', { runId, kind: 'test_traffic.close_link', params: { linkId: 'L5' } });
    expect(closed.ok).toBe(true);
    const k = smallCity().roads.links.findIndex((l) => l.id === 'L5');
    const frame = await waitFor(() => viewer.seen.frames.find((f) => f.closed[k] === 1), 'a frame with L5 closed');
    expect(Number.isNaN(frame.index[k])).toBe(true);
    expect([...frame.closed].filter(Boolean)).toHaveLength(1);
    expect(seen.frames).toHaveLength(0);

    const link = await api(t.url, 'GET', `/api/runs/${runId}/links/L5`);
    expect(link.status).toBe(200);
    expect(link.body).toMatchObject({ runId, id: 'L5', lanes: 1, closedLanes: 1, index: 10, level: 'severe', speedKmh: 0, flowVph: 0 });
    const open = await api(t.url, 'GET', `/api/runs/${runId}/links/L6`);
    expect(open.body).toMatchObject({ id: 'L6', closedLanes: 0, class: 'local' });
    expect(typeof open.body.densityVehPerKm).toBe('number');

    const noLink = await api(t.url, 'GET', `/api/runs/${runId}/links/L999`);
    expect(noLink.status).toBe(404);
    expect(noLink.body).toEqual({ error: { code: 'not_found', message: 'GET /api/runs/:id/links/:linkId: RunManager: no link "L999" in city "smallcity"' } });
    const noRun = await api(t.url, 'GET', '/api/runs/nope/links/L5');
    expect(noRun.status).toBe(404);
    expect((noRun.body.error as { message: string }).message).toMatch(/no run "nope"/);
  });

  it('answers a keyframe request with link figures on that socket only', async () => {
    const starter = connect(t.url, undefined, t.cookie);
    clients.push(starter);
    const runId = await createRun(starter, 'rush');
    const a = trafficViewer(runId);
    const b = trafficViewer(runId);
    await request(a.c, 'join', { runId });
    await request(b.c, 'join', { runId });
    // Pause between two broadcasts, once the run has moved past the last one.
    await waitFor(() => a.seen.frames.length >= 2, 'a broadcast link frame');
    const broadcastMs = a.seen.frames.at(-1)?.simTimeMs ?? 0;
    await waitFor(() => (t.manager.runState(runId)?.simTimeMs ?? 0) > broadcastMs, 'the run to move past the broadcast');
    const paused = await request<Ack<RunStateEvent>>(starter, 'pause', { runId });
    if (!paused.ok) throw new Error(paused.error.message);
    // A screen that hears of the pause already shows the paused figures, not those of the last broadcast.
    const at = paused.result.simTimeMs;
    const told = (v: typeof a) => v.seen.states.some((s) => s.status === 'paused');
    await waitFor(() => told(a) && told(b), 'both screens told of the pause');
    expect(a.seen.frames.at(-1)?.simTimeMs).toBe(at);
    expect(b.seen.frames.at(-1)?.simTimeMs).toBe(at);
    const before = { a: a.seen.frames.length, b: b.seen.frames.length };
    const ack = await request<Ack<{ sequence: number }>>(a.c, 'keyframe', { runId });
    expect(ack.ok).toBe(true);
    expect(a.seen.frames.length).toBe(before.a + 1);
    expect(a.seen.frames.at(-1)?.simTimeMs).toBe(at);
    // Longer than a traffic interval: a paused run broadcasts nothing the screens already have.
    await new Promise((r) => setTimeout(r, 1500));
    expect(a.seen.frames.length).toBe(before.a + 1);
    expect(b.seen.frames.length).toBe(before.b);
  });

  it('keeps a 5-minute history for the index chart and serves the latest figures over HTTP', async () => {
    const { c } = trafficViewer('');
    const runId = await createRun(c, 'rush');
    await request(c, 'speed', { runId, factor: 'max' });
    await waitFor(() => (t.manager.runState(runId)?.simTimeMs ?? 0) >= 20 * 60_000, '20 sim minutes');
    await request(c, 'pause', { runId });
    const res = await api(t.url, 'GET', `/api/runs/${runId}/traffic`);
    expect(res.status).toBe(200);
    const body = res.body as { runId: string; summary: TrafficSummary; history: TrafficPoint[] };
    expect(body.runId).toBe(runId);
    expect(TrafficSummary.safeParse(body.summary).success).toBe(true);
    expect(body.summary.simTimeMs).toBe(t.manager.runState(runId)?.simTimeMs);
    expect(body.history.length).toBeGreaterThanOrEqual(4);
    body.history.forEach((p, i) => {
      expect(Math.floor(p.simTimeMs / TRAFFIC_HISTORY_EVERY_MS)).toBe(i);
      expect(p.vehicles).toBeGreaterThan(0);
      expect(Object.keys(p).sort()).toEqual(['index', 'meanSpeedKmh', 'simTimeMs', 'vehicles']);
    });

    // A seek back forgets the history after the target.
    await request(c, 'seek', { runId, simTimeMs: 7 * 60_000 });
    await waitFor(() => t.manager.trafficSummary(runId)?.simTimeMs === 7 * 60_000, 'the seek to finish');
    const after = (await api(t.url, 'GET', `/api/runs/${runId}/traffic`)).body as { history: TrafficPoint[] };
    expect(after.history.every((p) => p.simTimeMs <= 7 * 60_000)).toBe(true);
    expect(after.history.length).toBe(2);

    const walk = await createRun(c, 'walk');
    const none = await api(t.url, 'GET', `/api/runs/${walk}/traffic`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error: { code: 'no_traffic', message: `GET /api/runs/:id/traffic: RunManager: run ${walk} has no traffic engine` } });
    await request(c, 'stop', { runId: walk });
    await request(c, 'stop', { runId });
  });

  it('records link frames and summaries, and a replay sends them again byte for byte', async () => {
    const { c, seen } = trafficViewer('');
    const runId = await createRun(c, 'rush');
    const live = trafficViewer(runId);
    await request(live.c, 'join', { runId });
    await request(c, 'speed', { runId, factor: 600 });
    await waitFor(() => live.seen.frames.length >= 4, 'four link frames');
    await request(c, 'stop', { runId });
    expect(seen.frames).toHaveLength(0);
    const storeRunId = t.manager.get(runId)?.storeRunId as number;
    const recorded = [...t.store.openReplay(storeRunId)].filter((f) => f.layer === 'links');
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(recorded.every((f) => f.kind === 'grid')).toBe(true);
    const summaries = t.store.eventsBetween(storeRunId, 0, Number.MAX_SAFE_INTEGER).filter((e) => e.type === 'traffic');
    expect(summaries.length).toBe(recorded.length);

    const replay = await api(t.url, 'POST', '/api/runs', { replayOf: storeRunId, speed: 'max' }, t.cookie);
    expect(replay.status).toBe(201);
    const replayId = (replay.body as { state: { runId: string } }).state.runId;
    const viewer = trafficViewer(replayId);
    await request(viewer.c, 'join', { runId: replayId });
    await waitFor(() => t.manager.runState(replayId)?.status === 'finished', 'the replay to finish');
    // The replay plays from its creation: a few frames may go out before this socket joined.
    await waitFor(() => viewer.seen.frames.length >= recorded.length - 3 && viewer.seen.summaries.length >= recorded.length - 3, 'most recorded link frames and summaries');
    const sent = new Set(live.seen.raw.map((b) => b.toString('base64')));
    for (const bytes of viewer.seen.raw) expect(sent.has(bytes.toString('base64'))).toBe(true);
    const recordedTimes = recorded.map((f) => f.simTimeMs);
    const replayedTimes = viewer.seen.summaries.map((s) => s.simTimeMs);
    expect(replayedTimes.every((time) => recordedTimes.includes(time))).toBe(true);
    expect([...replayedTimes].sort((a, b) => a - b)).toEqual(replayedTimes);
    const traffic = await api(t.url, 'GET', `/api/runs/${replayId}/traffic`);
    expect((traffic.body as { summary: TrafficSummary }).summary.simTimeMs).toBe(recorded.at(-1)?.simTimeMs);
    const link = await api(t.url, 'GET', `/api/runs/${replayId}/links/L1`);
    expect(link.body).toMatchObject({ id: 'L1', densityVehPerKm: null });
    expect(typeof link.body.index).toBe('number');
  });
});

describe('RunManager traffic sink', () => {
  it('hands the sink fresh bytes on every broadcast, never a buffer it handed out before', () => {
    const { manager, close } = startTrafficManager({ trafficIntervalMs: 0 });
    try {
      const buffers: Uint8Array[] = [];
      const copies: Buffer[] = [];
      manager.setSink({
        frame: () => {},
        event: () => {},
        links: (_, bytes) => {
          buffers.push(bytes);
          copies.push(Buffer.from(bytes));
        },
        traffic: () => {},
      });
      const made = manager.createRun({ scenarioId: 'rush' }, { speed: 'max' });
      if (!made.ok) throw new Error(made.error.message);
      for (let i = 0; i < 6; i++) manager.tick();
      expect(buffers.length).toBeGreaterThanOrEqual(5);
      expect(new Set(buffers.map((b) => b.buffer)).size).toBe(buffers.length);
      // What was handed out earlier is unchanged by later broadcasts.
      buffers.forEach((b, i) => expect(Buffer.compare(Buffer.from(b), copies[i])).toBe(0));
      expect(new Set(copies.map((b) => b.toString('base64'))).size).toBe(copies.length);
    } finally {
      close();
    }
  });
});
