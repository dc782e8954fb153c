import { describe, expect, it } from 'vitest';
import { dispatchAction, evacuationAction, formsFor, inboxOf, roadAction, warningAction } from '../../../client/command/console/consoleActions.ts';
import { controlsFor } from '../../../client/command/director/DrillControls.tsx';
import { parseInject } from '../../../client/command/director/parseInject.ts';
import { figureValue } from '../../../client/command/review/figureValue.ts';
import { tickStepMs } from '../../../client/command/review/TimelineAxis.tsx';
import { formatClock, formatDuration, formatOffset } from '../../../client/command/shared/drillText.ts';
import type { DrillMessage } from '../../../client/command/drill/DrillClient.ts';
import type { MselItem, TimelineEntry } from '../../../server/protocol/drills.ts';

describe('the director’s ad-hoc inject', () => {
  it('takes a kind and a JSON object of parameters, empty meaning none', () => {
    expect(parseInject(' traffic.close_link ', '{"linkId": "L000123"}')).toEqual({ ok: true, inject: { kind: 'traffic.close_link', params: { linkId: 'L000123' } } });
    expect(parseInject('emergency.fire', '  ')).toEqual({ ok: true, inject: { kind: 'emergency.fire', params: {} } });
  });
  it('names the field that is wrong', () => {
    expect(parseInject('close road', '{}')).toMatchObject({ ok: false, field: 'kind' });
    const bad = parseInject('traffic.close_link', '{linkId: L1}');
    expect(bad).toMatchObject({ ok: false, field: 'params' });
    expect(parseInject('traffic.close_link', '[1]')).toMatchObject({ ok: false, field: 'params', message: expect.stringContaining('an array') });
  });
  it('offers the controls that fit the drill’s status', () => {
    expect(controlsFor(null)).toEqual(['start']);
    expect(controlsFor('running')).toEqual(['pause', 'freeze', 'end']);
    expect(controlsFor('frozen')).toEqual(['resume', 'end']);
    expect(controlsFor('ended')).toEqual(['start']);
  });
});

describe('the operator’s actions', () => {
  it('builds the injects the engines take', () => {
    expect(dispatchAction('fire-1', { fire: 2, ambulance: 0, police: 1 })).toEqual({ ok: true, action: { type: 'inject', kind: 'emergency.dispatch', params: { incidentId: 'fire-1', units: { fire: 2, police: 1 } } } });
    expect(roadAction(' L000042 ', false)).toEqual({ ok: true, action: { type: 'inject', kind: 'traffic.open_link', params: { linkId: 'L000042' } } });
    expect(evacuationAction({ id: 'flood-1', x: 10, y: -20 }, 800, 'shelterInPlace')).toEqual({
      ok: true,
      action: { type: 'inject', kind: 'emergency.evacuate', params: { zone: { incidentId: 'flood-1', x: 10, y: -20, radiusM: 800 }, order: 'shelterInPlace' } },
    });
    expect(warningAction('rainstorm', 'red', ' 请市民避免外出 ')).toEqual({ ok: true, action: { type: 'warning', kind: 'rainstorm', level: 'red', message: '请市民避免外出' } });
  });
  it('refuses what the server would, naming the field', () => {
    expect(dispatchAction('fire-1', { fire: 0, ambulance: 0, police: 0 })).toMatchObject({ ok: false, field: 'units' });
    expect(dispatchAction('', { fire: 1, ambulance: 0, police: 0 })).toMatchObject({ ok: false, field: 'incidentId' });
    expect(roadAction('  ', true)).toMatchObject({ ok: false, field: 'linkId' });
    expect(evacuationAction({ id: 'f', x: 0, y: 0 }, 20_000, 'evacuate')).toMatchObject({ ok: false, field: 'radiusM', message: expect.stringContaining('20000') });
    expect(warningAction('general', 'blue', '')).toMatchObject({ ok: false, field: 'message' });
  });
  it('shows each department the forms of what it may do', () => {
    expect(formsFor('traffic_police')).toEqual({ dispatch: false, road: true, evacuate: false, warning: true });
    expect(formsFor('emergency_management')).toEqual({ dispatch: true, road: false, evacuate: true, warning: true });
    expect(formsFor('fire_rescue')).toMatchObject({ dispatch: true, evacuate: false });
    expect(formsFor(null)).toEqual({ dispatch: false, road: false, evacuate: false, warning: false });
  });
  it('keeps the department’s messages, newest first', () => {
    const m = (id: string, to: DrillMessage['to'], simTimeMs: number): DrillMessage => ({ id, to, simTimeMs, message: { zh: id, en: id } });
    expect(inboxOf([m('M01', 'health', 0), m('M02', 'traffic_police', 60_000), m('M03', 'traffic_police', 120_000)], 'traffic_police').map((x) => x.id)).toEqual(['M03', 'M02']);
  });
  it('keeps what was delivered before the page joined, from the timeline and the MSEL', () => {
    const item = (id: string, to: MselItem['to']): MselItem => ({ id, at: 'T+00:01:00', atMs: 60_000, to, message: { zh: `${id} 内容`, en: id } });
    const entry = (seq: number, mselId: string, department: TimelineEntry['department'], simTimeMs: number): TimelineEntry => ({ seq, simTimeMs, wallMs: 0, kind: 'msel', actor: 'system', department, mselId, text: { zh: mselId, en: mselId }, action: null });
    const msel = [item('M01', 'traffic_police'), item('M02', 'health'), item('M03', 'traffic_police')];
    const timeline = [entry(1, 'M01', 'traffic_police', 60_000), entry(2, 'M02', 'health', 70_000), entry(3, 'M03', 'traffic_police', 80_000)];
    const pushed = { id: 'M03', to: 'traffic_police' as const, message: { zh: 'M03 内容', en: 'M03' }, simTimeMs: 80_000 };
    const inbox = inboxOf([pushed], 'traffic_police', timeline, msel);
    expect(inbox.map((x) => [x.id, x.simTimeMs])).toEqual([
      ['M03', 80_000],
      ['M01', 60_000],
    ]);
    expect(inbox[1].message.zh).toBe('M01 内容');
  });
});

describe('times and figures as people read them', () => {
  it('writes offsets as the MSEL does, and the time of day in Asia/Shanghai', () => {
    expect(formatOffset(3_723_000)).toBe('T+01:02:03');
    expect(formatClock(Date.parse('2026-07-20T06:00:00+08:00'), 90 * 60_000)).toBe('07:30:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
  it('shows seconds as durations and rates as percentages', () => {
    expect(figureValue('meanResponseS', 125)).toBe('2:05');
    expect(figureValue('onTimeRate', 0.75)).toBe('75%');
    expect(figureValue('peakWaterDepthM', 0.4567)).toBe('0.46');
    expect(figureValue('peakAqi', 212.34)).toBe('212.3');
    expect(figureValue('met', null)).toBe('—');
  });
  it('spaces the axis’ ticks for about six to eight of them', () => {
    expect(tickStepMs(30 * 60_000)).toBe(5 * 60_000);
    expect(tickStepMs(3 * 3_600_000)).toBe(30 * 60_000);
  });
});
