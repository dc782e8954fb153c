/**
 * Sim time as people read it. Runs happen in Asia/Shanghai, which is UTC+8 all year (no daylight
 * saving), so the wall-clock fields are computed directly and never depend on the machine's zone.
 */

/** Asia/Shanghai's offset from UTC, milliseconds. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** "2026-03-16 07:00:00" in Asia/Shanghai for an epoch time in milliseconds (fractions dropped). */
export function formatSimTime(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000 + SHANGHAI_OFFSET_MS);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Milliseconds since local (Asia/Shanghai) midnight, for time-of-day behaviour such as demand curves. */
export function shanghaiTimeOfDayMs(epochMs: number): number {
  const day = 86_400_000;
  return (((epochMs + SHANGHAI_OFFSET_MS) % day) + day) % day;
}
