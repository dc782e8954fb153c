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

/** Fetches `url` (GET, or POST with `body` as JSON) and returns its JSON; throws HttpError with the server's message. */
export async function fetchJson(url: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
  const init: RequestInit = body === undefined ? { headers: { accept: 'application/json' }, signal } : { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body), signal };
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
    throw new HttpError(`${init.method ?? 'GET'} ${url}: ${message}`, response.status, code);
  }
  return response.json();
}
