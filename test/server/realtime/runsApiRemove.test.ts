/** DELETE /api/runs/:id and the owner of what POST /api/runs and /api/whatif start, with the principal set as the auth middleware would. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../server/auth/principal.ts';
import type { Role } from '../../../server/protocol/access.ts';
import type { RunSummary } from '../../../server/realtime/RunManager.ts';
import { runsApi } from '../../../server/runsApi.ts';
import { WhatIfManager } from '../../../server/whatif/WhatIfManager.ts';
import { smallCity } from '../../helpers/smallCity.ts';
import { startTrafficManager } from './trafficHarness.ts';

/** Accounts by name; a request names its own in the x-test-user header. */
const ROLES: Record<string, Role> = { alice: 'planner', bob: 'planner', root: 'admin' };

function principal(username: string): Principal {
  return { kind: 'user', username, role: ROLES[username], department: null, sessionId: `session-${username}`, mustChangePassword: false, address: '127.0.0.1' };
}

const harness = startTrafficManager({ liveScenarioId: 'rush' });
const { manager, store } = harness;
let server: http.Server;
let url: string;

beforeAll(async () => {
  const app = new Koa();
  app.use((ctx, next) => {
    ctx.state.principal = principal(ctx.get('x-test-user') || 'alice');
    return next();
  });
  const router = runsApi(manager, store, new WhatIfManager(manager, [smallCity()]));
  app.use(router.routes()).use(router.allowedMethods());
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  harness.close();
});

/** A request as `user`. */
async function as(user: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { 'x-test-user': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function startRun(user: string): Promise<RunSummary> {
  const made = await as(user, 'POST', '/api/runs', { scenarioId: 'rush' });
  expect(made.status).toBe(201);
  return made.body as unknown as RunSummary;
}

describe('DELETE /api/runs/:id', () => {
  it("lets the owner and an admin remove a run, another planner not; deletes the recording unless kept", async () => {
    const run = await startRun('alice');
    expect(run).toMatchObject({ kind: 'scenario', owner: 'alice' });
    const id = run.state.runId;

    const bobs = await as('bob', 'DELETE', `/api/runs/${id}`);
    expect(bobs).toEqual({ status: 403, body: { error: { code: 'forbidden', message: `DELETE /api/runs/:id: bob may not delete run ${id} (owned by alice)` } } });
    expect(manager.runState(id)?.status).toBe('playing');

    const kept = await as('root', 'DELETE', `/api/runs/${id}?recording=keep`);
    expect(kept).toEqual({ status: 200, body: { removed: { runId: id, kind: 'scenario', stopped: true, deletedRecordings: [] } } });
    expect(store.getRun(run.storeRunId).status).toBe('finished');
    expect(((await as('alice', 'GET', '/api/runs')).body.runs as RunSummary[]).map((r) => r.state.runId)).not.toContain(id);

    const other = await startRun('alice');
    const removed = await as('alice', 'DELETE', `/api/runs/${other.state.runId}`);
    expect(removed).toEqual({ status: 200, body: { removed: { runId: other.state.runId, kind: 'scenario', stopped: true, deletedRecordings: [other.storeRunId] } } });
    expect(((await as('alice', 'GET', '/api/runs')).body.recordings as { id: number }[]).map((r) => r.id)).not.toContain(other.storeRunId);
  });

  it('answers unknown runs, the live baseline, a recording in use and a bad query', async () => {
    expect(await as('root', 'DELETE', '/api/runs/ghost')).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'DELETE /api/runs/:id: no run "ghost"' } } });
    expect(await as('root', 'DELETE', '/api/runs/live')).toMatchObject({ status: 409, body: { error: { code: 'live_protected' } } });
    const run = await startRun('alice');
    expect(await as('alice', 'DELETE', `/api/runs/${run.state.runId}?recording=maybe`)).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: expect.stringContaining('recording') } } });

    await as('alice', 'POST', `/api/runs/${run.state.runId}/control`, { action: 'stop' });
    const replay = await as('bob', 'POST', '/api/runs', { replayOf: run.storeRunId });
    expect(replay.body).toMatchObject({ kind: 'replay', owner: 'bob' });
    expect(await as('alice', 'DELETE', `/api/runs/${run.state.runId}`)).toMatchObject({ status: 409, body: { error: { code: 'in_use' } } });
    const replayId = (replay.body as unknown as RunSummary).state.runId;
    expect(await as('bob', 'DELETE', `/api/runs/${replayId}`)).toMatchObject({ status: 200, body: { removed: { kind: 'replay', deletedRecordings: [] } } });
    expect(await as('alice', 'DELETE', `/api/runs/${run.state.runId}`)).toMatchObject({ status: 200, body: { removed: { stopped: false, deletedRecordings: [run.storeRunId] } } });
  });
});

describe('owners over HTTP', () => {
  it("makes the signed-in account the owner of its runs and what-if runs, within its own limit", async () => {
    for (const r of manager.list()) if (r.kind !== 'live') manager.remove(r.state.runId, { deleteRecording: true });
    const posted = await as('bob', 'POST', '/api/whatif', { scenarioId: 'rush', changes: [{ kind: 'test_traffic.close_link', params: { linkId: 'L3' } }], untilMs: 120_000 });
    expect(posted.status).toBe(201);
    const sides = posted.body as { baseline: { runId: string }; variant: { runId: string } };
    // Held short of the comparison time, so they stay open.
    for (const side of [sides.baseline, sides.variant]) manager.control(side.runId, { action: 'pause' });
    expect([manager.get(sides.baseline.runId)?.owner, manager.get(sides.variant.runId)?.owner]).toEqual(['bob', 'bob']);
    await startRun('bob');
    const refused = await as('bob', 'POST', '/api/runs', { scenarioId: 'rush' });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'too_many_runs', message: expect.stringContaining('"bob"') } } });
    expect((await as('alice', 'POST', '/api/runs', { scenarioId: 'rush' })).status).toBe(201);
  });
});
