import type { Context } from 'koa';
import { dashboardApi } from './dashboardApi.ts';
import { emergencyApi } from './emergencyApi.ts';
import { Router } from '@koa/router';
import { z } from 'zod';
import { actorName, type Principal } from './auth/principal.ts';
import { principalOf } from './auth/authorize.ts';
import { controlRefusal, mayActOnRun } from './auth/runRules.ts';
import { SpeedFactor } from './protocol/events.ts';
import { formatIssues } from './protocol/formatIssues.ts';
import { readJson } from './http/readJson.ts';
import { InjectRepeat, type Ack } from './protocol/controls.ts';
import type { RunControl, RunManager } from './realtime/RunManager.ts';
import type { RunStore } from './store/RunStore.ts';
import type { WhatIfManager } from './whatif/WhatIfManager.ts';

const Seed = z.number().int().min(0).max(0xffffffff);
/** POST /api/runs: a scenario run, or a replay of a recording. */
const CreateRunBody = z.strictObject({ scenarioId: z.string().min(1).max(128), seed: Seed.optional() });
const CreateReplayBody = z.strictObject({ replayOf: z.number().int().nonnegative(), speed: SpeedFactor.optional() });
/** A plain decimal as people type it ("35", "-0.8", "1e3"); Number() alone would also take "", "0x10" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** A number from the query string, in [min, max]. */
const QueryNumber = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(DECIMAL, { error: `expected ${what}, a number` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `expected ${what} from ${min} to ${max}` }).max(max, { error: `expected ${what} from ${min} to ${max}` }));
/** GET /api/runs/:id/air/point: a point as lon and lat (WGS84 degrees) or x and y (local metres), and a height above the ground. */
const PointQuery = z
  .strictObject({
    lon: QueryNumber('a longitude in degrees', -180, 180).optional(),
    lat: QueryNumber('a latitude in degrees', -90, 90).optional(),
    x: QueryNumber('metres east of the city origin', -1e7, 1e7).optional(),
    y: QueryNumber('metres north of the city origin', -1e7, 1e7).optional(),
    heightM: QueryNumber('a height above the ground in metres', 0, 10_000).optional(),
  })
  .superRefine((q, ctx) => {
    const geo = q.lon !== undefined || q.lat !== undefined;
    const local = q.x !== undefined || q.y !== undefined;
    if (geo && local) ctx.addIssue({ code: 'custom', path: ['x'], message: 'give the point as lon and lat or as x and y, not both' });
    else if (!geo && !local) ctx.addIssue({ code: 'custom', path: ['lon'], message: 'give the point as lon and lat (degrees) or x and y (metres from the city origin)' });
    else {
      const pair = geo ? (['lon', 'lat'] as const) : (['x', 'y'] as const);
      for (const k of pair) if (q[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${pair[0]} and ${pair[1]} go together` });
    }
  });
/** The height of a person's nose: what "the air here" means by default. */
const DEFAULT_HEIGHT_M = 1.5;

const ControlBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('play') }),
  z.strictObject({ action: z.literal('pause') }),
  z.strictObject({ action: z.literal('stop') }),
  z.strictObject({ action: z.literal('speed'), factor: SpeedFactor }),
  z.strictObject({ action: z.literal('seek'), simTimeMs: z.number().int().nonnegative() }),
  z.strictObject({ action: z.literal('inject'), kind: z.string().min(1).max(128), params: z.record(z.string(), z.unknown()).default({}), repeat: InjectRepeat.optional() }),
]);
/** DELETE /api/runs/:id: the run's recording is deleted with it unless `recording=keep`. */
const RemoveQuery = z.strictObject({ recording: z.enum(['keep', 'delete']).optional() });

/** HTTP status of each refusal code; anything else is a bad request. */
const STATUS: Record<string, number> = {
  not_found: 404,
  unknown_scenario: 404,
  live_protected: 409,
  run_stopped: 409,
  run_ended: 409,
  too_many_runs: 409,
  in_use: 409,
  forbidden: 403,
  seeking: 409,
  replay_readonly: 409,
  no_traffic: 404,
  no_air: 404,
  no_flood: 404,
  no_emergency: 404,
  outside_city: 400,
};

function refuse(ctx: Context, error: { code: string; message: string }): void {
  ctx.status = STATUS[error.code] ?? 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error };
}

/** The owner of what a request starts: the signed-in account, or null (devices, anonymous visitors, a server without accounts). */
function ownerOf(ctx: Context): string | null {
  const principal = (ctx.state as { principal?: Principal }).principal;
  return principal?.kind === 'user' ? principal.username : null;
}

/**
 * The HTTP control of runs, for scripts: scenarios, runs and recordings, creating runs and
 * replays (owned by the signed-in account), the same controls as the socket API, removing runs
 * with their recordings, traffic and air figures and (with `whatif`) what-if comparisons.
 * Refusals are JSON {error: {code, message}}. Authorization is the auth middleware's, but for
 * DELETE, which asks the run rules (the owner or an admin).
 */
export function runsApi(manager: RunManager, store: RunStore, whatif?: WhatIfManager): Router {
  const router = new Router({ prefix: '/api' });
  // A request naming a run counts as watching it (runs nobody watches end after a while).
  router.param('id', (id, _ctx, next) => {
    manager.touch(id);
    return next();
  });

  router.get('/scenarios', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      scenarios: manager.scenarios.map((s) => ({
        id: s.id,
        title: s.title,
        description: s.description,
        city: s.city,
        start: s.start,
        duration: s.duration,
        durationMs: s.durationMs,
        seed: s.seed,
        engines: Object.keys(s.engines).sort(),
      })),
      errors: manager.scenarioErrors,
    };
  });

  router.get('/runs', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { runs: manager.list(), recordings: store.listRuns({ limit: 200 }) };
  });

  router.post('/runs', async (ctx) => {
    const input = await readJson(ctx, 'POST /api/runs');
    const isReplay = input !== null && typeof input === 'object' && 'replayOf' in input;
    const parsed = (isReplay ? CreateReplayBody : CreateRunBody).safeParse(input);
    if (!parsed.success) return refuse(ctx, { code: 'bad_request', message: formatIssues('POST /api/runs', parsed.error, input) });
    const body = parsed.data;
    const owner = ownerOf(ctx);
    const made = 'replayOf' in body ? manager.createReplay(body, owner) : manager.createRun(body, { owner });
    if (!made.ok) return refuse(ctx, made.error);
    ctx.status = 201;
    ctx.set('Location', `/api/runs/${encodeURIComponent(made.result.runId)}`);
    ctx.body = manager.get(made.result.runId);
  });

  router.get('/runs/:id', (ctx) => {
    const run = manager.get(ctx.params.id);
    if (!run) return refuse(ctx, { code: 'not_found', message: `GET /api/runs/:id: no run ${JSON.stringify(ctx.params.id)}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = run;
  });

  router.delete('/runs/:id', (ctx) => {
    const where = 'DELETE /api/runs/:id';
    const query = RemoveQuery.safeParse(ctx.query);
    if (!query.success) return refuse(ctx, { code: 'bad_request', message: formatIssues(where, query.error, ctx.query) });
    const run = manager.get(ctx.params.id);
    if (!run) return refuse(ctx, { code: 'not_found', message: `${where}: no run ${JSON.stringify(ctx.params.id)}` });
    // Nobody may remove the live baseline: the manager says so plainly.
    const principal = principalOf(ctx);
    if (run.kind !== 'live' && !mayActOnRun(principal, { id: run.state.runId, kind: run.kind, owner: run.owner }, 'delete')) {
      const whose = run.owner === null ? 'started by the server' : `owned by ${run.owner}`;
      return refuse(ctx, { code: 'forbidden', message: `${where}: ${actorName(principal)} may not delete run ${run.state.runId} (${whose})` });
    }
    const removed = manager.remove(run.state.runId, { deleteRecording: query.data.recording !== 'keep' });
    if (!removed.ok) return refuse(ctx, { ...removed.error, message: `${where}: ${removed.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { removed: removed.result };
  });

  router.get('/runs/:id/traffic', (ctx) => {
    const traffic = manager.traffic(ctx.params.id);
    if (!traffic.ok) return refuse(ctx, { ...traffic.error, message: `GET /api/runs/:id/traffic: ${traffic.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { runId: ctx.params.id, ...traffic.result };
  });

  router.get('/runs/:id/air', (ctx) => {
    const air = manager.air(ctx.params.id);
    if (!air.ok) return refuse(ctx, { ...air.error, message: `GET /api/runs/:id/air: ${air.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { runId: ctx.params.id, ...air.result };
  });

  emergencyApi(router, manager, refuse);
  dashboardApi(router, manager, refuse);

  router.get('/runs/:id/air/point', (ctx) => {
    const where = 'GET /api/runs/:id/air/point';
    const parsed = PointQuery.safeParse(ctx.query);
    if (!parsed.success) return refuse(ctx, { code: 'bad_request', message: formatIssues(where, parsed.error, ctx.query) });
    const { lon, lat, x, y, heightM } = parsed.data;
    const place = lon !== undefined && lat !== undefined ? { lon, lat } : { x: x as number, y: y as number };
    const found = manager.airAt(ctx.params.id, place, heightM ?? DEFAULT_HEIGHT_M);
    if (!found.ok) return refuse(ctx, { ...found.error, message: `${where}: ${found.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = found.result;
  });

  router.get('/runs/:id/links/:linkId', (ctx) => {
    const link = manager.link(ctx.params.id, ctx.params.linkId);
    if (!link.ok) return refuse(ctx, { ...link.error, message: `GET /api/runs/:id/links/:linkId: ${link.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = link.result;
  });

  router.get('/runs/:id/objects/:objectId', (ctx) => {
    const raw = ctx.params.objectId;
    const objectId = Number(raw);
    if (!/^\d{1,10}$/.test(raw) || objectId > 0xffffffff) {
      return refuse(ctx, { code: 'bad_request', message: `GET /api/runs/:id/objects/:objectId: objectId must be an object id (0–4294967295), got ${JSON.stringify(raw)}` });
    }
    const found = manager.describeObject(ctx.params.id, objectId);
    if (!found.ok) return refuse(ctx, { ...found.error, message: `GET /api/runs/:id/objects/:objectId: ${found.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = found.result;
  });

  router.post('/runs/:id/control', async (ctx) => {
    const input = await readJson(ctx, 'POST /api/runs/:id/control');
    const parsed = ControlBody.safeParse(input);
    if (!parsed.success) return refuse(ctx, { code: 'bad_request', message: formatIssues('POST /api/runs/:id/control', parsed.error, input) });
    const control = parsed.data as RunControl;
    ctx.state.auditDetail = control;
    const run = manager.get(ctx.params.id);
    if (!run) return refuse(ctx, { code: 'not_found', message: `POST /api/runs/:id/control: no run ${JSON.stringify(ctx.params.id)}` });
    const why = controlRefusal(principalOf(ctx), { id: run.state.runId, kind: run.kind, owner: run.owner }, control);
    if (why) return refuse(ctx, { code: 'forbidden', message: `POST /api/runs/:id/control: ${why}` });
    const result: Ack<unknown> = manager.control(ctx.params.id, control);
    if (!result.ok) return refuse(ctx, result.error);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { result: result.result, run: manager.get(ctx.params.id) };
  });

  if (whatif) {
    router.post('/whatif', async (ctx) => {
      const input = await readJson(ctx, 'POST /api/whatif');
      const started = whatif.start(input, ownerOf(ctx));
      if (!started.ok) return refuse(ctx, started.error);
      ctx.status = 201;
      ctx.set('Location', `/api/whatif/${encodeURIComponent(started.result.id)}`);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = started.result;
    });

    router.get('/whatif', (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { whatif: whatif.list() };
    });

    router.get('/whatif/:id', (ctx) => {
      const found = whatif.get(ctx.params.id);
      if (!found) return refuse(ctx, { code: 'not_found', message: `GET /api/whatif/:id: no what-if ${JSON.stringify(ctx.params.id)}` });
      ctx.set('Cache-Control', 'no-store');
      ctx.body = found;
    });
  }

  return router;
}
