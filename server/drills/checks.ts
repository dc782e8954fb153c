/**
 * The after-action checks of a drill: each MSEL item's expected action against the actions in the
 * timeline, with the response time (sim time from the item's delivery to the first matching action
 * of the expected department) against its standard. Pure: the review, the director's page and the
 * tests call it with the same inputs and get the same answer.
 */
import type { Department } from '../protocol/access.ts';
import type { DrillAction, ExpectationCheck, MselItem, TimelineEntry, WarningLevel } from '../protocol/drills.ts';
import { WarningLevel as WarningLevels } from '../protocol/drills.ts';

const LEVEL_RANK = new Map<WarningLevel, number>(WarningLevels.options.map((level, k) => [level, k]));

/** True when `action` is what `expected` ("traffic.close_link", "warning", "warning.orange") asks for: a warning of that level or higher counts. */
export function actionMatches(expected: string, action: DrillAction): boolean {
  if (expected === 'warning') return action.type === 'warning';
  if (expected.startsWith('warning.')) {
    const wanted = LEVEL_RANK.get(expected.slice('warning.'.length) as WarningLevel);
    return action.type === 'warning' && wanted !== undefined && (LEVEL_RANK.get(action.level) ?? -1) >= wanted;
  }
  return action.type === 'inject' && action.kind === expected;
}

/** The department an item expects to act: `expected.by`, else its recipient (null for items to the director). */
export function expectedDepartment(item: MselItem): Department | null {
  return item.expected?.by ?? (item.to === 'director' ? null : item.to);
}

/** When each MSEL item was delivered (sim ms), from the timeline's `msel` entries. */
export function deliveries(timeline: readonly TimelineEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of timeline) if (e.kind === 'msel' && e.mselId !== null && !out.has(e.mselId)) out.set(e.mselId, e.simTimeMs);
  return out;
}

/**
 * Checks every MSEL item with an expected action. An action counts for an item when it matches
 * the expected action, comes from the expected department (any, for items to the director without
 * `by`), at or after the item's delivery, and answers this item or none in particular. Status:
 * `not_reached` (not delivered), `met` / `late` (done within / after the standard), `missed` (not
 * done, and the standard's time has passed or the drill has ended), `pending` (not done, still in time).
 */
export function checkExpectations(msel: readonly MselItem[], timeline: readonly TimelineEntry[], nowSimMs: number, ended: boolean): ExpectationCheck[] {
  const delivered = deliveries(timeline);
  const actions = timeline.filter((e) => (e.kind === 'action' || e.kind === 'warning') && e.action !== null);
  const checks: ExpectationCheck[] = [];
  for (const item of msel) {
    const expected = item.expected;
    if (!expected) continue;
    const by = expectedDepartment(item);
    const deliveredMs = delivered.get(item.id) ?? null;
    const check: ExpectationCheck = {
      mselId: item.id,
      description: expected.description,
      by,
      action: expected.action,
      deliveredMs,
      withinMs: expected.withinMs,
      doneMs: null,
      responseMs: null,
      status: 'not_reached',
      actor: null,
      ...(expected.standard ? { standard: expected.standard } : {}),
    };
    if (deliveredMs !== null) {
      const done = actions.find(
        (e) =>
          e.simTimeMs >= deliveredMs &&
          (e.mselId === null || e.mselId === item.id) &&
          (by === null || e.department === by) &&
          actionMatches(expected.action, e.action as DrillAction),
      );
      if (done) {
        check.doneMs = done.simTimeMs;
        check.responseMs = done.simTimeMs - deliveredMs;
        check.actor = done.actor;
        check.status = check.responseMs <= expected.withinMs ? 'met' : 'late';
      } else {
        check.status = ended || nowSimMs - deliveredMs > expected.withinMs ? 'missed' : 'pending';
      }
    }
    checks.push(check);
  }
  return checks;
}

/** The review's figures of the checks: counts by status, the mean and longest response (s), and the share met of those reached. */
export function checkFigures(checks: readonly ExpectationCheck[]): Record<string, number | null> {
  const count = (status: ExpectationCheck['status']): number => checks.filter((c) => c.status === status).length;
  const responses = checks.flatMap((c) => (c.responseMs === null ? [] : [c.responseMs / 1000]));
  const reached = checks.length - count('not_reached');
  return {
    expected: checks.length,
    met: count('met'),
    late: count('late'),
    missed: count('missed'),
    pending: count('pending'),
    notReached: count('not_reached'),
    meanResponseS: responses.length ? Math.round(responses.reduce((a, b) => a + b, 0) / responses.length) : null,
    maxResponseS: responses.length ? Math.round(Math.max(...responses)) : null,
    onTimeRate: reached > 0 ? count('met') / reached : null,
  };
}
