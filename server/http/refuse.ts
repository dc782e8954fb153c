import type { Context } from 'koa';
import type { HttpErrorBody } from '../httpErrors.ts';

/**
 * Answers a refused request with `{error: {code, message}}` directly. The hardening middleware
 * use it instead of `ctx.throw`, which would reach the error middleware's generic code for the
 * status ('forbidden', 'http_429') and would not run at all outside it (the host check sits there).
 */
export function refuse(ctx: Context, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  const body: HttpErrorBody = { error: { code, message } };
  ctx.body = body;
}
