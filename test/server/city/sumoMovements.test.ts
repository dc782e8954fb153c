import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CityModel } from '../../../server/city/CityModel.ts';
import { CityStore } from '../../../server/city/CityStore.ts';
import { importSumoNet } from '../../../server/city/sumo/importSumoNet.ts';
import { readSumoNet } from '../../../server/city/sumo/readSumoNet.ts';
import { createRng } from '../../../server/sim/random.ts';
import { standaloneContext } from '../../../server/sim/standaloneContext.ts';
import { Router } from '../../../server/sim/traffic/Router.ts';
import { TrafficEngine } from '../../../server/sim/traffic/TrafficEngine.ts';
import { TrafficNetwork } from '../../../server/sim/traffic/TrafficNetwork.ts';

const GRID = fs.readFileSync(new URL('../../fixtures/sumo/grid.net.xml', import.meta.url), 'utf8');
const PINGDINGSHAN = { lon: 113.29, lat: 33.74 };
const START = Date.parse('2026-03-16T07:00:00+08:00');
/** The right turn at A1 from the street coming up from A0 into the one going east to B1. */
const BANNED = /<connection from="A0A1" to="A1B1"[^>]*\/>\s*/g;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The network's connections between normal edges as "from>to" → the lanes they leave from, read
 * from the file with a regular expression (an observer independent of the reader). The grid's lanes
 * are all open to cars, so SUMO's lane index is the engine's lane number.
 */
function connectionsOf(xml: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const m of xml.matchAll(/<connection from="([^":][^"]*)" to="([^"]*)" fromLane="(\d+)"/g)) {
    const key = `${m[1]}>${m[2]}`;
    out.set(key, (out.get(key) ?? new Set()).add(Number(m[3])));
  }
  return out;
}

/** Every movement the engine allows on a network, "from>to" → the lanes a vehicle may leave from. */
function engineMovements(net: TrafficNetwork): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (let a = 0; a < net.linkCount; a++) {
    const node = net.to[a];
    for (let j = net.outStart[node]; j < net.outStart[node + 1]; j++) {
      const b = net.outLinks[j];
      if (!net.allows(a, b)) continue;
      const [lo, hi] = net.allowedLanes(a, b);
      out.set(`${net.linkIds[a]}>${net.linkIds[b]}`, new Set(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)));
    }
  }
  return out;
}

/** Runs trips between every pair of junctions and returns each vehicle's links in the order it drove them, and the arrivals. */
function driveAll(xml: string, minutes: number): { sequences: string[][]; arrived: number; departed: number } {
  const sumo = readSumoNet(xml, { origin: PINGDINGSHAN });
  const city = importSumoNet({ id: 'grid', netXml: xml, origin: PINGDINGSHAN }).city;
  const engine = new TrafficEngine();
  const signalPlans = sumo.signals.flatMap((s) => (s.plan ? [s.plan] : []));
  engine.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, signalPlans }, rng: createRng(7), stepMs: 500, startEpochMs: START }));
  const nodes = city.roads.nodes.map((n) => n.id);
  for (const from of nodes) for (const to of nodes) if (from !== to) expect(engine.applyInject('traffic.trips', { from, to, vehicles: 2 }, 0)).toMatchObject({ ok: true });
  // More trips for the right turn at A1 (trips from A0 to B1 start on A0A1 and end on A1B1).
  expect(engine.applyInject('traffic.trips', { from: 'A0', to: 'B1', vehicles: 7 }, 0)).toMatchObject({ ok: true });
  const links = new Map<number, string[]>();
  for (let t = 500; t <= minutes * 60_000; t += 500) {
    engine.step(t);
    for (const v of engine.vehicles()) {
      const seen = links.get(v.id) ?? links.set(v.id, []).get(v.id)!;
      if (seen[seen.length - 1] !== v.linkId) seen.push(v.linkId);
    }
  }
  const { arrived, departed } = engine.counts();
  engine.dispose();
  return { sequences: [...links.values()], arrived, departed };
}

describe("a SUMO network's connections", () => {
  it('are the movements the engine allows on the grid, each from the same lanes, and no others', () => {
    const city = importSumoNet({ id: 'grid', netXml: GRID, origin: PINGDINGSHAN }).city;
    const sumo = connectionsOf(GRID);
    const engine = engineMovements(new TrafficNetwork(city));
    expect([...sumo.values()].reduce((n, lanes) => n + lanes.size, 0)).toBe(152);
    expect(engine).toEqual(sumo);
    // The grid bans every U-turn; the derived rules (a city without the list) would allow 48.
    const derived = engineMovements(new TrafficNetwork({ ...city, roads: { nodes: city.roads.nodes, links: city.roads.links } }));
    expect([...derived.keys()].filter((k) => !sumo.has(k))).toHaveLength(48);
  });

  it('survive the city store, and a movement that cannot be is refused naming it', () => {
    const city = importSumoNet({ id: 'grid', netXml: GRID, origin: PINGDINGSHAN }).city;
    expect(city.roads.movements).toContainEqual({ from: 'A0A1', to: 'A1A2', fromLanes: [0, 1] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sumo-movements-'));
    dirs.push(dir);
    const store = new CityStore(dir);
    store.save(city);
    expect(store.load('grid').roads.movements).toEqual(city.roads.movements);

    const bad = (movement: { from: string; to: string; fromLanes: number[] }) => {
      const result = CityModel.safeParse({ ...city, roads: { ...city.roads, movements: [...city.roads.movements!, movement] } });
      return result.success ? 'accepted' : `${result.error.issues[0].path.join('.')}: ${result.error.issues[0].message}`;
    };
    const last = city.roads.movements!.length;
    expect(bad({ from: 'A0A1', to: 'ZZ', fromLanes: [0] })).toBe(`roads.movements.${last}.to: no link "ZZ"`);
    expect(bad({ from: 'A0A1', to: 'B0B1', fromLanes: [0] })).toBe(`roads.movements.${last}.to: link "B0B1" starts at node "B0", not where "A0A1" ends ("A1")`);
    expect(bad({ from: 'A0A1', to: 'A1A0', fromLanes: [2] })).toBe(`roads.movements.${last}.fromLanes: lane 2: link "A0A1" has 2 lanes (0 … 1)`);
    expect(bad({ from: 'A0A1', to: 'A1A2', fromLanes: [0] })).toBe(`roads.movements.${last}.to: a second movement from "A0A1" to "A1A2"`);
  });

  it("number lanes from the kerb as the engine does, past a sidewalk: SUMO's lane 1 beside a sidewalk is the engine's lane 0", () => {
    const lane = (edge: string, index: number, allow = '') => `<lane id="${edge}_${index}" index="${index}"${allow} speed="13.89" length="100.00"/>`;
    const xml = `<net>
    <location netOffset="0.00,0.00" convBoundary="0.00,0.00,100.00,100.00" origBoundary="0.00,0.00,100.00,100.00" projParameter="!"/>
    <edge id="ab" from="a" to="b">${lane('ab', 0, ' allow="pedestrian"')}${lane('ab', 1)}${lane('ab', 2)}</edge>
    <edge id="bc" from="b" to="c">${lane('bc', 0, ' allow="pedestrian"')}${lane('bc', 1)}</edge>
    <edge id="bd" from="b" to="d">${lane('bd', 0)}</edge>
    <junction id="a" type="dead_end" x="0.00" y="0.00"/>
    <junction id="b" type="priority" x="100.00" y="0.00"/>
    <junction id="c" type="dead_end" x="100.00" y="100.00"/>
    <junction id="d" type="dead_end" x="200.00" y="0.00"/>
    <connection from="ab" to="bc" fromLane="0" toLane="0"/>
    <connection from="ab" to="bc" fromLane="2" toLane="1"/>
    <connection from="ab" to="bd" fromLane="1" toLane="0"/>
    <connection from="ab" to="bd" fromLane="2" toLane="0"/>
</net>`;
    const city = importSumoNet({ id: 'kerb', netXml: xml, origin: PINGDINGSHAN }).city;
    // The sidewalk-to-sidewalk connection is no movement; the left turn leaves from the inner car lane, straight on from both.
    expect(city.roads.movements).toEqual([
      { from: 'ab', to: 'bc', fromLanes: [1] },
      { from: 'ab', to: 'bd', fromLanes: [0, 1] },
    ]);
    const net = new TrafficNetwork(city);
    const [ab, bc, bd] = ['ab', 'bc', 'bd'].map((id) => net.linkIndex.get(id)!);
    expect([net.allowedLanes(ab, bc), net.allowedLanes(ab, bd)]).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });

  it('are the only turns vehicles make: trips between every pair of junctions drive, and no vehicle turns where SUMO has no connection', () => {
    const sumo = connectionsOf(GRID);
    const { sequences, arrived, departed } = driveAll(GRID, 15);
    expect(departed).toBe(16 * 15 * 2 + 7);
    expect(arrived).toBeGreaterThan(departed * 0.9);
    let turns = 0;
    for (const links of sequences) {
      for (let i = 1; i < links.length; i++) {
        expect(sumo.has(`${links[i - 1]}>${links[i]}`), `${links[i - 1]} → ${links[i]}`).toBe(true);
        turns++;
      }
    }
    expect(turns).toBeGreaterThan(1000);
  });

  it('route around a turn a hand-edited network bans', () => {
    const edited = GRID.replace(BANNED, '');
    expect(edited.length).toBeLessThan(GRID.length);
    const sumo = connectionsOf(edited);
    expect(sumo.has('A0A1>A1B1')).toBe(false);

    const city = importSumoNet({ id: 'grid', netXml: edited, origin: PINGDINGSHAN }).city;
    const net = new TrafficNetwork(city);
    const router = new Router(net);
    const cost = Float32Array.from(net.length, (len, k) => len / net.freeSpeed[k]);
    const ids = (route: Int32Array | null) => Array.from(route ?? [], (k) => net.linkIds[k]);
    const plain = new TrafficNetwork(importSumoNet({ id: 'grid', netXml: GRID, origin: PINGDINGSHAN }).city);
    expect(ids(new Router(plain).route(plain.linkIndex.get('A0A1')!, plain.linkIndex.get('A1B1')!, cost))).toEqual(['A0A1', 'A1B1']);
    const around = ids(router.route(net.linkIndex.get('A0A1')!, net.linkIndex.get('A1B1')!, cost));
    expect(around.length).toBeGreaterThan(2);
    expect(around.at(-1)).toBe('A1B1');
    for (let i = 1; i < around.length; i++) expect(sumo.has(`${around[i - 1]}>${around[i]}`), `${around[i - 1]} → ${around[i]}`).toBe(true);

    // Dispatchers' travel times (a search backwards from the goal) count the same detour: each
    // node's time is its fastest route out, and from A0 that is no longer the right turn at A1.
    const { time, next } = router.timesTo(net.linkIndex.get('A1B1')!, cost);
    for (let u = 0; u < net.nodeCount; u++) {
      let best = Infinity;
      for (let j = net.outStart[u]; j < net.outStart[u + 1]; j++) {
        const route = router.route(net.outLinks[j], net.linkIndex.get('A1B1')!, cost);
        if (route) best = Math.min(best, Router.pathCost(route, 0, cost));
      }
      expect(time[u], net.nodeIds[u]).toBeCloseTo(best, 6);
    }
    const a0 = net.nodeIndex.get('A0')!;
    expect(time[a0]).toBeGreaterThan(Router.pathCost(Int32Array.from(['A0A1', 'A1B1'], (id) => net.linkIndex.get(id)!), 0, cost) + 30);
    expect(net.linkIds[next[a0]]).toBe('A0B0');

    // Driven: the vehicles sent from A0A1 to A1B1 get there the long way, and nobody takes the turn.
    const { sequences } = driveAll(edited, 15);
    const sent = sequences.filter((links) => links[0] === 'A0A1' && links.at(-1) === 'A1B1');
    expect(sent.length).toBe(9);
    for (const links of sequences) {
      for (let i = 1; i < links.length; i++) expect(sumo.has(`${links[i - 1]}>${links[i]}`), `${links[i - 1]} → ${links[i]}`).toBe(true);
    }
  });
});
