/**
 * How the incidents layer words things, for the panel, the markers and the toasts alike: levels,
 * units and their ETAs, and the timeline's entries and the alerts (i18n keys with the server's
 * parameters, names put in the reader's language). Pure: the caller passes its `t`.
 */
import type { TFunction } from 'i18next';
import type { EmergencySummary, Incident, TimelineEntry, Unit } from '../../../server/protocol/EmergencySummary.ts';
import type { AlertEvent } from '../../../server/protocol/events.ts';
import type { ResponseLevel } from '../../../server/protocol/responseLevels.ts';

/** A name in the reader's language. */
export const nameIn = (name: { zh: string; en: string }, zh: boolean): string => (zh ? name.zh : name.en);

/** "IV 级 · 一般" */
export const levelBadge = (t: TFunction, level: ResponseLevel): string => t('incidents.levelBadge', { level, name: t(`incidents.levelName.${level}`) });

/** "U012 救护车" */
export const unitName = (t: TFunction, unit: Pick<Unit, 'id' | 'kind'>): string => t('incidents.unitName', { id: unit.id, kind: t(`incidents.unitKind.${unit.kind}`) });

/** Whole minutes, at least 1 (an ETA under a minute reads "1 minute"), or tenths below 10. */
export const minutesOf = (seconds: number): number => (seconds < 600 ? Math.max(0.1, Math.round(seconds / 6) / 10) : Math.round(seconds / 60));

/**
 * Where a unit stands as a label says it: "预计 3 分钟" (its ETA at dispatch, counted down by the
 * sim clock), "已到达", "送医途中", "已完成", "无法到达".
 */
export function unitStatus(t: TFunction, unit: Unit, simTimeMs: number): string {
  if (unit.state === 'waiting' || unit.state === 'enRoute') {
    const left = (unit.dispatchedAtMs + unit.etaS * 1000 - simTimeMs) / 1000;
    return left > 30 ? t('incidents.eta', { minutes: minutesOf(left) }) : t('incidents.etaNow');
  }
  return t(`incidents.unitState.${unit.state}`);
}

/** The names of the places the summary knows, by id and by Chinese name (timeline parameters name some either way). */
function placeName(summary: EmergencySummary | null, value: string, zh: boolean): string {
  const places = [...(summary?.hospitals ?? []), ...(summary?.stations ?? []), ...(summary?.shelters ?? [])];
  const found = places.find((p) => p.id === value || p.name.zh === value);
  return found ? nameIn(found.name, zh) : value;
}

/** A timeline entry as a sentence (emergency.timeline.<key>), its parameters in the reader's language. */
export function timelineText(t: TFunction, entry: TimelineEntry, incident: Incident, summary: EmergencySummary | null, zh: boolean): string {
  const p = entry.params;
  const unit = typeof p.unit === 'string' ? incident.units.find((u) => u.id === p.unit) : undefined;
  const params: Record<string, string | number> = {
    ...p,
    name: nameIn(incident.name, zh),
    kind: typeof p.kind === 'string' ? t(`incidents.unitKind.${p.kind}`, { defaultValue: p.kind }) : '',
    station: unit ? nameIn(unit.stationName, zh) : String(p.station ?? ''),
    hospital: typeof p.hospital === 'string' ? placeName(summary, p.hospital, zh) : '',
    minutes: typeof p.etaS === 'number' ? minutesOf(p.etaS) : (p.minutes ?? ''),
    level: typeof p.level === 'string' ? levelBadge(t, p.level as ResponseLevel) : '',
    warning: typeof p.warning === 'string' ? t(`flood.warning.${p.warning}`, { defaultValue: p.warning }) : '',
  };
  return t(`emergency.timeline.${entry.key}`, { ...params, defaultValue: entry.key });
}

/** An alert as a sentence (its messageKey, e.g. alert.incident.fire), the incident's name and level in the reader's language. */
export function alertText(t: TFunction, alert: AlertEvent, zh: boolean): string {
  const p = alert.params;
  const name = !zh && typeof p.nameEn === 'string' ? p.nameEn : p.name;
  const level = typeof p.level === 'string' ? levelBadge(t, p.level as ResponseLevel) : '';
  return t(alert.messageKey, { ...p, name, level, defaultValue: alert.messageKey });
}
