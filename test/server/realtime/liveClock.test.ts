import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_RUN_ID, RunManager } from '../../../server/realtime/RunManager.ts';
import { shanghaiMidnight } from '../../../server/realtime/LiveBaseline.ts';
import { parseScenarioText } from '../../../server/scenario/parseScenarioText.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';
import { dayTypeAt } from '../../../server/sim/traffic/TravelDemand.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { smallCity } from '../../helpers/smallCity.ts';

/** The live baseline as the server has it: a weekday from 06:00 with the real traffic engine, warmed up. */
const WEEKDAY = `id: weekday
title: { zh: 工作日基准, en: Weekday baseline }
description: { zh: 小城市工作日, en: A weekday in the small city }
city: smallcity
start: "2026-03-16T06:00:00+08:00"
duration: "24:00:00"
seed: 7
engines:
  traffic: { dailyTrips: 30000, busLines: 0, warmUpMinutes: 20 }
timeline: []
`;
const parsed = parseScenarioText(WEEKDAY, 'weekday.yaml', engineRegistry);
if (!parsed.scenario) throw new Error(parsed.errors.join('\n'));
const scenario = parsed.scenario;
const city = smallCity();

const STEP_MS = 100;

/** A manager whose live baseline follows a fake wall clock starting at `iso`; tests tick it themselves. */
function liveAt(iso: string) {
  const clock = { wall: Date.parse(iso), mono: 0 };
  const store = new RunStore(':memory:', { flushIntervalMs: 0 });
  const manager = new RunManager({
    cities: [city],
    store,
    scenarios: [scenario],
    registry: engineRegistry,
    liveClock: 'wall',
    wallClock: () => clock.wall,
    now: () => clock.mono,
    // The test ticks; the step budget never cuts a tick short, so nothing depends on the machine's speed.
    tickMs: 2 ** 31 - 1,
    stepBudgetMs: 1e9,
    retention: null,
  });
  // The first tick warms the live baseline up (its traffic's warm-up), as the server's first ticks do.
  manager.tick();
  const opened = { manager, store };
  open.push(opened);
  /** Moves both clocks on by `ms` and ticks once. */
  const pass = (ms: number): void => {
    clock.wall += ms;
    clock.mono += ms;
    manager.tick();
  };
  const live = () => {
    const summary = manager.get(LIVE_RUN_ID);
    if (!summary) throw new Error('no live run');
    return summary;
  };
  /** The live run's clock, epoch ms. */
  const epoch = (): number => live().startEpochMs + live().state.simTimeMs;
  return { clock, manager, pass, live, epoch };
}

const open: { manager: RunManager; store: RunStore }[] = [];
afterEach(() => {
  for (const { manager, store } of open.splice(0)) {
    manager.close();
    store.close();
  }
});

/** Vehicles on the network of the live run now. */
function vehicles(manager: RunManager): number {
  const t = manager.traffic(LIVE_RUN_ID);
  if (!t.ok) throw new Error(t.error.message);
  return t.result.summary.vehicles;
}

describe('the live baseline on the wall clock (Asia/Shanghai)', () => {
  it('shows the time of day now: at 08:10 on a Monday the morning rush, at 03:00 quiet streets, and the header agrees with the clock', () => {
    const rush = liveAt('2026-03-16T08:10:20+08:00');
    expect(rush.live().startEpochMs).toBe(Date.parse('2026-03-16T08:10:00+08:00'));
    expect(rush.live().durationMs).toBe(Date.parse('2026-03-17T00:00:00+08:00') - Date.parse('2026-03-16T08:10:00+08:00'));
    for (let k = 0; k < 20; k++) rush.pass(250);
    expect(rush.clock.wall - rush.epoch()).toBeGreaterThanOrEqual(0);
    expect(rush.clock.wall - rush.epoch()).toBeLessThan(STEP_MS);

    const night = liveAt('2026-03-16T03:00:00+08:00');
    for (let k = 0; k < 20; k++) night.pass(250);
    expect(night.clock.wall - night.epoch()).toBeLessThan(STEP_MS);
    // Warmed up from 07:50 the network is busy; at 03:00 it is nearly empty.
    expect(vehicles(rush.manager)).toBeGreaterThan(5 * Math.max(1, vehicles(night.manager)));
  });

  it('takes the weekend pattern on a Saturday: fewer vehicles at 08:10 than on a weekday', () => {
    const monday = liveAt('2026-03-16T08:10:00+08:00');
    const saturday = liveAt('2026-03-21T08:10:00+08:00');
    expect(dayTypeAt(saturday.live().startEpochMs)).toBe('weekend');
    for (let k = 0; k < 10; k++) {
      monday.pass(250);
      saturday.pass(250);
    }
    expect(vehicles(saturday.manager)).toBeLessThan(0.6 * vehicles(monday.manager));
  });

  it('catches up after the event loop was blocked, never running ahead of the clock', () => {
    const t = liveAt('2026-03-16T10:00:00+08:00');
    t.pass(100);
    // A minute without ticks: one tick sees the whole of it.
    t.clock.wall += 60_000;
    t.clock.mono += 60_000;
    let ticks = 0;
    while (t.clock.wall - t.epoch() >= STEP_MS && ticks < 100) {
      t.manager.tick();
      ticks++;
      expect(t.epoch()).toBeLessThanOrEqual(t.clock.wall);
    }
    expect(t.clock.wall - t.epoch()).toBeLessThan(STEP_MS);
    expect(t.live().state.status).toBe('playing');
  });

  it('refuses pause, speed and seek (the live run is the present) but takes injects', () => {
    const t = liveAt('2026-03-16T10:00:00+08:00');
    for (const control of [{ action: 'pause' }, { action: 'speed', factor: 60 }, { action: 'seek', simTimeMs: 0 }] as const) {
      const answer = t.manager.control(LIVE_RUN_ID, control);
      expect(answer.ok ? null : answer.error.code).toBe('live_clock');
    }
    expect(t.manager.control(LIVE_RUN_ID, { action: 'play' }).ok).toBe(true);
    const link = city.roads.links[0].id;
    expect(t.manager.control(LIVE_RUN_ID, { action: 'inject', kind: 'traffic.close_link', params: { linkId: link } }).ok).toBe(true);
  });

  it('starts a new day at local midnight: the next date from 00:00 (a Saturday: the weekend), with the daily injects made again and the day\'s dropped', () => {
    const t = liveAt('2026-03-20T23:59:40+08:00');
    const friday = t.live();
    expect(dayTypeAt(friday.startEpochMs)).toBe('weekday');
    t.pass(100);
    const [a, b] = city.roads.links.map((l) => l.id);
    expect(t.manager.control(LIVE_RUN_ID, { action: 'inject', kind: 'traffic.close_link', params: { linkId: a }, repeat: 'daily' }).ok).toBe(true);
    expect(t.manager.control(LIVE_RUN_ID, { action: 'inject', kind: 'traffic.close_link', params: { linkId: b } }).ok).toBe(true);
    for (let k = 0; k < 25 && t.live().startEpochMs === friday.startEpochMs; k++) t.pass(1000);

    const saturday = t.live();
    const midnight = Date.parse('2026-03-21T00:00:00+08:00');
    expect(saturday.startEpochMs).toBe(midnight);
    expect(shanghaiMidnight(t.clock.wall)).toBe(midnight);
    expect(dayTypeAt(saturday.startEpochMs)).toBe('weekend');
    expect(saturday.storeRunId).not.toBe(friday.storeRunId);
    // The new day's run warms up first (its room sees it starting), then plays and steps from the next tick on.
    expect(saturday.state.status).toBe('starting');
    t.manager.tick();
    expect(t.live().state.status).toBe('playing');
    t.manager.tick();
    expect(t.clock.wall - t.epoch()).toBeGreaterThanOrEqual(0);
    expect(t.clock.wall - t.epoch()).toBeLessThan(STEP_MS);
    // Friday's run is finished and replaced: the list has one live run.
    expect(t.manager.list().filter((r) => r.kind === 'live')).toHaveLength(1);
    const injects = t.manager.injects(LIVE_RUN_ID);
    expect(injects.map((i) => (i.params as { linkId: string }).linkId)).toEqual([a]);
    // Made again at its time of day, 23:59:40 or so: the day's first minutes do not have it yet.
    expect(injects[0].atMs).toBeGreaterThan(23 * 3_600_000);
  });
});
