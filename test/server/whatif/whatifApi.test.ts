import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../../server/protocol/controls.ts';
import type { RunStateEvent } from '../../../server/protocol/events.ts';
import type { WhatIfResult } from '../../../server/whatif/WhatIfManager.ts';
import { api, connect, request, waitFor, type TestServer, type TwinClient } from '../realtime/realtimeHarness.ts';
import { startTrafficServer } from '../realtime/trafficHarness.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import { signInAs } from '../../helpers/signIn.ts';

let t: TestServer;
/** A planner's session: the runs and what-ifs are theirs. */
let cookie: string;
const clients: TwinClient[] = [];
beforeAll(async () => {
  t = await startTrafficServer({ maxRuns: 4 });
  cookie = await signInAs(t.server, 'planner');
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.close();
});

async function finished(id: string): Promise<WhatIfResult> {
  const until = Date.now() + 30_000;
  for (;;) {
    const result = (await api(t.url, 'GET', `/api/whatif/${id}`, undefined, cookie)).body as unknown as WhatIfResult;
    if (result.status !== 'running') return result;
    if (Date.now() > until) throw new Error(`finished: what-if ${id} still running at progress ${result.progress}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops every open run, so each test starts with free run slots (directly: the HTTP API limits how often one may ask). */
function stopAll(): void {
  for (const run of t.manager.list()) if (run.state.status !== 'stopped') t.manager.control(run.state.runId, { action: 'stop' });
}

/** A new run of the rush scenario, paused at 11 min (past its 10 min checkpoint); returns its id. */
async function rushPausedAt11Min(): Promise<string> {
  const c = connect(t.url, createHello({ client: 'test' }), cookie);
  clients.push(c);
  const made = await request<Ack<RunStateEvent>>(c, 'createRun', { scenarioId: 'rush' });
  if (!made.ok) throw new Error(made.error.message);
  const source = made.result.runId;
  await api(t.url, 'POST', `/api/runs/${source}/control`, { action: 'pause' }, cookie);
  await api(t.url, 'POST', `/api/runs/${source}/control`, { action: 'seek', simTimeMs: 660_000 }, cookie);
  // While seeking, a run reports the target time; its traffic figures show where it really is.
  await waitFor(() => t.manager.trafficSummary(source)?.simTimeMs === 660_000, 'the seek to 11 min');
  return source;
}

describe('what-if API', () => {
  it('runs a baseline and a variant with a road closed, and compares them at the same sim time', async () => {
    const posted = await api(t.url, 'POST', '/api/whatif', {
      scenarioId: 'rush',
      changes: [{ atMs: 60_000, kind: 'test_traffic.close_link', params: { linkId: 'L3' } }],
      untilMs: 15 * 60_000,
    }, cookie);
    expect(posted.status).toBe(201);
    const started = posted.body as unknown as WhatIfResult;
    expect(started).toMatchObject({ status: 'running', scenarioId: 'rush', seed: 42, untilMs: 900_000, deltas: null });
    expect(started.baseline.runId).not.toBe(started.variant.runId);

    // Both are ordinary runs a screen can join and watch.
    const c = connect(t.url, createHello({ client: 'test' }), cookie);
    clients.push(c);
    const joined = await request<Ack<RunStateEvent>>(c, 'join', { runId: started.variant.runId });
    expect(joined).toMatchObject({ ok: true, result: { speed: 'max' } });

    const done = await finished(started.id);
    expect(done.status).toBe('done');
    expect(done.progress).toBe(1);
    expect(done.baseline.summary?.simTimeMs).toBe(900_000);
    expect(done.variant.summary?.simTimeMs).toBe(900_000);
    // Done, both runs stopped at the comparison time: they hold no run slot, and their recordings stay to replay.
    for (const side of [done.baseline, done.variant]) {
      expect(t.manager.runState(side.runId)).toMatchObject({ status: 'stopped', simTimeMs: 900_000 });
      expect(t.store.getRun(t.manager.get(side.runId)?.storeRunId ?? -1).status).toBe('finished');
    }
    expect(t.manager.freeRunSlots()).toBe(4);
    const b = done.baseline.summary as NonNullable<WhatIfResult['baseline']['summary']>;
    const v = done.variant.summary as NonNullable<WhatIfResult['variant']['summary']>;
    expect(done.deltas?.index).toBeCloseTo(v.index - b.index, 6);
    expect(done.deltas?.index).toBeGreaterThan(0);
    expect(done.deltas?.meanSpeedKmh).toBeLessThan(0);
    expect(done.deltas?.delayHours).toBeGreaterThan(0);
    // The closed link lies on the origin–destination route: the trip takes longer.
    expect(done.deltas?.odTimes).toEqual([
      { id: 'od-1', name: { zh: '西站—东站', en: 'West to East' }, baselineS: b.odTimes[0].seconds, variantS: v.odTimes[0].seconds, deltaS: expect.any(Number), became: null },
    ]);
    expect(done.deltas?.odTimes[0].deltaS).toBeGreaterThan(0);
    // Same scenario, same seed: without the change the two would be identical, so the vehicles before the change agree.
    expect(v.vehicles).toBe(b.vehicles);

    const list = (await api(t.url, 'GET', '/api/whatif', undefined, cookie)).body as { whatif: WhatIfResult[] };
    expect(list.whatif.map((w) => w.id)).toContain(started.id);
    const missing = await api(t.url, 'GET', '/api/whatif/whatif-999', undefined, cookie);
    expect(missing).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'GET /api/whatif/:id: no what-if "whatif-999"' } } });
    stopAll();
  });

  it('finds no difference when the change changes nothing: both runs are the same run up to the change', async () => {
    const posted = await api(t.url, 'POST', '/api/whatif', {
      scenarioId: 'rush',
      changes: [{ atMs: 0, kind: 'test_traffic.open_link', params: { linkId: 'L3' } }],
      untilMs: 10 * 60_000 + 500,
    }, cookie);
    expect(posted.status).toBe(201);
    const done = await finished((posted.body as unknown as WhatIfResult).id);
    expect(done.untilMs).toBe(600_000);
    expect(done.deltas).toEqual({ index: 0, meanSpeedKmh: 0, delayHours: 0, vehicleHours: 0, odTimes: [expect.objectContaining({ id: 'od-1', deltaS: 0 })] });
    expect(done.variant.summary).toEqual(done.baseline.summary);
    stopAll();
  });

  it('forks a running run: both sides start at its latest checkpoint with its live injects, and the baseline side is that run', async () => {
    // At 11 min, past the 10 min checkpoint, a director closes a link live.
    const source = await rushPausedAt11Min();
    const injected = await api(t.url, 'POST', `/api/runs/${source}/control`, { action: 'inject', kind: 'test_traffic.close_link', params: { linkId: 'L3' } }, cookie);
    expect(injected.body).toMatchObject({ result: { injectId: expect.any(String) } });

    const posted = await api(t.url, 'POST', '/api/whatif', { fromRunId: source, changes: [{ atMs: 720_000, kind: 'test_traffic.open_link', params: { linkId: 'L3' } }], horizonMs: 5 * 60_000 }, cookie);
    expect(posted.status).toBe(201);
    const started = posted.body as unknown as WhatIfResult;
    expect(started).toMatchObject({ scenarioId: 'rush', fromRunId: source, startMs: 600_000, untilMs: 900_000, changes: [{ atMs: 720_000, kind: 'test_traffic.open_link' }] });
    const done = await finished(started.id);
    expect(done.status).toBe('done');
    // Reopening at 12 min the road the director closed at 11 min saves delay.
    expect(done.deltas?.delayHours).toBeLessThan(0);

    // The baseline side is the source run itself from its checkpoint: the live closure included.
    await api(t.url, 'POST', `/api/runs/${source}/control`, { action: 'seek', simTimeMs: 900_000 }, cookie);
    await waitFor(() => t.manager.trafficSummary(source)?.simTimeMs === 900_000, 'the seek to 15 min');
    expect(done.baseline.summary).toEqual(t.manager.trafficSummary(source));

    const bad = async (body: unknown) => ((await api(t.url, 'POST', '/api/whatif', body, cookie)).body.error as { message: string }).message;
    const change = { kind: 'test_traffic.close_link', params: { linkId: 'L3' } };
    expect(await bad({ fromRunId: 'nope', changes: [change] })).toBe('POST /api/whatif: fromRunId: RunManager: no run "nope"');
    expect(await bad({ fromRunId: source, scenarioId: 'weekday', changes: [change] })).toBe(`POST /api/whatif: scenarioId: run ${source} runs scenario rush, not "weekday"`);
    expect(await bad({ fromRunId: source, changes: [{ ...change, atMs: 0 }] })).toBe(
      "POST /api/whatif: changes[0].atMs: must be at or after the comparison's start (900000 ms, the forked run's latest checkpoint), got 0",
    );
    expect(await bad({ fromRunId: source, changes: [change], horizonMs: 7_200_000 })).toBe(
      "POST /api/whatif: horizonMs: the comparison would end at 8100000 ms, past the scenario's duration, 7200000 ms, got 7200000",
    );
    expect(await bad({ changes: [change] })).toMatch(/^POST \/api\/whatif: scenarioId: give scenarioId or fromRunId/);
    stopAll();
  });

  it('makes a fork\'s changes from its first moment: a closure without atMs closes the road at the checkpoint', async () => {
    const source = await rushPausedAt11Min();
    // As the what-if panel asks: no atMs, so the change is made at the fork's start (the 10 min checkpoint).
    const posted = await api(t.url, 'POST', '/api/whatif', { fromRunId: source, changes: [{ kind: 'test_traffic.close_link', params: { linkId: 'L3' } }], horizonMs: 5 * 60_000 }, cookie);
    expect(posted.status).toBe(201);
    const started = posted.body as unknown as WhatIfResult;
    expect(started).toMatchObject({ startMs: 600_000, untilMs: 900_000, changes: [{ atMs: 600_000, kind: 'test_traffic.close_link' }] });
    const done = await finished(started.id);
    expect(done.status).toBe('done');
    // L3 carries the trip across town: closed from 10 min, the variant has more delay than the baseline.
    expect(done.variant.summary).not.toEqual(done.baseline.summary);
    expect(done.deltas?.delayHours).toBeGreaterThan(0);
    stopAll();
  });

  it('refuses a bad request naming the field and value, and starts no run', async () => {
    const before = t.manager.list().length;
    const bad = async (body: unknown) => {
      const res = await api(t.url, 'POST', '/api/whatif', body, cookie);
      expect(res.status).toBe(400);
      return (res.body.error as { message: string }).message;
    };
    const change = { atMs: 0, kind: 'test_traffic.close_link', params: { linkId: 'L3' } };
    expect(await bad({ scenarioId: 'nope', changes: [change] })).toBe('POST /api/whatif: scenarioId: no scenario "nope" (known: rush, walk, weekday)');
    expect(await bad({ scenarioId: 'walk', changes: [change] })).toMatch(/^POST \/api\/whatif: scenarioId: scenario walk runs no traffic engine/);
    expect(await bad({ scenarioId: 'rush', changes: [{ ...change, kind: 'test_traffic.flood' }] })).toMatch(
      /^POST \/api\/whatif: changes\[0\]\.kind: no engine of scenario rush handles "test_traffic\.flood"/,
    );
    expect(await bad({ scenarioId: 'rush', changes: [{ ...change, params: { linkId: 7 } }] })).toMatch(/^POST \/api\/whatif: changes\[0\]\.params\.linkId: expected string, got 7/);
    expect(await bad({ scenarioId: 'rush', changes: [{ ...change, params: { linkId: 'L999' } }] })).toBe(
      'POST /api/whatif: changes[0].params.linkId: no link "L999" in city smallcity',
    );
    expect(await bad({ scenarioId: 'rush', changes: [{ ...change, atMs: 3_600_000 }], untilMs: 1_800_000 })).toBe(
      'POST /api/whatif: changes[0].atMs: must be before untilMs (1800000 ms) to change anything, got 3600000',
    );
    expect(await bad({ scenarioId: 'rush', changes: [change], untilMs: 9_000_000 })).toBe(
      "POST /api/whatif: untilMs: must be at most the scenario's duration, 7200000 ms, got 9000000",
    );
    expect(await bad({ scenarioId: 'rush', changes: [{ ...change, atMs: -5 }] })).toMatch(/^POST \/api\/whatif: changes\.0\.atMs: .*\(got -5\)/);
    expect(await bad({ scenarioId: 'rush', changes: [] })).toMatch(/changes: .*\(got \[\]\)/);
    expect(await bad('{not json')).toMatch(/body is not JSON/);
    expect(t.manager.list().length).toBe(before);
  });

  it('respects the run limit: refuses when two runs cannot start, and other runs carry on', async () => {
    const c = connect(t.url, createHello({ client: 'test' }), cookie);
    clients.push(c);
    const keep: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await request<Ack<RunStateEvent>>(c, 'createRun', { scenarioId: 'rush' });
      if (!made.ok) throw new Error(made.error.message);
      keep.push(made.result.runId);
    }
    const res = await api(t.url, 'POST', '/api/whatif', { scenarioId: 'rush', changes: [{ atMs: 0, kind: 'test_traffic.close_link', params: { linkId: 'L3' } }] }, cookie);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'too_many_runs' } });
    expect(t.manager.list().filter((r) => r.state.status !== 'stopped')).toHaveLength(3);
    const at = t.manager.runState(keep[0])?.simTimeMs ?? 0;
    await waitFor(() => (t.manager.runState(keep[0])?.simTimeMs ?? 0) > at, 'the other run to go on');
    stopAll();
  });

  it('fails a comparison whose run was stopped before the comparison time, saying which', async () => {
    const res = await api(t.url, 'POST', '/api/whatif', { scenarioId: 'rush', changes: [{ atMs: 0, kind: 'test_traffic.close_link', params: { linkId: 'L3' } }] }, cookie);
    expect(res.status).toBe(201);
    const started = res.body as unknown as WhatIfResult;
    await api(t.url, 'POST', `/api/runs/${started.variant.runId}/control`, { action: 'stop' }, cookie);
    const done = await finished(started.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(new RegExp(`run ${started.variant.runId} was stopped before it reached 7200000 ms`));
    expect(done.deltas).toBeNull();
    stopAll();
  });
});
