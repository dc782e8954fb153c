/**
 * The driving behaviours README claims for the traffic engine, each on a tiny network and each
 * watched from outside the engine (the published vehicles after every step), so that each test
 * fails when its behaviour is taken out: MOBIL lane changes, gap acceptance at unsignalised
 * junctions, bus dwell at stops, rerouting around jams, yielding to emergency vehicles. They check
 * behaviour, not calibrated numbers.
 */
import { describe, expect, it } from 'vitest';
import type { CityModel, RoadNode } from '../../../../server/city/CityModel.ts';
import { ObjectKind, type ObjectState } from '../../../../server/protocol/ObjectState.ts';
import type { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { corridor, crossroads, priorityJunction, runFor, smallEngine, type Observer } from './smallNetworks.ts';

const STEP_S = 0.5;
type Vehicle = ReturnType<TrafficEngine['vehicles']>[number];

/** Calls `observe` with the engine's vehicles (and the previous step's, by id) after every step. */
class Watcher implements Observer {
  private before = new Map<number, Vehicle>();

  constructor(
    private readonly e: TrafficEngine,
    private readonly each: (now: Vehicle[], before: Map<number, Vehicle>, t: number) => void,
  ) {}

  observe(_o: ObjectState, t: number): void {
    const now = this.e.vehicles();
    this.each(now, this.before, t);
    this.before = new Map(now.map((v) => [v.id, v]));
  }
}

/** Runs `e` from `fromS` to `toS` (whole seconds), asking for one car trip from `from` to `to` every `everyS` seconds (from `offsetS`). */
function feed(e: TrafficEngine, fromS: number, toS: number, trips: { from: string; to: string; everyS: number; offsetS?: number }[], observers: Observer[]): void {
  for (let ms = fromS * 1000; ms < toS * 1000; ms += STEP_S * 1000) {
    for (const trip of trips) {
      const since = ms - (trip.offsetS ?? 0) * 1000;
      if (since < 0 || since % (trip.everyS * 1000) !== 0) continue;
      const ok = e.applyInject('traffic.trips', { from: trip.from, to: trip.to, vehicles: 1 }, ms);
      if (!ok.ok) throw new Error(`feed: ${JSON.stringify(ok)}`);
    }
    runFor(e, ms / 1000, ms / 1000 + STEP_S, STEP_S, observers);
  }
}

/**
 * A road that forks far ahead: a 3 km one-way feeder F0 … F10 (300 m links, 30 km/h) east to F10,
 * then two ways to D and on to E: J = F10-M1-D straight (600 m; M1 signalised, with a side road
 * from the south, N1, for its second phase), or F10-M2-D round by the north (1166 m, about a
 * minute longer at 30 km/h).
 */
function forkAhead(): CityModel {
  const city = corridor({ links: 10, length: 300, speedKmh: 30 });
  const { nodes, links } = city.roads;
  for (const n of nodes) n.id = n.id.replace('C', 'F');
  for (const l of links) [l.id, l.from, l.to] = [l.id.replaceAll('C', 'F'), l.from.replace('C', 'F'), l.to.replace('C', 'F')];
  const at = (id: string) => nodes.find((n) => n.id === id) as RoadNode;
  nodes.push({ id: 'M1', x: 3300, y: 0, signalised: true }, { id: 'M2', x: 3300, y: 500, signalised: false }, { id: 'N1', x: 3300, y: -300, signalised: false });
  nodes.push({ id: 'D', x: 3600, y: 0, signalised: false }, { id: 'E', x: 3900, y: 0, signalised: false });
  for (const [a, b] of [['F10', 'M1'], ['M1', 'D'], ['F10', 'M2'], ['M2', 'D'], ['N1', 'M1'], ['D', 'E']]) {
    const [na, nb] = [at(a), at(b)];
    const length = Math.hypot(nb.x - na.x, nb.y - na.y);
    links.push({ ...links[0], id: `${a}-${b}`, from: a, to: b, geometry: [[na.x, na.y], [nb.x, nb.y]], length });
  }
  city.extent = { minX: 0, minY: -300, maxX: 3900, maxY: 500 };
  return city;
}

describe('traffic behaviours', () => {
  it('MOBIL: on a two-lane road drivers change lane to pass slower drivers ahead of them in their lane', () => {
    const e = smallEngine(corridor({ links: 4, length: 500, lanes: 2 }), { seed: 3 });
    // Pairs seen one behind the other in a lane (follower id → leader ids), and the passes: a follower later ahead of its leader.
    const behind = new Map<number, Set<number>>();
    const passes = new Set<string>();
    let laneChanges = 0;
    // Distance along the corridor (its links are C0-C1 … 500 m each).
    const x = (v: Vehicle) => Number(v.linkId.split('-')[0].slice(1)) * 500 + v.pos;
    const watcher = new Watcher(e, (now, before) => {
      const byId = new Map(now.map((v) => [v.id, v]));
      for (const v of now) {
        const b = before.get(v.id);
        if (b && b.linkId === v.linkId && b.lane !== v.lane) laneChanges++;
        for (const leader of behind.get(v.id) ?? []) {
          const l = byId.get(leader);
          if (l && x(v) > x(l) + 1) passes.add(`${v.id}>${leader}`);
        }
      }
      for (let lane = 0; lane < e.network().laneCount; lane++) {
        const order = e.laneOrder(lane);
        for (let j = 1; j < order.length; j++) {
          if (!behind.has(order[j])) behind.set(order[j], new Set());
          behind.get(order[j])?.add(order[j - 1]);
        }
      }
    });
    feed(e, 0, 300, [{ from: 'C0', to: 'C4', everyS: 5 }], [watcher]);
    runFor(e, 300, 480, STEP_S, [watcher]);
    expect(laneChanges).toBeGreaterThan(0);
    expect(passes.size).toBeGreaterThanOrEqual(3);
  });

  it('gap acceptance: at an unsignalised junction the minor road waits for a gap in the major road’s traffic', () => {
    const e = smallEngine(priorityJunction(), { seed: 4 });
    const major = new Set(['W-X', 'E-X']);
    // For each minor-road vehicle entering the junction: how soon the nearest moving major-road vehicle would reach it, as the step began.
    const gaps: number[] = [];
    let majorThrough = 0;
    const watcher = new Watcher(e, (now, before) => {
      for (const v of now) {
        const b = before.get(v.id);
        if (!b || b.linkId === v.linkId) continue;
        if (major.has(b.linkId)) majorThrough++;
        if (b.linkId !== 'S-X') continue;
        let soonest = Infinity;
        for (const m of before.values()) {
          if (!major.has(m.linkId) || m.speed < 1 || m.id === v.id) continue;
          const length = e.network().length[e.network().linkIndex.get(m.linkId) as number];
          soonest = Math.min(soonest, (length - m.pos) / m.speed);
        }
        gaps.push(soonest);
      }
    });
    feed(
      e,
      0,
      600,
      [
        { from: 'W0', to: 'E0', everyS: 4 },
        { from: 'E0', to: 'W0', everyS: 4, offsetS: 2 },
        { from: 'S0', to: 'E0', everyS: 15 },
      ],
      [watcher],
    );
    expect(majorThrough).toBeGreaterThan(200);
    expect(gaps.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1);
  });

  it('buses dwell at their stops: a bus on an empty road stands mid-link, then goes on', () => {
    const e = smallEngine(crossroads({ armLength: 1500, feederLength: 1500, signalised: false }), { params: { busLines: 1 } });
    // Each stand of a bus away from the junctions (speed under 0.1 m/s, 20–90 % along its link): how long, seconds.
    const standing = new Map<number, { linkId: string; since: number }>();
    const stands: { id: number; linkId: string; seconds: number }[] = [];
    let buses = 0;
    const watcher = new Watcher(e, (now, _before, t) => {
      for (const v of now) {
        if (v.kind !== ObjectKind.bus) continue;
        buses++;
        const length = e.network().length[e.network().linkIndex.get(v.linkId) as number];
        const s = standing.get(v.id);
        const still = v.speed < 0.1 && v.pos > 0.2 * length && v.pos < 0.9 * length;
        if (still && (!s || s.linkId !== v.linkId)) standing.set(v.id, { linkId: v.linkId, since: t });
        if (!still && s) {
          stands.push({ id: v.id, linkId: s.linkId, seconds: t - s.since });
          standing.delete(v.id);
        }
      }
    });
    runFor(e, 0, 900, STEP_S, [watcher]);
    expect(buses).toBeGreaterThan(0);
    // Stands that ended (the bus went on) and lasted a while: with nothing else on the road, only a stop holds a bus there.
    expect(stands.filter((s) => s.seconds >= 10).length).toBeGreaterThanOrEqual(2);
  });

  it('reroutes vehicles on their way when a link ahead jams, before they reach it', () => {
    const e = smallEngine(forkAhead(), { seed: 6 });
    // Trips from F10 fill J = F10-M1, whose green at M1 is starved: it jams. Trips from F0 left
    // when J was free, so their routes take it; 3 km on at 30 km/h, they are still on their way when it jams.
    const starved = e.signalPlans().linkPhase[e.network().linkIndex.get('F10-M1') as number];
    expect(e.applyInject('traffic.signal_plan', { nodeId: 'M1', cycleS: 300, greenSplits: starved === 0 ? [0.001, 1] : [1, 0.001] }, 0)).toEqual({ ok: true });
    const fromF0 = new Set<number>();
    const wentRound = new Set<number>();
    const enteredJ = new Set<number>();
    const watcher = new Watcher(e, (now) => {
      for (const v of now) {
        if (v.linkId === 'F0-F1') fromF0.add(v.id);
        if (!fromF0.has(v.id)) continue;
        if (v.linkId === 'F10-M1') enteredJ.add(v.id);
        if (v.linkId === 'F10-M2') wentRound.add(v.id);
      }
    });
    feed(e, 0, 60, [{ from: 'F0', to: 'E', everyS: 6 }, { from: 'F10', to: 'E', everyS: 3 }], [watcher]);
    feed(e, 60, 900, [{ from: 'F10', to: 'E', everyS: 3 }], [watcher]);
    expect(fromF0.size).toBeGreaterThanOrEqual(8);
    // Most of them went round by M2 (the detour is a minute longer than J when free), and none of those had entered J.
    expect(wentRound.size).toBeGreaterThan(fromF0.size / 2);
    expect([...wentRound].filter((id) => enteredJ.has(id))).toEqual([]);
  });

  it('yields to an emergency vehicle: cars it comes up behind move out of its lane', () => {
    const e = smallEngine(corridor({ links: 4, length: 500, lanes: 2 }), { seed: 5 });
    // Cars the emergency vehicle was close behind in their lane (within 100 m) while the other lane
    // had room for them (no one from 30 m behind to 15 m ahead), and those of them that changed lane then.
    const caughtUp = new Set<number>();
    const yielded = new Set<number>();
    const watcher = new Watcher(e, (now, before) => {
      for (const ev of now) {
        const eb = before.get(ev.id);
        if (ev.kind !== ObjectKind.emergency || !eb) continue;
        for (const car of now) {
          const b = before.get(car.id);
          if (car.kind !== ObjectKind.car || !b || b.linkId !== eb.linkId || b.lane !== eb.lane || b.pos <= eb.pos || b.pos - eb.pos > 100) continue;
          if ([...before.values()].some((o) => o.linkId === b.linkId && o.lane !== b.lane && o.pos > b.pos - 30 && o.pos < b.pos + 15)) continue;
          caughtUp.add(car.id);
          if (car.linkId === b.linkId && car.lane !== b.lane) yielded.add(car.id);
        }
      }
    });
    const cars = [{ from: 'C0', to: 'C4', everyS: 4 }];
    feed(e, 0, 120, cars, [watcher]);
    // Six, 40 s apart, each sent once there is room at the start, into the stream of cars.
    let due = 0;
    let sent = 0;
    for (let t = 120; t < 600; t++) {
      if (t % 40 === 0 && t <= 320) due++;
      if (due > 0 && e.applyInject('traffic.emergency_vehicle', { from: 'C0', to: 'C4' }, t * 1000).ok) {
        due--;
        sent++;
      }
      feed(e, t, t + 1, cars, [watcher]);
    }
    expect(sent).toBe(6);
    expect(caughtUp.size).toBeGreaterThanOrEqual(6);
    // Without yielding, MOBIL alone moves one in ten or so across.
    expect(yielded.size).toBeGreaterThan(caughtUp.size / 3);
  });
});
