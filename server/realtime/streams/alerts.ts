import type { EmergencySummary } from '../../protocol/EmergencySummary.ts';
import type { AlertEvent } from '../../protocol/events.ts';
import type { FloodSummary } from '../../protocol/FloodSummary.ts';

const LEVEL_RANK = { IV: 1, III: 2, II: 3, I: 4 } as const;
const WARNING_RANK = { blue: 1, yellow: 2, orange: 3, red: 4 } as const;
const severityOf = (level: keyof typeof LEVEL_RANK): AlertEvent['severity'] => (LEVEL_RANK[level] >= 3 ? 'critical' : 'warning');

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
    } else if (LEVEL_RANK[inc.level] > LEVEL_RANK[was.level]) {
      out.push({ ...base, alertId: `${inc.id}-level-${inc.level}`, severity: severityOf(inc.level), messageKey: 'alert.levelRaised', params: { incidentId: inc.id, name: inc.name.zh, nameEn: inc.name.en, level: inc.level } });
    }
  }
  return out;
}

/** An alert when the rainstorm warning rises (暴雨预警信号). */
export function floodAlerts(runId: string, now: FloodSummary, before: FloodSummary | undefined, simTimeMs: number): AlertEvent[] {
  const w = now.warning;
  if (!w || (before?.warning && WARNING_RANK[before.warning] >= WARNING_RANK[w])) return [];
  return [{ type: 'alert', runId, simTimeMs, alertId: `rain-${w}`, severity: WARNING_RANK[w] >= 3 ? 'critical' : 'warning', source: 'environment', messageKey: `alert.rainWarning.${w}`, params: { rainMm: Math.round(now.rainMm) } }];
}
