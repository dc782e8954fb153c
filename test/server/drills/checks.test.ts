import { describe, expect, it } from 'vitest';
import { actionMatches, checkExpectations, checkFigures } from '../../../server/drills/checks.ts';
import type { DrillAction, MselItem, TimelineEntry } from '../../../server/protocol/drills.ts';
import type { Department } from '../../../server/protocol/access.ts';

const text = { zh: '文', en: 'text' };
const MIN = 60_000;

function item(id: string, atMs: number, to: MselItem['to'], action: string, withinMs: number, by: Department | null = null): MselItem {
  return { id, at: 'T+00:00:00', atMs, to, message: text, expected: { action, by, within: '00:00:00', withinMs, description: text } };
}

let seq = 0;
function delivered(mselId: string, simTimeMs: number): TimelineEntry {
  return { seq: ++seq, simTimeMs, wallMs: 0, kind: 'msel', actor: 'system', department: null, mselId, text, action: null };
}
function acted(simTimeMs: number, department: Department | null, action: DrillAction, mselId: string | null = null, actor = 'op'): TimelineEntry {
  return { seq: ++seq, simTimeMs, wallMs: 0, kind: action.type === 'warning' ? 'warning' : 'action', actor, department, mselId, text, action };
}
const close: DrillAction = { type: 'inject', kind: 'traffic.close_link', params: { linkId: 'L1' } };
const warn = (level: 'blue' | 'yellow' | 'orange' | 'red'): DrillAction => ({ type: 'warning', kind: 'rainstorm', level, message: '暴雨预警' });

describe('actionMatches', () => {
  it('matches an inject by kind only', () => {
    expect(actionMatches('traffic.close_link', close)).toBe(true);
    expect(actionMatches('traffic.open_link', close)).toBe(false);
    expect(actionMatches('traffic.close_link', warn('red'))).toBe(false);
  });

  it('matches a warning of the level asked for or higher', () => {
    expect(actionMatches('warning', warn('blue'))).toBe(true);
    expect(actionMatches('warning.orange', warn('orange'))).toBe(true);
    expect(actionMatches('warning.orange', warn('red'))).toBe(true);
    expect(actionMatches('warning.orange', warn('yellow'))).toBe(false);
    expect(actionMatches('warning.purple', warn('red'))).toBe(false);
    expect(actionMatches('warning', close)).toBe(false);
  });
});

describe('checkExpectations', () => {
  const msel = [item('M01', 10 * MIN, 'traffic_police', 'traffic.close_link', 15 * MIN), item('M02', 20 * MIN, 'emergency_management', 'warning.red', 30 * MIN)];

  it('is not_reached before delivery, pending within the standard, missed after it', () => {
    expect(checkExpectations(msel, [], 0, false).map((c) => c.status)).toEqual(['not_reached', 'not_reached']);
    const timeline = [delivered('M01', 10 * MIN)];
    expect(checkExpectations(msel, timeline, 20 * MIN, false)[0]).toMatchObject({ status: 'pending', deliveredMs: 10 * MIN, doneMs: null, responseMs: null });
    expect(checkExpectations(msel, timeline, 26 * MIN, false)[0].status).toBe('missed');
  });

  it('marks an item missed when the drill ends before it is done, and leaves undelivered ones not_reached', () => {
    const checks = checkExpectations(msel, [delivered('M01', 10 * MIN)], 12 * MIN, true);
    expect(checks.map((c) => c.status)).toEqual(['missed', 'not_reached']);
  });

  it('measures the response from delivery to the first matching action of the expected department', () => {
    const timeline = [
      delivered('M01', 10 * MIN),
      // Another department's close does not count, nor does one before delivery.
      acted(11 * MIN, 'fire_rescue', close),
      acted(14 * MIN, 'traffic_police', close, null, 'wang'),
      acted(16 * MIN, 'traffic_police', close, null, 'li'),
    ];
    const [check] = checkExpectations(msel, timeline, 30 * MIN, false);
    expect(check).toMatchObject({ status: 'met', doneMs: 14 * MIN, responseMs: 4 * MIN, actor: 'wang', by: 'traffic_police', withinMs: 15 * MIN });
  });

  it('does not count an action taken before the item was delivered', () => {
    const [check] = checkExpectations(msel, [acted(5 * MIN, 'traffic_police', close), delivered('M01', 10 * MIN)], 12 * MIN, false);
    expect(check.status).toBe('pending');
  });

  it('marks a response after the standard late, exactly at it met', () => {
    const late = checkExpectations(msel, [delivered('M02', 20 * MIN), acted(51 * MIN, 'emergency_management', warn('red'))], 60 * MIN, false)[1];
    expect(late).toMatchObject({ status: 'late', responseMs: 31 * MIN });
    const onTime = checkExpectations(msel, [delivered('M02', 20 * MIN), acted(50 * MIN, 'emergency_management', warn('red'))], 60 * MIN, false)[1];
    expect(onTime).toMatchObject({ status: 'met', responseMs: 30 * MIN });
  });

  it('does not count a lower warning for warning.red', () => {
    const [, check] = checkExpectations(msel, [delivered('M02', 20 * MIN), acted(25 * MIN, 'emergency_management', warn('orange'))], 30 * MIN, false);
    expect(check.status).toBe('pending');
  });

  it('does not count an action answering another item, but counts one answering this item', () => {
    const two = [item('M01', 10 * MIN, 'traffic_police', 'traffic.close_link', 15 * MIN), item('M03', 12 * MIN, 'traffic_police', 'traffic.close_link', 15 * MIN)];
    const timeline = [delivered('M01', 10 * MIN), delivered('M03', 12 * MIN), acted(13 * MIN, 'traffic_police', close, 'M01'), acted(20 * MIN, 'traffic_police', close, 'M03')];
    const checks = checkExpectations(two, timeline, 30 * MIN, false);
    expect(checks.map((c) => [c.mselId, c.status, c.responseMs])).toEqual([
      ['M01', 'met', 3 * MIN],
      ['M03', 'met', 8 * MIN],
    ]);
  });

  it('takes expected.by over the recipient, and any department for items to the director', () => {
    const byOther = [item('M01', 0, 'urban_management', 'traffic.close_link', MIN, 'traffic_police')];
    expect(checkExpectations(byOther, [delivered('M01', 0), acted(30_000, 'urban_management', close)], 30_000, false)[0].status).toBe('pending');
    expect(checkExpectations(byOther, [delivered('M01', 0), acted(30_000, 'traffic_police', close)], 30_000, false)[0].status).toBe('met');
    const toDirector = [item('M01', 0, 'director', 'traffic.close_link', MIN)];
    expect(checkExpectations(toDirector, [delivered('M01', 0), acted(30_000, null, close, null, 'director-1')], 30_000, false)[0]).toMatchObject({ status: 'met', by: null, actor: 'director-1' });
  });

  it('skips items without an expected action and keeps the standard', () => {
    const standard = { zh: '标准', en: 'standard' };
    const withStandard: MselItem = { ...msel[0], expected: { ...msel[0].expected!, standard } };
    const bare: MselItem = { id: 'M09', at: 'T+00:00:00', atMs: 0, to: 'health', message: text };
    const checks = checkExpectations([bare, withStandard], [], 0, false);
    expect(checks.map((c) => c.mselId)).toEqual(['M01']);
    expect(checks[0].standard).toEqual(standard);
  });
});

describe('checkFigures', () => {
  it('counts by status and averages the responses done', () => {
    const msel = [
      item('A', 0, 'traffic_police', 'traffic.close_link', 10 * MIN),
      item('B', 0, 'traffic_police', 'traffic.open_link', 10 * MIN),
      item('C', 0, 'emergency_management', 'warning', MIN),
      item('D', 50 * MIN, 'health', 'warning', MIN),
    ];
    const timeline = [delivered('A', 0), delivered('B', 0), delivered('C', 0), acted(2 * MIN, 'traffic_police', close), acted(4 * MIN, 'emergency_management', warn('blue'))];
    const figures = checkFigures(checkExpectations(msel, timeline, 5 * MIN, false));
    expect(figures).toEqual({ expected: 4, met: 1, late: 1, missed: 0, pending: 1, notReached: 1, meanResponseS: 180, maxResponseS: 240, onTimeRate: 1 / 3 });
    expect(checkFigures([])).toMatchObject({ expected: 0, meanResponseS: null, onTimeRate: null });
  });
});
