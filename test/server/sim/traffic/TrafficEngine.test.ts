import { describe, expect, it } from 'vitest';
import type { CityModel } from '../../../../server/city/CityModel.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { congestionLevel, linkIndex } from '../../../../server/sim/traffic/performanceIndex.ts';
import { SignalState } from '../../../../server/sim/traffic/SignalPlans.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { smallCity } from '../../../helpers/smallCity.ts';
import { hashObjectState } from '../hashObjectState.ts';
import type { LinkActivity } from '../../../../server/sim/outputs.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';

const city: CityModel = smallCity();
// 07:30 in Pingdingshan: the morning peak.
const START = Date.parse('2026-03-16T07:30:00+08:00');
const STEP_MS = 100;

function engine(params: Record<string, unknown> = {}, seed = 1): TrafficEngine {
  const e = new TrafficEngine();
  e.init(standaloneContext({ city, params: { dailyTrips: 60_000, busLines: 2, ...params }, rng: createRng(seed), stepMs: STEP_MS, startEpochMs: START }));
  return e;
}

function run(e: TrafficEngine, fromMs: number, toMs: number, each?: (t: number) => void): void {
  for (let t = fromMs + STEP_MS; t <= toMs; t += STEP_MS) {
    e.step(t);
    each?.(t);
  }
}

function stateHash(e: TrafficEngine): string {
  return hashObjectState(e.objects());
}

describe('TrafficEngine', () => {
  it('publishes the vehicle-metres driven on each link by kind, a sim minute at a time', () => {
    const e = engine();
    let sampled = 0;
    let trucks = false;
    run(e, 0, 3 * 60_000, (t) => {
      // Speeds after each 0.5 s dynamics step, times the step: the distance driven, near enough.
      if (t <= 2 * 60_000 || t % 500 !== 0) return;
      const o = e.objects();
      for (let i = 0; i < o.count; i++) sampled += o.speed[i] * 0.5;
    });
    const activity = e.output('traffic.activity') as LinkActivity;
    expect(activity.windowEndMs).toBe(3 * 60_000);
    expect(activity.kinds).toBe(4);
    let total = 0;
    for (let k = 0; k < activity.metres.length; k++) {
      total += activity.metres[k];
      if (k % 4 === 2 && activity.metres[k] > 0) trucks = true;
    }
    expect(Math.abs(total - sampled) / sampled).toBeLessThan(0.03);
    expect(trucks).toBe(true);
  });

  it('conserves vehicles: every departed trip has arrived or is on the network', () => {
    const e = engine();
    run(e, 0, 15 * 60_000, (t) => {
      if (t % 30_000 !== 0) return;
      const c = e.counts();
      expect(c.departed).toBe(c.arrived + c.onNetwork);
    });
    const c = e.counts();
    expect(c.departed).toBeGreaterThan(500);
    expect(c.arrived).toBeGreaterThan(100);
  });

  it('keeps every gap in a lane non-negative and never lets a vehicle pass another in its lane', () => {
    const e = engine();
    const net = e.network();
    let checked = 0;
    run(e, 0, 10 * 60_000, (t) => {
      if (t % 5_000 !== 0) return;
      const byId = new Map(e.vehicles().map((v) => [v.id, v]));
      for (let lane = 0; lane < net.laneCount; lane++) {
        const order = e.laneOrder(lane);
        for (let j = 1; j < order.length; j++) {
          const ahead = byId.get(order[j - 1]);
          const behind = byId.get(order[j]);
          if (!ahead || !behind) throw new Error(`lane ${lane} lists a vehicle that is not on the network`);
          expect(ahead.pos - ahead.length - behind.pos).toBeGreaterThanOrEqual(-1e-6);
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(1000);
  });

  it('stops vehicles at red: none crosses a stop line while its light is red, and queues form there', () => {
    const e = engine();
    const signalised = new Set(city.roads.nodes.filter((n) => n.signalised).map((n) => n.id));
    const intoSignal = new Set(city.roads.links.filter((l) => signalised.has(l.to)).map((l) => l.id));
    // Watched from outside, after every dynamics step: each vehicle's link, and when it changed,
    // the light at the end of the link it left (the state seen after a step is the one that held during it).
    let linkOf = new Map<number, string>();
    const atRed: string[] = [];
    let crossings = 0;
    let queuedAtRed = 0;
    run(e, 0, 10 * 60_000, (t) => {
      if (t % 500 !== 0) return;
      const now = new Map<number, string>();
      for (const v of e.vehicles()) {
        now.set(v.id, v.linkId);
        const left = linkOf.get(v.id);
        if (left !== undefined && left !== v.linkId && intoSignal.has(left)) {
          crossings++;
          if (e.signalStateOf(left) === SignalState.red) atRed.push(`vehicle ${v.id} from ${left} into ${v.linkId} at ${t} ms`);
        }
        if (t % 10_000 === 0 && v.speed < 0.1 && e.signalStateOf(v.linkId) === SignalState.red && v.nextLinkId !== null) queuedAtRed++;
      }
      linkOf = now;
    });
    expect(atRed).toEqual([]);
    expect(crossings).toBeGreaterThan(500);
    expect(queuedAtRed).toBeGreaterThan(10);
  });

  it('lets no vehicle enter a closed link; those on it leave and the rest go round', () => {
    const e = engine();
    run(e, 0, 5 * 60_000);
    // The busiest link now that vehicles are about to turn into.
    const counts = new Map<string, number>();
    for (const v of e.vehicles()) counts.set(v.linkId, (counts.get(v.linkId) ?? 0) + 1);
    const turningInto = new Set(e.vehicles().filter((v) => v.nextLinkId !== null && v.destinationLinkId !== v.nextLinkId).map((v) => v.nextLinkId));
    const [closed] = [...counts.entries()].filter(([l]) => turningInto.has(l)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    // Those about to turn into it, bound beyond it, and the link each is on.
    const approaching = new Map(e.vehicles().filter((v) => v.nextLinkId === closed && v.destinationLinkId !== closed).map((v) => [v.id, v.linkId]));
    const result = e.applyInject('traffic.close_link', { linkId: closed }, 5 * 60_000);
    expect(result).toEqual({ ok: true });
    const onItAtClosure = new Set(e.vehicles().filter((v) => v.linkId === closed).map((v) => v.id));
    expect(onItAtClosure.size).toBeGreaterThan(0);
    expect(approaching.size).toBeGreaterThan(0);
    const stillOnIt = new Set(onItAtClosure);
    const entered: number[] = [];
    // An approaching vehicle went round when it is seen on a link other than the one it was on and the closed one.
    const wentRound = new Set<number>();
    run(e, 5 * 60_000, 10 * 60_000, (t) => {
      if (t % 500 !== 0) return;
      const present = new Set<number>();
      for (const v of e.vehicles()) {
        present.add(v.id);
        if (v.linkId === closed && !onItAtClosure.has(v.id)) entered.push(v.id);
        if (v.linkId !== closed) stillOnIt.delete(v.id);
        if (approaching.has(v.id) && v.linkId !== closed && v.linkId !== approaching.get(v.id)) wentRound.add(v.id);
      }
      // Gone from the network: it reached its destination on the closed link.
      for (const id of stillOnIt) if (!present.has(id)) stillOnIt.delete(id);
    });
    expect(entered).toEqual([]);
    expect([...stillOnIt]).toEqual([]);
    expect([...approaching.keys()].filter((id) => !wentRound.has(id))).toEqual([]);
    expect(e.links().closedLanes[e.network().linkIndex.get(closed) as number]).toBeGreaterThan(0);
  });

  it('refuses bad injects with the field and value, and carries on', () => {
    const e = engine();
    run(e, 0, 60_000);
    expect(e.applyInject('traffic.close_link', { linkId: 'L999999' }, 60_000)).toMatchObject({ ok: false, message: expect.stringContaining('linkId') });
    expect(e.applyInject('traffic.scale_demand', { factor: -1 }, 60_000)).toMatchObject({ ok: false, message: expect.stringContaining('factor') });
    expect(e.applyInject('traffic.signal_plan', { nodeId: 'nope', cycleS: 90, greenSplits: [1, 1] }, 60_000)).toMatchObject({ ok: false });
    run(e, 60_000, 120_000);
    expect(e.counts().onNetwork).toBeGreaterThan(0);
  });

  it('gives the same result for the same seed, and continues a snapshot exactly', () => {
    const a = engine({}, 7);
    const b = engine({}, 7);
    run(a, 0, 6 * 60_000);
    run(b, 0, 6 * 60_000);
    expect(stateHash(a)).toBe(stateHash(b));
    const snap = a.snapshot();
    run(a, 6 * 60_000, 9 * 60_000);
    const c = engine({}, 7);
    c.restore(snap);
    run(c, 6 * 60_000, 9 * 60_000);
    expect(stateHash(c)).toBe(stateHash(a));
    expect(stateHash(engine({}, 8))).not.toBe(stateHash(a));
  });

  it('sends an emergency vehicle with sirens, and counts the departures of a special event', () => {
    const e = engine();
    run(e, 0, 60_000);
    const before = e.counts().departed;
    expect(e.applyInject('traffic.emergency_vehicle', { from: { x: -500, y: -500 }, to: { x: 500, y: 500 } }, 60_000)).toEqual({ ok: true });
    expect(e.objects().kind.subarray(0, e.objects().count)).toContain(3);
    expect(e.applyInject('traffic.special_event', { at: { x: 300, y: 300 }, vehicles: 300, durationS: 120 }, 60_000)).toEqual({ ok: true });
    run(e, 60_000, 4 * 60_000);
    expect(e.counts().departed - before).toBeGreaterThan(300);
  });
});

describe('traffic performance index', () => {
  it('puts the band edges where the five levels change', () => {
    expect(linkIndex(1)).toBe(0);
    expect(linkIndex(0.9)).toBeCloseTo(2, 9);
    expect(linkIndex(0.7)).toBeCloseTo(4, 9);
    expect(linkIndex(0.5)).toBeCloseTo(6, 9);
    expect(linkIndex(0.3)).toBeCloseTo(8, 9);
    expect(linkIndex(0)).toBe(10);
    expect([0, 1.99, 2, 3.99, 4, 5.99, 6, 7.99, 8, 10].map(congestionLevel)).toEqual([
      'free', 'free', 'light', 'light', 'moderate', 'moderate', 'heavy', 'heavy', 'severe', 'severe',
    ]);
  });
});

describe('what-if: a closure', () => {
  it('puts more traffic and more delay on its detour than the baseline', () => {
    const base = engine({}, 3);
    const variant = engine({}, 3);
    run(base, 0, 3 * 60_000);
    run(variant, 0, 3 * 60_000);
    // Close the link carrying the most traffic now (the largest flow leaving it; the link holding
    // the most vehicles can be a queue at a minor approach, whose closure frees its junction).
    const flows = variant.links().flow;
    const net0 = variant.network();
    const closed = net0.linkIds.reduce((best, id, k) => (flows[k] > flows[net0.linkIndex.get(best) as number] ? id : best), net0.linkIds[0]);
    expect(variant.applyInject('traffic.close_link', { linkId: closed }, 3 * 60_000)).toEqual({ ok: true });
    const net = variant.network();
    const k = net.linkIndex.get(closed) as number;
    // The detour: links leaving the closed link's start node and entering its end node, other than the closed link.
    const detour: number[] = [];
    for (let j = net.outStart[net.from[k]]; j < net.outStart[net.from[k] + 1]; j++) if (net.outLinks[j] !== k && net.outLinks[j] !== net.reverse[k]) detour.push(net.outLinks[j]);
    for (let j = net.inStart[net.to[k]]; j < net.inStart[net.to[k] + 1]; j++) if (net.inLinks[j] !== k && net.inLinks[j] !== net.reverse[k]) detour.push(net.inLinks[j]);
    let baseVehicles = 0;
    let variantVehicles = 0;
    let baseDelay = 0;
    let variantDelay = 0;
    const onDetour = (e: TrafficEngine): number => e.vehicles().filter((v) => detour.includes(net.linkIndex.get(v.linkId) as number)).length;
    const delay = (e: TrafficEngine): number => detour.reduce((sum, d) => sum + net.length[d] / Math.max(e.links().speed[d], 0.5) - net.length[d] / net.freeSpeed[d], 0);
    for (let t = 3 * 60_000; t < 15 * 60_000; t += 30_000) {
      run(base, t, t + 30_000);
      run(variant, t, t + 30_000);
      baseVehicles += onDetour(base);
      variantVehicles += onDetour(variant);
      baseDelay += delay(base);
      variantDelay += delay(variant);
    }
    expect(variantVehicles).toBeGreaterThan(baseVehicles);
    expect(variantDelay).toBeGreaterThan(baseDelay);
  });
});
