/**
 * Whether a tileset or imagery URL from the address bar (`?tileset=`, `?imagery=`) may be loaded: a
 * link someone sends must not make the wall screen fetch from, and show, a host of their choosing.
 */

/** The origin of `url`, or null when it is not an absolute http(s) URL. */
function httpOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * `url` unchanged (a tile template's `{z}/{x}/{y}` kept) when it is on this page's origin (relative
 * or absolute) or on one of `allowedOrigins` (SessionInfo.allowedOrigins); else null.
 */
export function allowedSourceUrl(url: string, allowedOrigins: readonly string[], pageOrigin: string = window.location.origin): string | null {
  const trimmed = url.trim();
  if (trimmed === '') return null;
  let origin: string | null;
  try {
    // Relative paths resolve against the page; `//host/…` and `/\host/…` resolve to that host.
    origin = httpOrigin(new URL(trimmed, pageOrigin).href);
  } catch {
    return null;
  }
  if (origin === null) return null;
  if (origin === httpOrigin(pageOrigin) || allowedOrigins.some((o) => httpOrigin(o) === origin)) return trimmed;
  return null;
}
