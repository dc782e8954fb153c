/** Scenario times: durations "hh:mm:ss" and offsets from the start "T+hh:mm:ss", as integer milliseconds. */

const DURATION = /^(\d{2,3}):([0-5]\d):([0-5]\d)$/;

/** Milliseconds of "hh:mm:ss" (hours may pass 24), or undefined when the text is not in that form. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

/** Milliseconds since the start for "T+hh:mm:ss", or undefined when the text is not in that form. */
export function parseOffset(text: string): number | undefined {
  return text.startsWith('T+') ? parseDuration(text.slice(2)) : undefined;
}

/** "hh:mm:ss" for milliseconds (fractions of a second dropped). */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** "T+hh:mm:ss" for milliseconds since the start. */
export function formatOffset(ms: number): string {
  return `T+${formatDuration(ms)}`;
}
