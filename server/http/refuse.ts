import type { Context } from 'koa';
import type { HttpErrorBody } from '../httpErrors.ts';

/**
 * Answers a refused request with `{error: {code, message}}` directly (with `fields` beside them,
 * such as when a lock ends, and `headers`, such as Retry-After). The hardening middleware
 * use it instead of `ctx.throw`, which would reach the error middleware's generic code for the
 * status ('forbidden', 'http_429') and would not run at all outside it (the host check sits there).
 */
export function refuse(
  ctx: Context,
  status: number,
  code: string,
  message: string,
  options: { headers?: Record<string, string>; fields?: Record<string, unknown> } = {},
): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(options.headers ?? {})) ctx.set(name, value);
  const body: HttpErrorBody = { error: { code, message, ...options.fields } };
  ctx.body = body;
}
