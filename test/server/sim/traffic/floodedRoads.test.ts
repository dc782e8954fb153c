import { describe, expect, it } from 'vitest';
import type { CityModel } from '../../../../server/city/CityModel.ts';
import { ObjectKind } from '../../../../server/protocol/ObjectState.ts';
import type { LinkWater, TaggedTrips } from '../../../../server/sim/outputs.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';
import { speedInWaterMs } from '../../../../server/sim/traffic/FloodedRoads.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { smallCity } from '../../../helpers/smallCity.ts';

const city: CityModel = smallCity();
const START = Date.parse('2026-03-16T07:30:00+08:00');
const STEP_MS = 100;

/** A traffic engine reading scripted water depths as if a flood engine published them. */
function engine(water: { current: LinkWater | undefined }): TrafficEngine {
  const e = new TrafficEngine();
  e.init(
    standaloneContext(
      { city, params: { dailyTrips: 60_000, busLines: 0 }, rng: createRng(3), stepMs: STEP_MS, startEpochMs: START },
      { read: ((id: string) => (id === 'flood.roads' ? water.current : undefined)) as never },
    ),
  );
  return e;
}

function run(e: TrafficEngine, fromMs: number, toMs: number, each?: (t: number) => void): void {
  for (let t = fromMs + STEP_MS; t <= toMs; t += STEP_MS) {
    e.step(t);
    each?.(t);
  }
}

function flood(depths: Map<number, number>, simTimeMs: number): LinkWater {
  const depthM = new Float32Array(city.roads.links.length);
  for (const [k, d] of depths) depthM[k] = d;
  return { simTimeMs, depthM };
}

describe('roads under water', () => {
  it('slows cars from 0.15 m along the published depth–speed curve, and bars them from 0.3 m', () => {
    expect(speedInWaterMs(0) * 3.6).toBeCloseTo(86.94, 1);
    expect(speedInWaterMs(0.15) * 3.6).toBeCloseTo(24.3, 0);
    expect(speedInWaterMs(0.1) * 3.6).toBeGreaterThan(speedInWaterMs(0.2) * 3.6);
    expect(speedInWaterMs(0.35) * 3.6).toBe(5);
  });

  it('closes a flooded link to cars (they go round), lets it reopen when the water falls, and counts it as a flood closure', () => {
    const water: { current: LinkWater | undefined } = { current: undefined };
    const e = engine(water);
    run(e, 0, 5 * 60_000);
    const net = e.network();
    const counts = new Map<string, number>();
    for (const v of e.vehicles()) counts.set(v.nextLinkId ?? '', (counts.get(v.nextLinkId ?? '') ?? 0) + 1);
    counts.delete('');
    const [busy] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const k = net.linkIndex.get(busy) as number;
    water.current = flood(new Map([[k, 0.4]]), 5 * 60_000);
    run(e, 5 * 60_000, 5 * 60_000 + STEP_MS);
    const onIt = new Set(e.vehicles().filter((v) => v.linkId === busy).map((v) => v.id));
    // No car still means to drive onto it: each one heading there was rerouted or stopped short.
    expect(e.vehicles().filter((v) => v.nextLinkId === busy && v.kind !== ObjectKind.emergency).length).toBe(0);
    let entered = 0;
    run(e, 5 * 60_000 + STEP_MS, 9 * 60_000, (t) => {
      if (t % 1000 !== 0) return;
      for (const v of e.vehicles()) if (v.linkId === busy && !onIt.has(v.id)) entered++;
    });
    expect(entered).toBe(0);
    const summary = e.trafficSummary();
    expect(summary.closures).toContainEqual(expect.objectContaining({ linkId: busy, reason: 'flood', emergencyPass: true }));
    expect(e.links().closedLanes[k]).toBe(net.lanes[k]);
    // The water falls: the link is open again and traffic comes back onto it.
    water.current = flood(new Map([[k, 0.02]]), 9 * 60_000);
    let back = 0;
    run(e, 9 * 60_000, 14 * 60_000, (t) => {
      if (t % 1000 !== 0) return;
      for (const v of e.vehicles()) if (v.linkId === busy && !onIt.has(v.id)) back++;
    });
    expect(e.trafficSummary().closures.some((c) => c.linkId === busy)).toBe(false);
    expect(back).toBeGreaterThan(0);
  });

  it('lets a tagged emergency unit through water cars may not enter, reports it arriving, and reroutes it round impassable water', () => {
    const water: { current: LinkWater | undefined } = { current: undefined };
    const e = engine(water);
    run(e, 0, 60_000);
    const net = e.network();
    // Every link in the city at 0.4 m: closed to cars, open to emergency vehicles.
    const all = new Map<number, number>();
    for (let k = 0; k < net.linkCount; k++) all.set(k, 0.4);
    water.current = flood(all, 60_000);
    run(e, 60_000, 61_000);
    expect(e.applyInject('traffic.emergency_vehicle', { from: { x: -500, y: -500 }, to: { x: 500, y: 500 }, tag: 'fire-1' }, 61_000)).toEqual({ ok: true, id: 'fire-1' });
    expect(e.applyInject('traffic.emergency_vehicle', { from: { x: -500, y: -500 }, to: { x: 500, y: 500 }, tag: 'fire-1' }, 61_000)).toMatchObject({ ok: false, message: expect.stringContaining('tag') });
    let arrived = -1;
    // 2 km at the 10 km/h emergency vehicles keep through water: about 12 minutes.
    run(e, 61_000, 16 * 60_000, () => {
      const u = (e.output('traffic.tagged') as TaggedTrips).tags.get('fire-1');
      if (u && u.arrivedMs >= 0 && arrived < 0) arrived = u.arrivedMs;
    });
    const unit = (e.output('traffic.tagged') as TaggedTrips).tags.get('fire-1');
    expect(unit).toMatchObject({ vehicles: 1, departed: 1, arrived: 1, failed: 0 });
    expect(unit?.routeM).toBeGreaterThan(1000);
    expect(arrived).toBeGreaterThan(61_000);
    expect(e.vehicles().filter((v) => v.kind !== ObjectKind.emergency).length).toBe(0);
    // At 0.7 m nothing passes: a new unit finds no way.
    const deep = new Map<number, number>();
    for (let k = 0; k < net.linkCount; k++) deep.set(k, 0.7);
    water.current = flood(deep, 16 * 60_000);
    run(e, 16 * 60_000, 16 * 60_000 + 1000);
    expect(e.applyInject('traffic.emergency_vehicle', { from: { x: -500, y: -500 }, to: { x: 500, y: 500 } }, 16 * 60_000)).toMatchObject({ ok: false, message: expect.stringContaining('no open way') });
    // A tagged unit is taken, and its tag reports it given up.
    expect(e.applyInject('traffic.emergency_vehicle', { from: { x: -500, y: -500 }, to: { x: 500, y: 500 }, tag: 'fire-2' }, 16 * 60_000)).toEqual({ ok: true, id: 'fire-2' });
    expect((e.output('traffic.tagged') as TaggedTrips).tags.get('fire-2')).toMatchObject({ departed: 0, failed: 1 });
  });

  it('counts a tagged group of trips setting off and arriving, and continues a snapshot exactly', () => {
    const e = engine({ current: undefined });
    run(e, 0, 60_000);
    expect(e.applyInject('traffic.trips', { from: { x: -400, y: -400 }, to: { x: 400, y: 300 }, vehicles: 30, tag: 'evac-1' }, 60_000)).toEqual({ ok: true });
    run(e, 60_000, 2 * 60_000);
    const snap = e.snapshot();
    const copy = engine({ current: undefined });
    copy.restore(snap);
    run(e, 2 * 60_000, 12 * 60_000);
    run(copy, 2 * 60_000, 12 * 60_000);
    const g = (e.output('traffic.tagged') as TaggedTrips).tags.get('evac-1');
    expect(g).toMatchObject({ vehicles: 30, departed: 30, arrived: 30, failed: 0 });
    expect((copy.output('traffic.tagged') as TaggedTrips).tags.get('evac-1')).toEqual(g);
  });
});
