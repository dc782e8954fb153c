/**
 * What a drill's run adds to its session on each look: timeline entries for arrivals, new
 * incidents, level changes and the rainstorm warning (told apart from what was already seen by a
 * RunMemory), and a point of each trend the after-action review charts.
 */
import type { Department } from '../protocol/access.ts';
import type { DrillText } from '../protocol/drills.ts';
import type { EmergencySummary } from '../protocol/EmergencySummary.ts';
import type { RunManager } from '../realtime/RunManager.ts';
import type { DrillSession, TimelineDraft } from './DrillSession.ts';

/** What was seen of a run at the last look: each unit's state (`<incident>/<unit>`), each incident's level, the rain warning. */
export interface RunMemory {
  units: Map<string, string>;
  levels: Map<string, string>;
  rainWarning: string | null;
}

const UNIT_DEPARTMENT: Record<string, Department> = { fire: 'fire_rescue', ambulance: 'health', police: 'traffic_police' };
const RAIN_WARNING_NAMES: Record<string, DrillText> = {
  blue: { zh: '暴雨蓝色预警', en: 'blue rainstorm warning' },
  yellow: { zh: '暴雨黄色预警', en: 'yellow rainstorm warning' },
  orange: { zh: '暴雨橙色预警', en: 'orange rainstorm warning' },
  red: { zh: '暴雨红色预警', en: 'red rainstorm warning' },
};

/** A memory of nothing seen yet: the first look reports every incident. */
export function newRunMemory(): RunMemory {
  return { units: new Map(), levels: new Map(), rainWarning: null };
}

/** Arrivals, new incidents, level changes and the rainstorm warning, from the run's summaries since the last look. */
export function runChanges(manager: RunManager, runId: string, memory: RunMemory): TimelineDraft[] {
  const emergency = manager.emergency(runId);
  const entries = emergency.ok ? incidentChanges(emergency.result.summary, memory) : [];
  const flood = manager.flood(runId);
  const warning = flood.ok ? flood.result.warning : null;
  if (warning !== memory.rainWarning) {
    memory.rainWarning = warning;
    if (flood.ok && warning) {
      const name = RAIN_WARNING_NAMES[warning];
      entries.push({ simTimeMs: flood.result.simTimeMs, kind: 'alert', actor: 'system', department: null, mselId: null, text: { zh: `雨量已达${name.zh}标准`, en: `The rain has reached the ${name.en} threshold` }, action: null });
    }
  }
  return entries;
}

/** New incidents, level changes and units arriving on scene since `memory`, which it brings up to date. */
function incidentChanges(summary: EmergencySummary, memory: RunMemory): TimelineDraft[] {
  const entries: TimelineDraft[] = [];
  for (const incident of summary.incidents) {
    const before = memory.levels.get(incident.id);
    if (before === undefined) {
      entries.push({ simTimeMs: incident.startedAtMs, kind: 'level', actor: 'system', department: null, mselId: null, text: { zh: `新事件：${incident.name.zh}（${incident.id}），响应等级 ${incident.level} 级`, en: `New incident: ${incident.name.en} (${incident.id}), response level ${incident.level}` }, action: null });
    } else if (before !== incident.level) {
      entries.push({ simTimeMs: summary.simTimeMs, kind: 'level', actor: 'system', department: null, mselId: null, text: { zh: `${incident.name.zh} 响应等级 ${before} 级 → ${incident.level} 级`, en: `${incident.name.en}: response level ${before} → ${incident.level}` }, action: null });
    }
    memory.levels.set(incident.id, incident.level);
    for (const unit of incident.units) {
      const key = `${incident.id}/${unit.id}`;
      const was = memory.units.get(key);
      memory.units.set(key, unit.state);
      if (unit.state === 'onScene' && was !== 'onScene' && unit.arrivedAtMs !== null && was !== 'toHospital' && was !== 'done') {
        const minutes = ((unit.arrivedAtMs - unit.dispatchedAtMs) / 60_000).toFixed(1);
        entries.push({
          simTimeMs: unit.arrivedAtMs,
          kind: 'arrival',
          actor: 'system',
          department: UNIT_DEPARTMENT[unit.kind] ?? null,
          mselId: null,
          text: { zh: `${unit.stationName.zh} ${unit.id} 到达 ${incident.name.zh}（出动后 ${minutes} 分钟）`, en: `${unit.stationName.en} ${unit.id} arrived at ${incident.name.en} (${minutes} min after dispatch)` },
          action: null,
        });
      }
    }
  }
  return entries;
}

/** Adds one point of each trend the review charts to `s.series`: traffic index, AQI, water, closed roads, incidents, casualties. */
export function sampleTrends(manager: RunManager, s: DrillSession, simTimeMs: number): void {
  const runId = s.state.runId;
  const add = (name: string, value: number | undefined): void => {
    if (value === undefined || !Number.isFinite(value)) return;
    (s.series[name] ??= []).push({ simTimeMs, value });
  };
  add('trafficIndex', manager.trafficSummary(runId)?.index);
  add('aqi', manager.airSummary(runId)?.aqi);
  const flood = manager.flood(runId);
  if (flood.ok) {
    add('maxDepthM', flood.result.maxDepthM);
    add('rainMmPerH', flood.result.rainMmPerH);
    add('closedLinks', flood.result.linkCounts.closed + flood.result.linkCounts.impassable);
    add('wetBuildings', flood.result.wetBuildings);
  }
  const emergency = manager.emergency(runId);
  if (emergency.ok) {
    add('incidents', emergency.result.summary.incidents.filter((i) => i.status === 'active').length);
    add('casualties', emergency.result.summary.figures.casualties);
  }
}
