/**
 * Operators' (and the director's) actions in a drill: which MSEL item an action answers, and the
 * timeline entry that records it. Pure: the manager applies the action to the run and appends the entry.
 */
import { DEPARTMENT_NAMES, type Department } from '../protocol/access.ts';
import type { DrillAction, DrillText } from '../protocol/drills.ts';
import { actionMatches, expectedDepartment } from './checks.ts';
import type { DrillSession, TimelineDraft } from './DrillSession.ts';

const WARNING_LEVEL_NAMES: Record<string, DrillText> = {
  blue: { zh: '蓝色', en: 'blue' },
  yellow: { zh: '黄色', en: 'yellow' },
  orange: { zh: '橙色', en: 'orange' },
  red: { zh: '红色', en: 'red' },
};

/** The earliest item of `delivered` (id → sim ms) not yet answered whose expected action this is, by this department; null when none is. */
export function matchItem(s: DrillSession, action: DrillAction, department: Department | null, delivered: Map<string, number>): string | null {
  const answered = new Set(s.timeline.filter((e) => (e.kind === 'action' || e.kind === 'warning') && e.mselId !== null).map((e) => e.mselId));
  const candidates = s.drill.msel.filter((item) => {
    if (!item.expected || !delivered.has(item.id) || answered.has(item.id)) return false;
    const by = expectedDepartment(item);
    return (by === null || by === department) && actionMatches(item.expected.action, action);
  });
  candidates.sort((a, b) => (delivered.get(a.id) as number) - (delivered.get(b.id) as number));
  return candidates[0]?.id ?? null;
}

/** The timeline entry of `who`'s action (of `department`, or the director's when null), answering `mselId`. */
export function actionEntry(action: DrillAction, department: Department | null, who: string, mselId: string | null, simTimeMs: number): TimelineDraft {
  const unit = department ? DEPARTMENT_NAMES[department] : { zh: '导调', en: 'director' };
  return { simTimeMs, kind: action.type === 'warning' ? 'warning' : 'action', actor: who, department, mselId, text: actionText(action, unit, who), action };
}

function actionText(action: DrillAction, unit: DrillText, who: string): DrillText {
  if (action.type === 'warning') {
    const level = WARNING_LEVEL_NAMES[action.level];
    return { zh: `${unit.zh} ${who} 发布${level.zh}预警：${action.message}`, en: `${unit.en} ${who} issued a ${level.en} ${action.kind} warning: ${action.message}` };
  }
  const params = JSON.stringify(action.params);
  return { zh: `${unit.zh} ${who}：${action.kind} ${params}`, en: `${unit.en} ${who}: ${action.kind} ${params}` };
}
