import type { Middleware } from 'koa';

/** The body of every error response. */
export interface HttpErrorBody {
  /** Some refusals say more beside the code and message (lockedUntil). */
  error: { code: string; message: string; [field: string]: unknown };
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  416: 'range_not_satisfiable',
  501: 'not_implemented',
};

/** Headers a failed response must not keep from the handler that failed (they described the body it meant to send). */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'etag', 'last-modified', 'cache-control'];

/**
 * The one error path of the Koa app: `ctx.throw(4xx, message)` becomes `{error: {code, message}}`
 * with that status; anything else is a bug, logged through the app's 'error' event and answered
 * 500 with a generic message (no stack, no internals). Unmatched requests end as a JSON 404.
 */
export function httpErrors(): Middleware {
  return async function httpErrorsMiddleware(ctx, next) {
    try {
      await next();
      // Statuses set without a body (no route; the router's 405/501) still get a JSON error.
      if (ctx.body == null && ctx.status >= 400) {
        if (ctx.status === 404) ctx.throw(404, `no route ${ctx.method} ${ctx.path}`);
        if (ctx.status === 405) ctx.throw(405, `${ctx.method} is not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow')}`);
        if (ctx.status === 501) ctx.throw(501, `${ctx.method} is not implemented`);
        ctx.throw(ctx.status);
      }
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(`non-error thrown: ${String(caught)}`);
      const props = error as Error & { status?: unknown; statusCode?: unknown; expose?: unknown; headers?: unknown };
      const raw = typeof props.status === 'number' ? props.status : props.statusCode;
      const status = typeof raw === 'number' && raw >= 400 && raw <= 599 ? raw : 500;
      // 501 (a method nobody implements) is the client's doing too; other 5xx are ours.
      const client = status < 500 ? props.expose !== false : status === 501;
      if (!client) ctx.app.emit('error', error, ctx);
      if (ctx.headerSent || !ctx.writable) return;

      for (const name of BODY_HEADERS) ctx.remove(name);
      if (client && props.headers && typeof props.headers === 'object') {
        for (const [name, value] of Object.entries(props.headers as Record<string, string>)) ctx.set(name, value);
      }
      ctx.status = status;
      ctx.set('Cache-Control', 'no-store');
      const body: HttpErrorBody = {
        error: client
          ? { code: CODES[status] ?? `http_${status}`, message: error.message }
          : { code: 'internal', message: 'internal server error; the server log has the details' },
      };
      ctx.body = body;
    }
  };
}
