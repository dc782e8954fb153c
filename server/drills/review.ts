/**
 * A session's after-action review: the timeline, the expected-action checks, the figures (the
 * checks' counts, injects, actions, arrivals, the duration and each trend's peak) and the trends.
 * Pure: the same kept session and time give the same review, live or read back from disk.
 */
import type { DrillReview } from '../protocol/drills.ts';
import { checkExpectations, checkFigures } from './checks.ts';
import { sessionInfo, type DrillSession } from './DrillSession.ts';

/** The review of `s` as of sim time `nowMs` (its last sim time once it has ended). */
export function sessionReview(s: DrillSession, nowMs: number): DrillReview {
  const checks = checkExpectations(s.drill.msel, s.timeline, nowMs, s.state.status === 'ended');
  const peak = (name: string): number | null => (s.series[name]?.length ? Math.max(...s.series[name].map((p) => p.value)) : null);
  const figures: Record<string, number | null> = {
    ...checkFigures(checks),
    injects: s.timeline.filter((e) => e.kind === 'msel').length,
    actions: s.timeline.filter((e) => e.kind === 'action' || e.kind === 'warning').length,
    arrivals: s.timeline.filter((e) => e.kind === 'arrival').length,
    durationS: Math.round(nowMs / 1000),
    peakTrafficIndex: peak('trafficIndex'),
    peakAqi: peak('aqi'),
    peakWaterDepthM: peak('maxDepthM'),
    peakClosedLinks: peak('closedLinks'),
    peakIncidents: peak('incidents'),
    casualties: s.series.casualties?.at(-1)?.value ?? null,
  };
  const { drill, state } = s;
  return {
    drill: { id: drill.id, title: drill.title, description: drill.description, scenario: drill.scenario, objectives: drill.objectives },
    session: { ...sessionInfo(s), startEpochMs: state.startEpochMs, simTimeMs: nowMs },
    timeline: [...s.timeline],
    checks,
    figures,
    series: s.series,
  };
}
