import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../helpers/signIn.ts';
import { api, startTestServer, type TestServer } from './realtimeHarness.ts';

let t: TestServer;
/** A director's session: the runs are theirs, and so is the live baseline's control. */
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await signInAs(t.server, 'director');
});
afterAll(async () => {
  await t.close();
});

describe('runsApi', () => {
  it('lists the scenarios with their titles, durations and engines', async () => {
    const { status, body } = await api(t.url, 'GET', '/api/scenarios', undefined, cookie);
    expect(status).toBe(200);
    const scenarios = body.scenarios as { id: string; duration: string; engines: string[]; title: { zh: string } }[];
    expect(scenarios.map((s) => s.id)).toEqual(['smoke', 'weekday']);
    expect(scenarios[0]).toMatchObject({ duration: '00:10:00', engines: ['road_walker'], title: { zh: '测试 smoke' } });
    expect(body.errors).toEqual([]);
  });

  it('creates a run, shows it, and controls it', async () => {
    const created = await api(t.url, 'POST', '/api/runs', { scenarioId: 'smoke', seed: 7 }, cookie);
    expect(created.status).toBe(201);
    const run = created.body as { state: { runId: string; status: string }; seed: number; kind: string; storeRunId: number };
    expect(run).toMatchObject({ kind: 'scenario', seed: 7, state: { status: 'playing' } });
    const id = run.state.runId;

    const list = await api(t.url, 'GET', '/api/runs', undefined, cookie);
    const ids = (list.body.runs as { state: { runId: string } }[]).map((r) => r.state.runId);
    expect(ids).toEqual(['live', id]);
    expect((list.body.recordings as { id: number }[]).some((r) => r.id === run.storeRunId)).toBe(true);

    expect((await api(t.url, 'GET', `/api/runs/${id}`, undefined, cookie)).body).toMatchObject({ state: { runId: id } });
    const paused = await api(t.url, 'POST', `/api/runs/${id}/control`, { action: 'pause' }, cookie);
    expect(paused).toMatchObject({ status: 200, body: { run: { state: { status: 'paused' } } } });
    const sped = await api(t.url, 'POST', `/api/runs/${id}/control`, { action: 'speed', factor: 'max' }, cookie);
    expect(sped.body).toMatchObject({ run: { state: { speed: 'max' } } });
    const seek = await api(t.url, 'POST', `/api/runs/${id}/control`, { action: 'seek', simTimeMs: 60_000 }, cookie);
    expect(seek.body).toMatchObject({ run: { state: { simTimeMs: 60_000 } } });
    const stopped = await api(t.url, 'POST', `/api/runs/${id}/control`, { action: 'stop' }, cookie);
    expect(stopped.body).toMatchObject({ run: { state: { status: 'stopped' } } });
    const again = await api(t.url, 'POST', `/api/runs/${id}/control`, { action: 'play' }, cookie);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'run_stopped' } } });
  });

  it('refuses bad requests with a status and a message naming the field and value', async () => {
    const cases: [string, string, unknown, number, string, string?][] = [
      ['POST', '/api/runs', { scenarioId: 'nope' }, 404, 'unknown_scenario', 'nope'],
      ['POST', '/api/runs', { scenarioId: 'smoke', seed: -1 }, 400, 'bad_request', 'seed'],
      ['POST', '/api/runs', '{not json', 400, 'bad_request', 'not JSON'],
      ['POST', '/api/runs', { replayOf: 999 }, 404, 'not_found', '999'],
      ['GET', '/api/runs/ghost', undefined, 404, 'not_found', 'ghost'],
      ['POST', '/api/runs/ghost/control', { action: 'play' }, 404, 'not_found', 'ghost'],
      ['POST', '/api/runs/live/control', { action: 'speed', factor: 0 }, 400, 'bad_request', 'factor'],
      ['POST', '/api/runs/live/control', { action: 'fly' }, 400, 'bad_request', 'fly'],
      ['POST', '/api/runs/live/control', { action: 'stop' }, 409, 'live_protected'],
      ['POST', '/api/runs/live/control', { action: 'seek', simTimeMs: 1e12 }, 400, 'seek_out_of_range'],
    ];
    for (const [method, route, body, status, code, mention] of cases) {
      const answer = await api(t.url, method, route, body, cookie);
      expect(answer.status, `${method} ${route} ${JSON.stringify(body)}`).toBe(status);
      const error = answer.body.error as { code: string; message: string };
      expect(error.code).toBe(code);
      if (mention) expect(error.message).toContain(mention);
    }
    expect((await api(t.url, 'GET', '/api/runs/live', undefined, cookie)).body).toMatchObject({ state: { status: 'playing' } });
  });
});
