import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirSummary } from '../../../server/protocol/AirSummary.ts';
import type { AirDeltas, AnyWhatIfResult, TrafficWhatIfDeltas } from '../../../server/whatif/WhatIfManager.ts';
import { api, type TestServer } from '../realtime/realtimeHarness.ts';
import { AIR_POLLUTANTS } from '../realtime/TestAirEngine.ts';
import { AIR_SCENARIOS, startTrafficServer } from '../realtime/trafficHarness.ts';
import { signInAs } from '../../helpers/signIn.ts';

let t: TestServer;
/** A planner's session: the what-ifs are theirs. */
let cookie: string;
beforeAll(async () => {
  t = await startTrafficServer({ maxRuns: 4 }, AIR_SCENARIOS);
  cookie = await signInAs(t.server, 'planner');
});
afterAll(async () => {
  await t.close();
});

async function compare(body: object): Promise<AnyWhatIfResult> {
  const posted = await api(t.url, 'POST', '/api/whatif', body, cookie);
  if (posted.status !== 201) throw new Error(JSON.stringify(posted.body));
  const id = (posted.body as unknown as AnyWhatIfResult).id;
  const until = Date.now() + 30_000;
  for (;;) {
    const result = (await api(t.url, 'GET', `/api/whatif/${id}`, undefined, cookie)).body as unknown as AnyWhatIfResult;
    // Done or failed, the comparison has stopped its runs: the next one has free run slots.
    if (result.status !== 'running') return result;
    if (Date.now() > until) throw new Error(`compare: what-if ${id} still running at progress ${result.progress}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Variant minus baseline of the grid maxima, by pollutant (0 where a side has none). */
function maximaDelta(b: AirSummary, v: AirSummary): Record<string, number> {
  const of = (s: AirSummary, p: string) => s.maxima.find((m) => m.pollutant === p)?.value ?? 0;
  const ids = new Set([...b.maxima, ...v.maxima].map((m) => m.pollutant));
  return Object.fromEntries([...ids].map((p) => [p, of(v, p) - of(b, p)]));
}

describe('what-if with an environment engine', () => {
  it('compares air alone when the scenario runs no traffic engine: doubled emissions raise the grid AQI, maxima and exposure', async () => {
    const done = await compare({ scenarioId: 'air', changes: [{ atMs: 60_000, kind: 'test_air.scale', params: { factor: 2 } }], untilMs: 10 * 60_000 });
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(done.figures).toEqual({ traffic: false, air: true, emergency: false });
    expect(done.baseline.summary).toBeNull();
    const b = done.baseline.air as AirSummary;
    const v = done.variant.air as AirSummary;
    // Both compared at the last sim minute up to untilMs.
    expect(b.simTimeMs).toBe(10 * 60_000);
    expect(v.simTimeMs).toBe(10 * 60_000);
    const deltas = done.deltas as AirDeltas;
    expect(Object.keys(deltas).sort()).toEqual(['exposurePm25', 'maxConcentration', 'meanGridAqi']);
    expect(deltas.meanGridAqi).toBeCloseTo(v.meanGridAqi - b.meanGridAqi, 5);
    expect(deltas.meanGridAqi).toBeGreaterThan(0);
    expect(deltas.exposurePm25).toBeCloseTo(b.exposurePm25, 3);
    expect(Object.keys(deltas.maxConcentration).sort()).toEqual([...AIR_POLLUTANTS].sort());
    // Twice the emissions: each maximum doubles, so the difference is the baseline's maximum.
    for (const m of b.maxima) expect(deltas.maxConcentration[m.pollutant]).toBeCloseTo(m.value, 3);
  });

  it('compares traffic and air together; a substance only the variant releases counts from 0', async () => {
    const done = await compare({
      scenarioId: 'rushair',
      changes: [
        { atMs: 60_000, kind: 'test_traffic.close_link', params: { linkId: 'L3' } },
        { atMs: 60_000, kind: 'test_air.release', params: { substance: 'chlorine', x: 100, y: 100 } },
      ],
      untilMs: 8 * 60_000,
    });
    expect(done.status).toBe('done');
    expect(done.figures).toEqual({ traffic: true, air: true, emergency: false });
    const b = done.baseline.air as AirSummary;
    const v = done.variant.air as AirSummary;
    expect(done.baseline.summary?.simTimeMs).toBe(8 * 60_000);
    const deltas = done.deltas as TrafficWhatIfDeltas;
    expect(deltas.index).toBeGreaterThan(0);
    expect(deltas.delayHours).toBeGreaterThan(0);
    const expected = maximaDelta(b, v);
    expect(Object.keys(deltas.maxConcentration ?? {}).sort()).toEqual(Object.keys(expected).sort());
    for (const [p, d] of Object.entries(expected)) expect(deltas.maxConcentration?.[p]).toBeCloseTo(d, 5);
    expect(b.maxima.some((m) => m.pollutant === 'chlorine')).toBe(false);
    expect(deltas.maxConcentration?.chlorine).toBeGreaterThan(100);
    expect(deltas.maxConcentration?.pm25).toBe(0);
    expect(deltas.meanGridAqi).toBe(0);
    expect(deltas.exposurePm25).toBe(0);
  });

  it('compares traffic as before when the scenario has no environment engine, and refuses one with neither', async () => {
    const done = await compare({ scenarioId: 'rush', changes: [{ atMs: 60_000, kind: 'test_traffic.close_link', params: { linkId: 'L3' } }], untilMs: 5 * 60_000 });
    expect(done.status).toBe('done');
    expect(done.figures).toEqual({ traffic: true, air: false, emergency: false });
    expect(done.baseline.air).toBeNull();
    expect(Object.keys(done.deltas ?? {}).sort()).toEqual(['delayHours', 'index', 'meanSpeedKmh', 'odTimes', 'vehicleHours']);

    const refused = await api(t.url, 'POST', '/api/whatif', { scenarioId: 'walk', changes: [{ kind: 'road_walker.close_link', params: { linkId: 'L3' } }] }, cookie);
    expect(refused.status).toBe(400);
    expect((refused.body.error as { message: string }).message).toBe(
      'POST /api/whatif: scenarioId: scenario walk runs no traffic engine and no environment engine (engines: road_walker), so there are no figures to compare',
    );
  });
});
