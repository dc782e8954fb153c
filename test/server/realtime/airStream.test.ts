import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirSummary } from '../../../server/protocol/AirSummary.ts';
import { aqiStandardFor, computeAqi } from '../../../server/protocol/aqi.ts';
import type { Ack, InjectAnswer } from '../../../server/protocol/controls.ts';
import type { RunStateEvent } from '../../../server/protocol/events.ts';
import { enuToGeodetic } from '../../../server/protocol/geo.ts';
import { decodeScalarGrid, type DecodedScalarGrid } from '../../../server/protocol/ScalarGridCodec.ts';
import type { AirAtPoint, AirPoint } from '../../../server/realtime/RunManager.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { api, connect, request, waitFor, type TestServer, type TwinClient } from './realtimeHarness.ts';
import { AIR_LAYERS, AIR_POLLUTANTS, AIR_STATIONS, testConcentration } from './TestAirEngine.ts';
import { AIR_SCENARIOS, startTrafficManager, startTrafficServer } from './trafficHarness.ts';

const START_EPOCH_MS = Date.parse('2026-03-16T07:00:00+08:00');

let t: TestServer;
const clients: TwinClient[] = [];
beforeAll(async () => {
  // "realair": the real environment engine on the small city, with no traffic.
  t = await startTrafficServer({}, { ...AIR_SCENARIOS, realair: ['01:00:00', '  environment:\n    cellM: 50'] });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

/** A client that keeps run `runId`'s grid frames (decoded and raw) and air summaries, in arrival order. */
function airViewer(runId: string) {
  const c = connect(t.url, undefined, t.cookie);
  clients.push(c);
  const seen = { grids: [] as DecodedScalarGrid[], raw: [] as string[], air: [] as AirSummary[], bad: [] as string[], states: [] as RunStateEvent[] };
  c.on('grid', (id, frame) => {
    if (id !== runId) return;
    const r = decodeScalarGrid(frame);
    if (!r.ok) return void seen.bad.push(r.error.message);
    seen.grids.push(r.grid);
    seen.raw.push(Buffer.from(frame as Uint8Array).toString('base64'));
  });
  c.on('air', (id, summary) => {
    if (id !== runId) return;
    const parsed = AirSummary.safeParse(summary);
    if (parsed.success) seen.air.push(parsed.data);
    else seen.bad.push(parsed.error.message);
  });
  c.on('event', (event) => {
    if (event.type === 'runState' && event.runId === runId) seen.states.push(event);
  });
  return { c, seen };
}

/** The distinct sim times of the grid frames seen, in arrival order. */
const updates = (grids: DecodedScalarGrid[]) => [...new Set(grids.map((g) => g.simTimeMs))];

async function createRun(scenarioId: string): Promise<string> {
  const c = connect(t.url, undefined, t.cookie);
  clients.push(c);
  const made = await request<Ack<RunStateEvent>>(c, 'createRun', { scenarioId });
  if (!made.ok) throw new Error(made.error.message);
  const runId = made.result.runId;
  // A run whose engines warm up (the real environment's plumes) is starting for a few ticks: controls wait for it to play.
  await waitFor(() => t.manager.runState(runId)?.status === 'playing', `run ${runId} to play`);
  return runId;
}

const control = (runId: string, body: object) => api(t.url, 'POST', `/api/runs/${runId}/control`, body, t.cookie);

/** Every cell of a decoded grid is the engine's value at the cell's centre, within one quantization step. */
function expectEngineValues(g: DecodedScalarGrid): void {
  const standard = aqiStandardFor(START_EPOCH_MS + g.simTimeMs);
  let worst = 0;
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const x = g.originX + (c + 0.5) * g.cellSize;
      const y = g.originY + (r + 0.5) * g.cellSize;
      const want =
        g.layer === 'aqi'
          ? computeAqi(Object.fromEntries(AIR_POLLUTANTS.map((p) => [p, Math.fround(testConcentration(p, x, y, g.simTimeMs))])), { mode: 'realtime', standard }).aqi
          : testConcentration(g.layer, x, y, g.simTimeMs);
      worst = Math.max(worst, Math.abs(g.values[r * g.cols + c] - want));
    }
  }
  expect(worst, `${g.layer} at ${g.simTimeMs} ms`).toBeLessThanOrEqual(g.scale * 0.5 + 1e-4 * (g.offset + 255 * g.scale));
}

describe('air streaming', () => {
  it('gives a joining screen every grid layer and the air summary at once, then new ones at most once a second', async () => {
    const runId = await createRun('air');
    await control(runId, { action: 'speed', factor: 600 });
    await waitFor(() => (t.manager.runState(runId)?.simTimeMs ?? 0) > 2 * 60_000, 'two sim minutes');

    const { c, seen } = airViewer(runId);
    const joinedAt = Date.now();
    const joined = await request<Ack<RunStateEvent>>(c, 'join', { runId });
    expect(joined.ok).toBe(true);
    // On the socket before the ack: one frame per layer of the latest grids, and their summary.
    expect(seen.grids.map((g) => g.layer).sort()).toEqual([...AIR_LAYERS].sort());
    expect(new Set(seen.grids.map((g) => g.simTimeMs)).size).toBe(1);
    expect(seen.air).toHaveLength(1);
    expect(seen.air[0].simTimeMs).toBe(seen.grids[0].simTimeMs);

    // A new minute's grids every 100 ms of wall time at ×600, broadcast at most once a second.
    await waitFor(() => updates(seen.grids).length >= 6, 'five more grid updates');
    const elapsedS = (Date.now() - joinedAt) / 1000;
    const all = updates(seen.grids);
    expect(all.length).toBeLessThanOrEqual(Math.floor(elapsedS) + 2);
    expect([...all].sort((a, b) => a - b)).toEqual(all);
    expect(seen.bad).toEqual([]);
    // The latest update may still be arriving, layer by layer.
    const times = all.slice(0, -1);
    for (const time of times) {
      // The joining screen's grids may come again in the next broadcast: never a layer twice per broadcast.
      const layers = seen.grids.filter((g) => g.simTimeMs === time);
      expect(new Set(layers.map((g) => g.layer))).toEqual(new Set(AIR_LAYERS));
      expect([AIR_LAYERS.length, 2 * AIR_LAYERS.length]).toContain(layers.length);
      for (const g of layers) expectEngineValues(g);
      expect(time % 60_000).toBe(0);
    }
    // Each grid update brings its summary.
    const airTimes = () => [...new Set(seen.air.map((s) => s.simTimeMs))];
    await waitFor(() => airTimes().length >= times.length, 'a summary per grid update');
    expect(airTimes().slice(0, times.length)).toEqual(times);
    const last = seen.air.find((s) => s.simTimeMs === times.at(-1)) as AirSummary;
    expect(last.stations.map((s) => s.id)).toEqual(AIR_STATIONS.map((s) => s.id));
    expect(last.stations[0].hourly.pm25).toBeCloseTo(testConcentration('pm25', AIR_STATIONS[0].x, AIR_STATIONS[0].y, last.simTimeMs), 9);
    await control(runId, { action: 'stop' });
  });

  it('records grid frames and air events, and a replay gives back the same frames and summaries', async () => {
    const runId = await createRun('air');
    // Two sim minutes a wall second: a grid update about every other sim minute.
    await control(runId, { action: 'speed', factor: 120 });
    await waitFor(() => (t.manager.runState(runId)?.simTimeMs ?? 0) >= 8 * 60_000, 'eight sim minutes');
    await control(runId, { action: 'stop' });
    const storeRunId = t.manager.get(runId)?.storeRunId as number;
    const recorded = [...t.store.openReplay(storeRunId)].filter((f) => f.kind === 'grid');
    expect(new Set(recorded.map((f) => f.layer))).toEqual(new Set(AIR_LAYERS));
    const recordedAir = t.store.eventsBetween(storeRunId, 0, Number.MAX_SAFE_INTEGER).filter((e) => e.type === 'air');
    expect(recordedAir.length).toBeGreaterThanOrEqual(3);
    expect(recorded.length).toBe(recordedAir.length * AIR_LAYERS.length);
    // The recorded bytes are frames of the engine's grids.
    for (const f of recorded) {
      const r = decodeScalarGrid(f.bytes);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.grid.layer).toBe(f.layer);
      expectEngineValues(r.grid);
    }

    // A slow replay, joined, then started over from its beginning at top speed: every frame and summary comes again.
    const made = await api(t.url, 'POST', '/api/runs', { replayOf: storeRunId, speed: 0.5 }, t.cookie);
    const replayId = (made.body as { state: { runId: string } }).state.runId;
    const { c, seen } = airViewer(replayId);
    await request(c, 'join', { runId: replayId });
    await control(replayId, { action: 'seek', simTimeMs: 0 });
    await control(replayId, { action: 'speed', factor: 'max' });
    await waitFor(() => t.manager.runState(replayId)?.status === 'finished', 'the replay to finish');
    // After the seek to 0 the whole recording goes out in order (a frame or two at time 0 may have gone before it too).
    const recordedRaw = recorded.map((f) => Buffer.from(f.bytes).toString('base64'));
    await waitFor(() => seen.raw.length >= recorded.length && seen.air.length >= recordedAir.length, 'every recorded grid frame and summary');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.raw.slice(-recorded.length)).toEqual(recordedRaw);
    expect(seen.air.slice(-recordedAir.length)).toEqual(recordedAir.map((e) => e.data));

    // The replay answers the air API from what it replayed.
    const air = (await api(t.url, 'GET', `/api/runs/${replayId}/air`)).body as { summary: AirSummary; history: AirPoint[] };
    expect(air.summary).toEqual(recordedAir.at(-1)?.data);
    // The first summary of each 5-minute bucket.
    const firsts = new Map<number, number>();
    for (const e of recordedAir) {
      const ms = (e.data as AirSummary).simTimeMs;
      if (!firsts.has(Math.floor(ms / 300_000))) firsts.set(Math.floor(ms / 300_000), ms);
    }
    expect(air.history.map((h) => h.simTimeMs)).toEqual([...firsts.values()]);
    expect(air.history.length).toBeGreaterThanOrEqual(2);
    const point = await api(t.url, 'GET', `/api/runs/${replayId}/air/point?x=-250&y=130`);
    expect(point.status).toBe(200);
    const p = point.body as unknown as AirAtPoint;
    expect(p).toMatchObject({ source: 'grid', simTimeMs: air.summary.simTimeMs, x: -250, y: 130 });
    // The cell containing (−250, 130) is column 3, row 7: centre (−250, 150).
    expect(p.concentrations.pm25).toBeCloseTo(testConcentration('pm25', -250, 150, p.simTimeMs), 0);
    expect(p.concentrations).not.toHaveProperty('aqi');

    // A seek back forgets the history after the target and shows the figures in force there.
    await control(replayId, { action: 'seek', simTimeMs: 90_000 });
    const back = (await api(t.url, 'GET', `/api/runs/${replayId}/air`)).body as { summary: AirSummary; history: AirPoint[] };
    expect(back.summary.simTimeMs).toBeLessThanOrEqual(90_000);
    expect(back.history.every((h) => h.simTimeMs <= 90_000)).toBe(true);
    expect(back.history).toHaveLength(1);
  });

  it('keeps a 5-minute AQI history, and a seek back forgets the points after its target', async () => {
    const runId = await createRun('air');
    await control(runId, { action: 'speed', factor: 'max' });
    await waitFor(() => (t.manager.runState(runId)?.simTimeMs ?? 0) >= 31 * 60_000, '31 sim minutes');
    await control(runId, { action: 'pause' });
    const res = await api(t.url, 'GET', `/api/runs/${runId}/air`);
    expect(res.status).toBe(200);
    const body = res.body as { runId: string; summary: AirSummary; history: AirPoint[] };
    expect(body.runId).toBe(runId);
    expect(AirSummary.safeParse(body.summary).success).toBe(true);
    expect(body.history.length).toBeGreaterThanOrEqual(7);
    body.history.forEach((p, i) => {
      expect(p.simTimeMs).toBe(i * 5 * 60_000);
      expect(Object.keys(p).sort()).toEqual(['aqi', 'simTimeMs', 'stations']);
      expect(p.stations.map((s) => s.id)).toEqual(['S1', 'S2']);
    });

    await control(runId, { action: 'seek', simTimeMs: 12 * 60_000 });
    await waitFor(() => t.manager.airSummary(runId)?.simTimeMs === 12 * 60_000, 'the seek to 12 min');
    const after = (await api(t.url, 'GET', `/api/runs/${runId}/air`)).body as { history: AirPoint[] };
    expect(after.history.map((p) => p.simTimeMs)).toEqual([0, 5 * 60_000, 10 * 60_000]);
    await control(runId, { action: 'stop' });
  });

  it('answers the air at a point exactly, by local metres or lon/lat, and refuses bad queries naming the field and value', async () => {
    const runId = await createRun('air');
    await control(runId, { action: 'pause' });
    const at = async (query: string) => api(t.url, 'GET', `/api/runs/${runId}/air/point?${query}`);

    const ok = await at('x=120.5&y=-80');
    expect(ok.status).toBe(200);
    const p = ok.body as unknown as AirAtPoint;
    expect(p).toMatchObject({ runId, x: 120.5, y: -80, heightM: 1.5, source: 'exact', standard: 'HJ 633—2026' });
    // The engine's field as of its last minute.
    const minute = Math.floor(p.simTimeMs / 60_000) * 60_000;
    for (const pollutant of AIR_POLLUTANTS) expect(p.concentrations[pollutant]).toBe(testConcentration(pollutant, 120.5, -80, minute));
    const aqi = computeAqi(p.concentrations, { mode: 'realtime', standard: 'HJ 633—2026' });
    expect(p.aqi).toBe(aqi.aqi);
    expect(p.level).toBe(aqi.level);
    expect(p.primary).toEqual(aqi.primary);

    const { lon, lat } = enuToGeodetic(smallCity().origin, [120.5, -80, 0]);
    const byDegrees = (await at(`lon=${lon}&lat=${lat}&heightM=10`)).body as unknown as AirAtPoint;
    expect(byDegrees.x).toBeCloseTo(120.5, 1);
    expect(byDegrees.y).toBeCloseTo(-80, 1);
    expect(byDegrees.heightM).toBe(10);
    expect(byDegrees.concentrations.pm25).toBeCloseTo(p.concentrations.pm25, 2);

    const bad: [string, number, string][] = [
      ['', 400, 'GET /api/runs/:id/air/point: lon: give the point as lon and lat (degrees) or x and y (metres from the city origin) (got nothing)'],
      ['x=12', 400, 'GET /api/runs/:id/air/point: y: x and y go together (got nothing)'],
      ['lon=abc&lat=33.74', 400, 'GET /api/runs/:id/air/point: lon: expected a longitude in degrees, a number (got "abc")'],
      ['lon=113.29&lat=95', 400, 'GET /api/runs/:id/air/point: lat: expected a latitude in degrees from -90 to 90 (got "95")'],
      ['x=1&y=2&lon=113.29&lat=33.74', 400, 'GET /api/runs/:id/air/point: x: give the point as lon and lat or as x and y, not both (got "1")'],
      ['x=1&y=2&heightM=-3', 400, 'GET /api/runs/:id/air/point: heightM: expected a height above the ground in metres from 0 to 10000 (got "-3")'],
      ['x=1&y=2&z=3', 400, 'z'],
      ['x=900&y=0', 400, "GET /api/runs/:id/air/point: RunManager: the point x 900, y 0 m lies outside city smallcity's extent (x -600…600 m, y -600…600 m)"],
      ['lon=114&lat=34', 400, 'lies outside city smallcity'],
    ];
    for (const [query, status, message] of bad) {
      const res = await at(query);
      expect(res.status, query).toBe(status);
      expect((res.body.error as { message: string }).message, query).toContain(message);
    }

    const rush = await createRun('rush');
    const none = await api(t.url, 'GET', `/api/runs/${rush}/air`);
    expect(none).toEqual({ status: 404, body: { error: { code: 'no_air', message: `GET /api/runs/:id/air: RunManager: run ${rush} has no environment engine` } } });
    const nonePoint = await api(t.url, 'GET', `/api/runs/${rush}/air/point?x=0&y=0`);
    expect(nonePoint.status).toBe(404);
    expect((nonePoint.body.error as { code: string }).code).toBe('no_air');
    const ghost = await api(t.url, 'GET', '/api/runs/ghost/air');
    expect(ghost).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'GET /api/runs/:id/air: RunManager: no run "ghost"' } } });
    expect((await api(t.url, 'GET', '/api/runs/ghost/air/point?x=0&y=0')).status).toBe(404);
    await control(rush, { action: 'stop' });
    await control(runId, { action: 'stop' });
  });
});

describe('RunManager air sink', () => {
  it("answers a release inject with the release's id, announces it, and streams the released substance's grid", async () => {
    const runId = await createRun('realair');
    const { c, seen } = airViewer(runId);
    const applied: { kind: string; resultId?: string }[] = [];
    c.on('event', (e) => {
      if (e.type === 'injectApplied' && e.runId === runId) applied.push({ kind: e.kind, resultId: e.resultId });
    });
    expect(await request<Ack<RunStateEvent>>(c, 'join', { runId })).toMatchObject({ ok: true });
    await request(c, 'speed', { runId, factor: 60 });
    const answer = await request<Ack<InjectAnswer>>(c, 'inject', { runId, kind: 'environment.release', params: { at: { x: 0, y: 0 }, heightM: 2, pollutant: 'chlorine', gPerS: 100 } });
    expect(answer).toEqual({ ok: true, result: { injectId: expect.any(String), id: 'release-1' } });
    await waitFor(() => applied.some((a) => a.kind === 'environment.release' && a.resultId === 'release-1'), 'the injectApplied event with the release id');
    const chlorine = await waitFor(() => seen.grids.find((g) => g.layer === 'chlorine' && Math.max(...g.values) > 1), 'a chlorine grid with the cloud on it');
    expect(chlorine.cols * chlorine.rows).toBe(24 * 24);
    const air = await waitFor(() => seen.air.find((a) => a.releases.length === 1), 'an air summary listing the release');
    expect(air.releases[0]).toMatchObject({ id: 'release-1', substance: 'chlorine', active: true });
    expect(seen.bad).toEqual([]);
  });

  it('hands out fresh grid bytes, and a pausing run sends its newest grids and summary before saying it paused', () => {
    // A wall-time interval far longer than the test: only the first update and the pause's flush go out.
    const { manager, close } = startTrafficManager({ gridIntervalMs: 3_600_000 });
    try {
      const log: string[] = [];
      const buffers: Uint8Array[] = [];
      manager.setSink({
        frame: () => {},
        event: (_, e) => log.push(e.type === 'runState' ? `state:${e.status}` : e.type),
        grid: (_, bytes) => {
          buffers.push(bytes);
          const r = decodeScalarGrid(bytes);
          log.push(r.ok ? `grid:${r.grid.simTimeMs}` : 'bad');
        },
        air: (_, s) => log.push(`air:${s.simTimeMs}`),
      });
      const made = manager.createRun({ scenarioId: 'air' }, { speed: 'max' });
      if (!made.ok) throw new Error(made.error.message);
      const runId = made.result.runId;
      manager.tick();
      for (let i = 0; i < 2000 && (manager.airSummary(runId)?.simTimeMs ?? 0) < 3 * 60_000; i++) manager.tick();
      const first = log.filter((l) => l.startsWith('grid:')).length;
      expect(first).toBe(AIR_LAYERS.length);
      manager.control(runId, { action: 'pause' });
      const newest = manager.airSummary(runId)?.simTimeMs as number;
      expect(newest).toBeGreaterThanOrEqual(3 * 60_000);
      const tail = log.slice(log.indexOf(`grid:${newest}`));
      expect(tail).toEqual([...AIR_LAYERS.map(() => `grid:${newest}`), `air:${newest}`, 'state:paused']);
      // Paused, nothing more; a second pause sends nothing it already sent.
      for (let i = 0; i < 5; i++) manager.tick();
      manager.control(runId, { action: 'pause' });
      expect(log.slice(log.indexOf('state:paused') + 1)).toEqual(['state:paused']);
      expect(new Set(buffers.map((b) => b.buffer)).size).toBe(buffers.length);
    } finally {
      close();
    }
  });
});
