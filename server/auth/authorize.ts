import type { Context, Middleware } from 'koa';
import type { DataLayerId } from '../protocol/access.ts';
import { refuse } from '../http/refuse.ts';
import { maskHttpAnswer } from './masking.ts';
import type { Principal } from './principal.ts';
import { isGuardedPath, refusal, ROUTE_RULES, ruleFor } from './rules.ts';
import { SESSION_COOKIE, type Trust } from './Trust.ts';

/** Routes an account that must change its password may still use. */
const BEFORE_PASSWORD_CHANGE = new Set(['/api/session', '/api/session/password', '/api/health']);
/** Methods the app knows; others are answered 501 Not Implemented, as the router would. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** One audit record per principal, masked layer and run this often at most: screens poll these routes. */
const MASKED_READ_EVERY_MS = 10 * 60_000;

/**
 * Changes the run routes make, recorded here for every outcome (the access API records its own,
 * with more to say). A handler may put what to record in `ctx.state.auditDetail`.
 */
const AUDITED_HERE: Readonly<Record<string, string>> = {
  'POST /api/runs': 'run.start',
  'DELETE /api/runs/:id': 'run.delete',
  'POST /api/runs/:id/control': 'run.control',
  'POST /api/whatif': 'whatif.start',
};

/** The principal of a request, set by authorize() before any route (a route reached without it is a wiring bug). */
export function principalOf(ctx: Context): Principal {
  const principal = (ctx.state as { principal?: Principal }).principal;
  if (!principal) throw new Error(`${ctx.method} ${ctx.path}: no principal in ctx.state (the authorize middleware must run before the routes)`);
  return principal;
}

/**
 * Authorization of every HTTP request, deny by default: works out the principal from the session
 * cookie, finds the route's rule in ROUTE_RULES (an /api/ or /tiles/ path without one is refused),
 * refuses with 401 (sign in first) or 403, records refused changes in the audit trail, and masks
 * data-layer answers by the principal's grants (recording access to a masked layer).
 */
export function authorize(trust: Trust): Middleware {
  const lastMaskedRead = new Map<string, number>();
  return async function authorizeMiddleware(ctx, next) {
    const principal = trust.principal(ctx.cookies.get(SESSION_COOKIE), ctx.ip);
    ctx.state.principal = principal;
    const found = ruleFor(ctx.method, ctx.path);
    if (!found) {
      if (!isGuardedPath(ctx.path) || ctx.method === 'OPTIONS') return next();
      if (!KNOWN_METHODS.has(ctx.method)) return ctx.throw(501, `${ctx.method} is not implemented`);
      const allowed = methodsFor(ctx.path);
      if (allowed.length > 0) {
        ctx.set('Allow', allowed.join(', '));
        ctx.throw(405, `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allowed.join(', ')}`);
      }
      return ctx.throw(404, `no route ${ctx.method} ${ctx.path}`);
    }
    const why = refusal(found.rule, principal);
    if (why) {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') trust.record(principal, 'http.denied', `${ctx.method} ${ctx.path}`, 'denied');
      const message =
        why === 'unauthenticated'
          ? `${ctx.method} ${found.pattern}: sign in first (POST /api/session)`
          : `${ctx.method} ${found.pattern}: the ${principal.role ?? 'anonymous'} role may not do this`;
      return refuse(ctx, why === 'unauthenticated' ? 401 : 403, why, message);
    }
    if (principal.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(ctx.path)) {
      return refuse(ctx, 403, 'password_change_required', `${ctx.method} ${found.pattern}: set a new password first (POST /api/session/password)`);
    }
    try {
      await next();
    } finally {
      if (AUDITED_HERE[`${ctx.method} ${found.pattern}`]) recordChange(ctx, principal, found.pattern);
    }
    if (ctx.method !== 'GET' || ctx.status !== 200 || ctx.body === null || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return;
    const masked = maskHttpAnswer(found.pattern, ctx.body, trust.view(principal));
    if ('forbidden' in masked) {
      trust.record(principal, 'layer.read', `${masked.forbidden} ${ctx.path}`, 'denied');
      return refuse(ctx, 403, 'forbidden', `GET ${found.pattern}: no grant to read ${masked.forbidden}`);
    }
    ctx.body = masked.body;
    for (const layer of masked.masked) recordMaskedRead(principal, layer, ctx.path);
  };

  /** Writes the audit record of a run change made over HTTP: what, which run, how it ended, and what the handler put in `ctx.state.auditDetail`. */
  function recordChange(ctx: Context, principal: Principal, pattern: string): void {
    const action = AUDITED_HERE[`${ctx.method} ${pattern}`];
    const status = ctx.status;
    const result = status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'failed';
    const body = ctx.body as { runId?: unknown; id?: unknown; state?: { runId?: unknown } } | null;
    const made = typeof body?.state?.runId === 'string' ? body.state.runId : typeof body?.id === 'string' ? body.id : undefined;
    const target = (ctx.params as Record<string, string> | undefined)?.id ?? made ?? pattern;
    const detail = (ctx.state.auditDetail as Record<string, unknown> | undefined) ?? (status >= 400 ? { status, error: (ctx.body as { error?: unknown } | null)?.error ?? null } : null);
    trust.record(principal, action, target, result, detail);
  }

  function recordMaskedRead(principal: Principal, layer: DataLayerId, target: string): void {
    const key = `${principal.kind}|${principal.username}|${principal.address}|${layer}|${target}`;
    const now = Date.now();
    if ((lastMaskedRead.get(key) ?? -Infinity) > now - MASKED_READ_EVERY_MS) return;
    if (lastMaskedRead.size > 10_000) lastMaskedRead.clear();
    lastMaskedRead.set(key, now);
    trust.record(principal, 'layer.read', `${layer} ${target}`, 'ok', { masked: true });
  }
}

function methodsFor(path: string): string[] {
  const methods = new Set<string>();
  for (const key of Object.keys(ROUTE_RULES)) {
    const method = key.split(' ')[0];
    if (ruleFor(method, path)) methods.add(method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  if (methods.size > 0) methods.add('OPTIONS');
  return [...methods];
}
