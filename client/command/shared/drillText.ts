/** How the command center's pages show drill texts and times: the language's half of a text, offsets and clocks. */
import type { DrillText } from '../../../server/protocol/drills.ts';
import { formatSimTime } from '../../../server/protocol/simTime.ts';

/** The half of `text` in the UI language (Chinese unless the language is English). */
export function textIn(text: DrillText, language: string): string {
  return language.startsWith('en') ? text.en : text.zh;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "T+01:02:03" for `ms` of sim time after the drill's start (as MSEL files write times). */
export function formatOffset(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `T+${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** "07:12:05", the time of day in Asia/Shanghai of sim time `simTimeMs` of a run that started at `startEpochMs`. */
export function formatClock(startEpochMs: number, simTimeMs: number): string {
  return formatSimTime(startEpochMs + simTimeMs).slice(11);
}

/** A compact duration: "12:05" (minutes:seconds) or "1:02:05" past an hour. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`;
}
