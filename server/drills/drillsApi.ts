/**
 * The HTTP side of drills: the list with load errors and each drill's status, a drill with its
 * MSEL (controller notes for directors only) and sessions, the director's controls for scripts
 * (the same as the socket's), and a session's after-action review. Refusals are JSON {error: {code, message}}.
 */
import type { Context } from 'koa';
import { Router } from '@koa/router';
import { z } from 'zod';
import { principalOf } from '../auth/authorize.ts';
import { can } from '../auth/principal.ts';
import { formatIssues } from '../protocol/formatIssues.ts';
import { readJson } from '../http/readJson.ts';
import type { DrillManager } from './DrillManager.ts';

const ControlBody = z.strictObject({ control: z.enum(['start', 'pause', 'freeze', 'resume', 'end']), speed: z.number().min(0.5).max(3600).optional() });

/** HTTP status of each refusal code; anything else is a bad request. */
const STATUS: Record<string, number> = {
  not_found: 404,
  forbidden: 403,
  not_started: 409,
  drill_running: 409,
  drill_ended: 409,
  drill_frozen: 409,
  too_many_runs: 409,
};

function refuse(ctx: Context, error: { code: string; message: string }): void {
  ctx.status = STATUS[error.code] ?? 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error };
}

/** GET /api/drills, GET /api/drills/:id, POST /api/drills/:id/control, GET /api/drills/sessions/:sessionId/review. */
export function drillsApi(drills: DrillManager): Router {
  const router = new Router({ prefix: '/api' });

  router.get('/drills', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = drills.list();
  });

  router.get('/drills/sessions/:sessionId/review', (ctx) => {
    const review = drills.review(ctx.params.sessionId);
    if (!review) return refuse(ctx, { code: 'not_found', message: `GET /api/drills/sessions/:sessionId/review: no drill session ${JSON.stringify(ctx.params.sessionId)}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = review;
  });

  router.get('/drills/:id', (ctx) => {
    const detail = drills.detail(ctx.params.id, can(principalOf(ctx), 'drill.direct'));
    if (!detail) return refuse(ctx, { code: 'not_found', message: `GET /api/drills/:id: no drill ${JSON.stringify(ctx.params.id)}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = detail;
  });

  router.post('/drills/:id/control', async (ctx) => {
    const input = await readJson(ctx, 'POST /api/drills/:id/control');
    const parsed = ControlBody.safeParse(input);
    if (!parsed.success) return refuse(ctx, { code: 'bad_request', message: formatIssues('POST /api/drills/:id/control', parsed.error, input) });
    // Audited by the drill manager, as the socket's controls are.
    const result = drills.control(principalOf(ctx), ctx.params.id, parsed.data.control, parsed.data.speed);
    if (!result.ok) return refuse(ctx, result.error);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = result.result;
  });

  return router;
}
