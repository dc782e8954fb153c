/** Why a tile of an added tileset failed, read from what the renderers say, for the layer panel's count. */

/**
 * The HTTP status a failed request's message names ("404"), `network` when the request got no
 * answer (refused by CORS, host unreachable: the browser tells a page no more), else `content`
 * (it came but could not be read).
 */
export function tileFailureReason(message: string): string {
  // three: "… with error code 404" / "… with status 404"; Cesium: "… Status Code: 404".
  const status = /(?:error code|status|status code:)\s*(\d{3})\b/i.exec(message);
  if (status) return status[1];
  // fetch: "Failed to fetch" (TypeError); Cesium's XHR: "Request has failed." with no status.
  if (/failed to fetch|networkerror|load failed|request has failed/i.test(message)) return 'network';
  return 'content';
}
