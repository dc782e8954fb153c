import type { EmergencySummary } from '../../protocol/EmergencySummary.ts';
import type { AlertEvent } from '../../protocol/events.ts';
import { RAIN_WARNINGS, type FloodSummary, type RainWarning } from '../../protocol/FloodSummary.ts';
import { isMoreSevere, RESPONSE_LEVEL_INFO, type ResponseLevel } from '../../protocol/responseLevels.ts';

/** Levels I and II (特别重大, 重大) and the orange and red rain warnings are critical. */
const severityOf = (level: ResponseLevel): AlertEvent['severity'] => (RESPONSE_LEVEL_INFO[level].rank <= 2 ? 'critical' : 'warning');
const warningRank = (w: RainWarning): number => RAIN_WARNINGS.indexOf(w);

/**
 * Alerts for the screens from two successive emergency summaries: a new incident, an incident's
 * level rising. The message is an i18n key (alert.*) with its parameters.
 */
export function emergencyAlerts(runId: string, now: EmergencySummary, before: EmergencySummary | undefined, simTimeMs: number): AlertEvent[] {
  const out: AlertEvent[] = [];
  const old = new Map((before?.incidents ?? []).map((i) => [i.id, i]));
  for (const inc of now.incidents) {
    const was = old.get(inc.id);
    const base = { type: 'alert' as const, runId, simTimeMs, source: 'emergency' as const, x: inc.x, y: inc.y };
    if (!was) {
      out.push({ ...base, alertId: `${inc.id}-new`, severity: severityOf(inc.level), messageKey: `alert.incident.${inc.kind}`, params: { incidentId: inc.id, name: inc.name.zh, nameEn: inc.name.en, level: inc.level } });
    } else if (isMoreSevere(inc.level, was.level)) {
      out.push({ ...base, alertId: `${inc.id}-level-${inc.level}`, severity: severityOf(inc.level), messageKey: 'alert.levelRaised', params: { incidentId: inc.id, name: inc.name.zh, nameEn: inc.name.en, level: inc.level } });
    }
  }
  return out;
}

/** An alert when the rainstorm warning rises (暴雨预警信号). */
export function floodAlerts(runId: string, now: FloodSummary, before: FloodSummary | undefined, simTimeMs: number): AlertEvent[] {
  const w = now.warning;
  if (!w || (before?.warning && warningRank(before.warning) >= warningRank(w))) return [];
  return [{ type: 'alert', runId, simTimeMs, alertId: `rain-${w}`, severity: warningRank(w) >= warningRank('orange') ? 'critical' : 'warning', source: 'environment', messageKey: `alert.rainWarning.${w}`, params: { rainMm: Math.round(now.rainMm) } }];
}
