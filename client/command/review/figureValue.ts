import { formatDuration } from '../shared/drillText.ts';

/** A figure's value as people read it: seconds (keys ending in "S") as durations, rates as percentages. */
export function figureValue(key: string, value: number | null): string {
  if (value === null) return '—';
  if (/[a-z]S$/.test(key)) return formatDuration(value * 1000);
  if (key.endsWith('Rate')) return `${Math.round(value * 100)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 2 : 1);
}
