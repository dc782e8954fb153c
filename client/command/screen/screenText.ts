/**
 * How the screen words the weather, picks the alerts in force and colours text on a badge. Pure:
 * the caller passes its `t`.
 */
import type { TFunction } from 'i18next';
import type { AirSummary } from '../../../server/protocol/AirSummary.ts';
import type { EmergencySummary } from '../../../server/protocol/EmergencySummary.ts';
import type { AlertEvent } from '../../../server/protocol/events.ts';
import type { FloodSummary } from '../../../server/protocol/FloodSummary.ts';
import { RESPONSE_LEVEL_INFO } from '../../../server/protocol/responseLevels.ts';

/** Upper wind speeds (m/s) of Beaufort forces 0–11 (GB/T 28591-2012 风力等级); above the last is 12. */
const BEAUFORT_MAX_MS = [0.2, 1.5, 3.3, 5.4, 7.9, 10.7, 13.8, 17.1, 20.7, 24.4, 28.4, 32.6];

/** The Beaufort force of a wind speed. */
export function windForce(speedMs: number): number {
  const force = BEAUFORT_MAX_MS.findIndex((max) => speedMs <= max);
  return force === -1 ? 12 : force;
}

/** Rain in the last hour by intensity, mm/h (GB/T 28592-2012 降水量等级, 1-hour amounts). */
function rainKind(mmPerH: number): 'light' | 'moderate' | 'heavy' | 'storm' | null {
  if (mmPerH < 0.1) return null;
  if (mmPerH < 2.6) return 'light';
  if (mmPerH < 8.1) return 'moderate';
  if (mmPerH < 16) return 'heavy';
  return 'storm';
}

/** "多云 18°C · 东北风 3 级" (rain in place of the sky while it rains); null with nothing to say. */
export function weatherText(t: TFunction, weather: Pick<AirSummary['weather'], 'temperatureC' | 'windFromDeg' | 'windSpeedMs' | 'cloudOktas'> | null, flood: Pick<FloodSummary, 'rainMmPerH'> | null): string | null {
  const rain = flood ? rainKind(flood.rainMmPerH) : null;
  if (!weather) return rain ? t(`screen.rain.${rain}`) : null;
  const sky = rain ? t(`screen.rain.${rain}`) : t(`screen.sky.${weather.cloudOktas <= 2 ? 'clear' : weather.cloudOktas <= 6 ? 'cloudy' : 'overcast'}`);
  const force = windForce(weather.windSpeedMs);
  const compass = t('screen.compass', { returnObjects: true }) as string[];
  // The wind is named by where it blows from, as Chinese forecasts do.
  const direction = compass[Math.round((((weather.windFromDeg % 360) + 360) % 360) / 45) % 8];
  const wind = force === 0 ? t('screen.windCalm') : t('screen.wind', { direction, force });
  return `${sky} ${Math.round(weather.temperatureC)}°C · ${wind}`;
}

/**
 * The alerts in force, newest first, one per subject: each incident not closed and the rainstorm
 * warning, as the state has them now (so a screen that joined late or reconnected shows them too),
 * in the words of the latest alert heard about them; and any other alert heard.
 */
export function activeAlerts(
  heard: readonly { event: AlertEvent }[],
  summary: Pick<EmergencySummary, 'incidents'> | null,
  flood: Pick<FloodSummary, 'warning' | 'rainMm' | 'simTimeMs'> | null,
): AlertEvent[] {
  const latest = new Map<string, AlertEvent>();
  for (const { event } of heard) {
    const incidentId = event.params.incidentId;
    latest.set(typeof incidentId === 'string' ? `incident:${incidentId}` : event.alertId.startsWith('rain-') ? 'rain' : event.alertId, event);
  }
  const out: AlertEvent[] = [];
  const base = { type: 'alert' as const, runId: '', source: 'emergency' as const };
  for (const inc of summary?.incidents ?? []) {
    const subject = `incident:${inc.id}`;
    const said = latest.get(subject);
    latest.delete(subject);
    if (inc.status === 'closed') continue;
    const severity = RESPONSE_LEVEL_INFO[inc.level].rank <= 2 ? 'critical' : 'warning';
    out.push(said ?? { ...base, simTimeMs: inc.startedAtMs, alertId: `${inc.id}-new`, severity, messageKey: `alert.incident.${inc.kind}`, params: { incidentId: inc.id, name: inc.name.zh, nameEn: inc.name.en, level: inc.level }, x: inc.x, y: inc.y });
  }
  const rain = latest.get('rain');
  latest.delete('rain');
  if (flood?.warning) {
    const w = flood.warning;
    out.push(rain ?? { ...base, source: 'environment', simTimeMs: flood.simTimeMs, alertId: `rain-${w}`, severity: w === 'orange' || w === 'red' ? 'critical' : 'warning', messageKey: `alert.rainWarning.${w}`, params: { rainMm: Math.round(flood.rainMm) } });
  } else if (rain && !flood) out.push(rain);
  // Without a summary the heard incident alerts are all there is to go by.
  out.push(...[...latest.entries()].filter(([subject]) => !summary || !subject.startsWith('incident:')).map(([, event]) => event));
  return out.sort((a, b) => b.simTimeMs - a.simTimeMs);
}

/** Black or white text, whichever reads better on `background` ("#RRGGBB"). */
export function readableOn(background: string): string {
  const n = Number.parseInt(background.slice(1), 16);
  const luminance = 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  return luminance > 140 ? '#0b1320' : '#ffffff';
}
