/** JSON over HTTP for the app and the panels: the server's error message (it names the field and value) becomes the thrown Error's. */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An HTTP error with the server's status and error code. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Fetches `url` and returns its JSON (null for an empty answer, such as 204); throws HttpError with
 * the server's message. The method is GET without `body` and POST with it unless `method` says
 * otherwise; every method but GET is sent as JSON (the server takes state changes only as JSON, which
 * a cross-site form cannot send), with `body` when there is one.
 */
export async function fetchJson(url: string, body?: unknown, signal?: AbortSignal, method?: HttpMethod): Promise<unknown> {
  const verb = method ?? (body === undefined ? 'GET' : 'POST');
  const init: RequestInit =
    verb === 'GET'
      ? { headers: { accept: 'application/json' }, signal }
      : { method: verb, headers: { accept: 'application/json', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal };
  const response = await fetch(url, init);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let code: string | null = null;
    try {
      const parsed: unknown = await response.json();
      if (isObject(parsed) && isObject(parsed.error)) {
        if (typeof parsed.error.message === 'string') message = parsed.error.message;
        if (typeof parsed.error.code === 'string') code = parsed.error.code;
      }
    } catch {
      // The status line says enough when the body is not JSON.
    }
    throw new HttpError(`${verb} ${url}: ${message}`, response.status, code);
  }
  const text = await response.text();
  return text === '' ? null : (JSON.parse(text) as unknown);
}
