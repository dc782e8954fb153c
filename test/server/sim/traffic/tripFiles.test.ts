import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectKind } from '../../../../server/protocol/ObjectState.ts';
import { createScenarioRun } from '../../../../server/scenario/createScenarioRun.ts';
import { loadScenarios } from '../../../../server/scenario/loadScenarios.ts';
import { createRng } from '../../../../server/sim/random.ts';
import { standaloneContext } from '../../../../server/sim/standaloneContext.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { parseRouXml, parseTripCsv, parseTripFile, TripTable } from '../../../../server/sim/traffic/tripFiles/index.ts';
import { EndType } from '../../../../server/sim/traffic/tripFiles/TripTable.ts';
import { smallCity } from '../../../helpers/smallCity.ts';

const FIXTURES = new URL('../../../fixtures/trips/', import.meta.url);
const read = (name: string): string => fs.readFileSync(new URL(name, FIXTURES), 'utf8');
/** Monday 2026-03-16 07:00 in Asia/Shanghai: the run's time 0 is 25,200 s after the file's midnight. */
const START = Date.parse('2026-03-16T07:00:00+08:00');
const SEVEN = 25_200;
const STEP_MS = 500;
const city = smallCity();

function table(name: string): TripTable {
  const parsed = parseTripFile(read(name), `test/fixtures/trips/${name}`);
  if (!parsed.table) throw new Error(parsed.errors.join('\n'));
  return parsed.table;
}

function engineWith(trips: TripTable, params: Record<string, unknown> = {}, seed = 1): TrafficEngine {
  const e = new TrafficEngine();
  e.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, maxVehicles: 2000, trips, ...params }, rng: createRng(seed), stepMs: STEP_MS, startEpochMs: START }));
  return e;
}

/** Steps the engine to `toS`, watching every vehicle's link after each step: the links each vehicle id was seen on, in order, and when it was last seen. */
function drive(e: TrafficEngine, fromS: number, toS: number, seen = new Map<number, { links: string[]; lastS: number }>()): Map<number, { links: string[]; lastS: number }> {
  for (let t = fromS * 1000 + STEP_MS; t <= toS * 1000; t += STEP_MS) {
    e.step(t);
    for (const v of e.vehicles()) {
      let s = seen.get(v.id);
      if (!s) seen.set(v.id, (s = { links: [], lastS: 0 }));
      if (s.links.at(-1) !== v.linkId) s.links.push(v.linkId);
      s.lastS = t / 1000;
    }
  }
  return seen;
}

describe('trip files', () => {
  it('reads a SUMO route file: trips, vehicles with routes, flows of each kind, vClass to kind; bicycles left out with a note', () => {
    const t = table('small.rou.xml');
    const ids = t.ids;
    expect(ids.slice(0, 5)).toEqual(['t1', 't2', 'v1', 'v2', 'f1.0']);
    expect(ids.filter((id) => id.startsWith('f1.'))).toHaveLength(10);
    expect(ids.filter((id) => id.startsWith('f2.'))).toHaveLength(5);
    const at = (id: string): number => ids.indexOf(id);
    expect(t.departS[at('v1')]).toBe(SEVEN + 60);
    expect(t.departS[at('f1.3')]).toBe(SEVEN + 90);
    expect(t.departS[at('f2.4')]).toBe(SEVEN + 60 + 4 * 60);
    expect(t.kind[at('v1')]).toBe(ObjectKind.truck);
    expect(t.kind[at('t1')]).toBe(ObjectKind.car);
    expect(t.line[at('t1')]).toBe(10);
    expect(ids).not.toContain('b1');
    expect(t.notes).toEqual(['test/fixtures/trips/small.rou.xml: left out 1 <trip>s of vClass bicycle (the engine drives cars, buses and trucks)']);
    // A scenario holding the table shows the file's name.
    expect(JSON.stringify({ trips: t })).toBe('{"trips":"test/fixtures/trips/small.rou.xml"}');
  });

  it('with dailyTrips 0 runs only the file\'s vehicles: each leaves its first link at its time, routed trips reach their destination, routed vehicles drive their route', () => {
    const t = table('small.rou.xml');
    const e = engineWith(t);
    const seen = drive(e, 0, 20 * 60);
    const counts = e.tripFileCounts();
    expect(counts).toMatchObject({ total: t.count, before: 0, departed: t.count, waiting: 0, unreachable: 0 });
    // Nothing but the file's vehicles, and all of them arrived.
    expect(e.counts()).toMatchObject({ departed: t.count, arrived: t.count, onNetwork: 0 });
    const trip = (id: string) => {
      const v = e.vehicleOfTrip(id);
      expect(v, id).toBeDefined();
      return { ...(v as { vehicleId: number; departedS: number }), ...(seen.get((v as { vehicleId: number }).vehicleId) as { links: string[]; lastS: number }) };
    };
    for (let i = 0; i < t.count; i++) {
      const v = trip(t.ids[i]);
      const due = t.departS[i] - SEVEN;
      // On an empty network no one waits long for room.
      expect(v.departedS, t.ids[i]).toBeGreaterThanOrEqual(due);
      expect(v.departedS, t.ids[i]).toBeLessThan(due + 10);
      // Every trip with link ends starts on its first and ends on its last; every route is driven as given.
      const route = [...t.routeLinks.subarray(t.routeStart[i], t.routeStart[i + 1])].map((k) => t.names[k]);
      if (route.length > 0) expect(v.links, t.ids[i]).toEqual(route);
      if (t.fromType[i] === EndType.link) expect(v.links[0], t.ids[i]).toBe(t.names[t.fromRef[i]]);
      if (t.toType[i] === EndType.link) expect(v.links.at(-1), t.ids[i]).toBe(t.names[t.toRef[i]]);
    }
    expect(trip('v1').links).toEqual(['L1', 'L5', 'L8', 'L12']);
    expect(trip('v2').links).toEqual(['L3', 'L7', 'L10']);
    expect(trip('f2.2').links).toEqual(['L1', 'L5', 'L8', 'L12']);
    const t1 = trip('t1');
    expect(t1.links[0]).toBe('L3');
    expect(t1.links.at(-1)).toBe('L10');
    const t2 = trip('t2');
    // From junction N0-0 to junction N3-0.
    expect(city.roads.links.find((l) => l.id === t2.links[0])?.from).toBe('N0-0');
    expect(city.roads.links.find((l) => l.id === t2.links.at(-1))?.to).toBe('N3-0');
  });

  it('reads a CSV of trips (link ends, junctions, x/y, a route, vClass) and drives them', () => {
    const t = table('small.csv');
    expect(t.ids).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(t.notes).toEqual(['test/fixtures/trips/small.csv: left out 1 rows of vClass bicycle (the engine drives cars, buses and trucks)']);
    expect([...t.kind]).toEqual([ObjectKind.car, ObjectKind.truck, ObjectKind.car, ObjectKind.car, ObjectKind.bus]);
    const e = engineWith(t);
    const seen = drive(e, 0, 15 * 60);
    expect(e.counts()).toMatchObject({ departed: 5, arrived: 5, onNetwork: 0 });
    const links = (id: string) => (seen.get((e.vehicleOfTrip(id) as { vehicleId: number }).vehicleId) as { links: string[] }).links;
    expect(e.vehicleOfTrip('c1')?.departedS).toBe(10);
    expect(links('c1').at(-1)).toBe('L10');
    expect(links('c5')).toEqual(['L1', 'L5', 'L8', 'L12']);
    for (const id of ['c3', 'c4']) {
      const ls = links(id);
      expect(city.roads.links.find((l) => l.id === ls[0])?.from, id).toBe('N0-0');
      expect(city.roads.links.find((l) => l.id === ls.at(-1))?.to, id).toBe('N3-0');
    }
  });

  it('adds to the generated demand, and trips due before the run (and its warm-up) are left out', () => {
    const t = table('small.rou.xml');
    const e = engineWith(t, { dailyTrips: 580_000 });
    drive(e, 0, 10 * 60);
    expect(e.tripFileCounts()?.departed).toBe(t.count);
    expect(e.counts().departed).toBeGreaterThan(t.count + 100);
    const late = new TrafficEngine();
    late.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, trips: t }, rng: createRng(1), stepMs: STEP_MS, startEpochMs: START + 120_000 }));
    const before = t.ids.filter((_, i) => t.departS[i] < SEVEN + 120).length;
    expect(late.tripFileCounts()).toMatchObject({ before, departed: 0 });
  });

  it('times the signals for the file\'s busiest hour: a junction crossed by its trips gives their approach the longer green', () => {
    const rows = Array.from({ length: 500 }, (_, k) => `${SEVEN + k * 7},L53 L56`);
    const t = parseTripCsv(['depart,route', ...rows].join('\n'), 'east.csv').table as TripTable;
    const e = engineWith(t);
    const plans = e.signalPlans();
    const node = e.network().nodeIndex.get('N2-2') as number;
    const phaseOf = (linkId: string) => plans.linkPhase[e.network().linkIndex.get(linkId) as number];
    const green = (linkId: string) => plans.green[node * 4 + phaseOf(linkId)];
    // L53 comes from the west with the file's 500 vehicles an hour; L51 from the south with none.
    expect(phaseOf('L53')).not.toBe(phaseOf('L51'));
    expect(green('L53')).toBeGreaterThan(green('L51') * 2);
  });

  it('a vehicle on a given route keeps it through a jam ahead, where a routed trip goes round', () => {
    const t = parseTripCsv('id,depart,route,from,to\ngiven,25200,L1 L5 L8 L12,,\nrouted,25204,,L1,L12\n', 'jam.csv').table as TripTable;
    const e = engineWith(t);
    const seen = drive(e, 0, 14);
    const vehicle = (id: string) => e.vehicles().find((v) => v.id === e.vehicleOfTrip(id)?.vehicleId);
    // Both head north on the same street, through L8.
    expect(vehicle('given')?.linkId).toMatch(/^L(1|5)$/);
    expect(vehicle('routed')?.linkId).toMatch(/^L(1|5)$/);
    // L8 jams (its speed as the link figures would measure it drops to a crawl): the engine reroutes whom it may.
    const internals = e as unknown as { rerouting: { updateCosts(speed: Float32Array): void }; figures: { speedEma: Float32Array } };
    const speed = internals.figures.speedEma.slice();
    speed[e.network().linkIndex.get('L8') as number] = 0.01;
    internals.rerouting.updateCosts(speed);
    drive(e, 14, 10 * 60, seen);
    const links = (id: string) => (seen.get(e.vehicleOfTrip(id)?.vehicleId as number) as { links: string[] }).links;
    expect(links('given')).toEqual(['L1', 'L5', 'L8', 'L12']);
    expect(links('routed')).not.toContain('L8');
    expect(links('routed').at(-1)).toBe('L12');
  });

  it('restores a snapshot to the same future, and the same seed gives the same run', () => {
    const t = table('small.rou.xml');
    const a = engineWith(t, { dailyTrips: 100_000 }, 5);
    drive(a, 0, 90);
    const snap = a.snapshot();
    drive(a, 90, 400);
    const after = JSON.stringify(a.vehicles());
    const counts = a.tripFileCounts();
    const b = engineWith(t, { dailyTrips: 100_000 }, 5);
    b.restore(snap);
    drive(b, 90, 400);
    expect(JSON.stringify(b.vehicles())).toBe(after);
    expect(b.tripFileCounts()).toEqual(counts);
    const c = engineWith(t, { dailyTrips: 100_000 }, 5);
    drive(c, 0, 400);
    expect(JSON.stringify(c.vehicles())).toBe(after);
  });

  it('names the file, line, element, field and value of what is wrong', () => {
    const rou = (body: string) => parseRouXml(`<routes>\n${body}\n</routes>\n`, 'bad.rou.xml').errors;
    expect(rou('<trip id="a" depart="7am" from="L1" to="L12"/>')).toEqual(['bad.rou.xml:2: <trip id="a">: depart: expected seconds or hh:mm:ss, got "7am"']);
    expect(rou('<trip id="a" depart="0" from="L1"/>')).toEqual(['bad.rou.xml:2: <trip id="a">: to: missing']);
    expect(rou('<vehicle id="a" depart="0" route="nowhere"/>')).toEqual(['bad.rou.xml:2: <vehicle id="a">: route: no <route id="nowhere"> before it in the file']);
    expect(rou('<trip id="a" depart="0" type="van" from="L1" to="L12"/>')).toEqual(['bad.rou.xml:2: <trip id="a">: type: no <vType id="van"> in the file']);
    expect(rou('\n<flow id="f" begin="0" end="60" vehsPerHour="-5" from="L1" to="L12"/>')).toEqual(['bad.rou.xml:3: <flow id="f">: vehsPerHour: expected a positive number, got "-5"']);
    expect(parseRouXml('<routes><trip id="a"></routes>', 'bad.rou.xml').errors[0]).toMatch(/^bad\.rou\.xml:1:\d+: not XML: /);
    expect(parseTripCsv('depart,from,to,speed\n', 'bad.csv').errors).toEqual(['bad.csv:1: column "speed": unknown (columns: id, depart, from, to, fromJunction, toJunction, fromX, fromY, toX, toY, route, vClass)']);
    expect(parseTripCsv('depart,from,to\n7:00,L1,L12\n25:61:00,L1,L12\n', 'bad.csv').errors).toEqual(['bad.csv:3: depart: expected seconds after midnight or hh:mm:ss, got "25:61:00"']);
    expect(parseTripCsv('depart,from,to\n100,L1,\n', 'bad.csv').errors).toEqual(['bad.csv:2: to: missing (from and to go together)']);
    // Ids are checked on the city's network when the engine starts.
    const unknown = parseRouXml('<routes>\n  <trip id="a" depart="25300" from="L1" to="L999"/>\n  <vehicle id="b" depart="25300"><route edges="L1 L7"/></vehicle>\n</routes>', 'bad.rou.xml').table as TripTable;
    expect(() => engineWith(unknown)).toThrow(
      'TrafficEngine: trips: 2 problems on this city\'s network:\nbad.rou.xml:2: <trip id="a">: to: no link "L999" in the city\nbad.rou.xml:3: <vehicle id="b">: route: link "L7" does not start where "L1" ends',
    );
  });

  it('a scenario names its trip file relative to itself; a bad one is reported with the scenario and the trip file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trips-'));
    fs.mkdirSync(path.join(dir, 'demand'));
    fs.copyFileSync(new URL('small.rou.xml', FIXTURES), path.join(dir, 'demand', 'peak.rou.xml'));
    fs.writeFileSync(path.join(dir, 'demand', 'broken.csv'), 'depart,from,to\nsoon,L1,L12\n');
    fs.writeFileSync(path.join(dir, 'demand', 'elsewhere.csv'), 'depart,from,to\n25300,L1,L12\n25301,L1,Z9\n');
    const scenario = (id: string, trips: string) =>
      [`id: ${id}`, 'title: { zh: 高峰, en: Peak }', 'description: { zh: 文件需求, en: Demand from a file }', 'city: smallcity', 'start: "2026-03-16T07:00:00+08:00"', 'duration: "00:30:00"', 'seed: 1', 'engines:', '  traffic:', '    dailyTrips: 0', `    trips: ${trips}`].join('\n');
    fs.writeFileSync(path.join(dir, 'peak.yaml'), scenario('peak', 'demand/peak.rou.xml'));
    fs.writeFileSync(path.join(dir, 'broken.yaml'), scenario('broken', 'demand/broken.csv'));
    fs.writeFileSync(path.join(dir, 'missing.yaml'), scenario('missing', 'demand/none.csv'));
    fs.writeFileSync(path.join(dir, 'elsewhere.yaml'), scenario('elsewhere', 'demand/elsewhere.csv'));
    try {
      const { scenarios, errors } = loadScenarios(dir);
      expect(scenarios.map((s) => s.id)).toEqual(['elsewhere', 'peak']);
      // Ids meet the city's network when a run is made: a link the city does not have is refused there.
      const refused = createScenarioRun(scenarios[0], city);
      expect(refused).toMatchObject({ ok: false, code: 'bad_trips' });
      expect((refused as { message: string }).message).toMatch(/^createScenarioRun: scenario elsewhere: engines\.traffic\.trips: 1 problem on this city's network:\n.*demand\/elsewhere\.csv:3: to: no link "Z9" in the city$/);
      const made = createScenarioRun(scenarios[1], city);
      expect(made.ok).toBe(true);
      if (made.ok) made.run.dispose();
      const trips = scenarios[1].engines.traffic.trips as TripTable;
      expect(trips).toBeInstanceOf(TripTable);
      expect(trips.count).toBe(table('small.rou.xml').count);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(/broken\.yaml: engines\.traffic\.trips: .*demand\/broken\.csv:2: depart: expected seconds after midnight or hh:mm:ss, got "soon"$/);
      expect(errors[1]).toMatch(/missing\.yaml: engines\.traffic\.trips: cannot read .*demand\/none\.csv: ENOENT$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
