/** Times on the account pages: the server sends UTC ISO strings; people read Beijing time (Asia/Shanghai, UTC+8 all year). */

/** "2025/03/01 08:00:00" (zh) or the English equivalent, in Asia/Shanghai time; the input as it is when it is not a time. */
export function formatShanghai(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

/** A `datetime-local` input's value ("2025-03-01T08:00"), read as Beijing time, as a UTC ISO string; null when empty or malformed. */
export function shanghaiInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
