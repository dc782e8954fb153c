import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CityModel } from '../../../server/city/CityModel.ts';
import { importSumoNet } from '../../../server/city/sumo/importSumoNet.ts';
import { readSumoNet, SumoNetError } from '../../../server/city/sumo/readSumoNet.ts';
import { enuToGeodetic } from '../../../server/protocol/geo.ts';
import { createRng } from '../../../server/sim/random.ts';
import { standaloneContext } from '../../../server/sim/standaloneContext.ts';
import { SignalState } from '../../../server/sim/traffic/SignalPlans.ts';
import { TrafficEngine } from '../../../server/sim/traffic/TrafficEngine.ts';

const FIXTURES = new URL('../../fixtures/sumo/', import.meta.url);
const read = (name: string): string => fs.readFileSync(new URL(name, FIXTURES), 'utf8');
const GRID = read('grid.net.xml');
const PDS = read('pds.net.xml');
const PINGDINGSHAN = { lon: 113.29, lat: 33.74 };
const START = Date.parse('2026-03-16T07:00:00+08:00');

/** Attributes of every element `tag` in the text, read with a regular expression: an observer independent of the reader. */
function elements(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag} ([^>]*?)/?>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w:]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

/** Normal edges of a network with their lanes, as the file has them. */
function edgesOf(xml: string): Map<string, { from: string; to: string; speeds: number[] }> {
  const out = new Map<string, { from: string; to: string; speeds: number[] }>();
  for (const m of xml.matchAll(/<edge ([^>]*)>([\s\S]*?)<\/edge>/g)) {
    const attrs = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    if (attrs.function) continue;
    out.set(attrs.id, { from: attrs.from, to: attrs.to, speeds: elements(m[2], 'lane').map((l) => Number(l.speed)) });
  }
  return out;
}

/** Each traffic light's cycle (sum of its phases), as the file has it. */
function cyclesOf(xml: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of xml.matchAll(/<tlLogic id="([^"]*)"[^>]*>([\s\S]*?)<\/tlLogic>/g)) {
    out.set(m[1], elements(m[2], 'phase').reduce((s, p) => s + Number(p.duration), 0));
  }
  return out;
}

describe('a netgenerate grid', () => {
  const net = readSumoNet(GRID, { file: 'grid.net.xml', origin: PINGDINGSHAN });
  const edges = edgesOf(GRID);

  it('keeps every normal edge as a link with its SUMO id, ends, lane count and speed', () => {
    expect(edges.size).toBe(48);
    expect(net.roads.links.map((l) => l.id).sort()).toEqual([...edges.keys()].sort());
    for (const link of net.roads.links) {
      const edge = edges.get(link.id)!;
      expect([link.from, link.to]).toEqual([edge.from, edge.to]);
      expect(link.lanes).toBe(edge.speeds.length);
      expect(link.speedLimitKmh).toBeCloseTo(Math.max(...edge.speeds) * 3.6, 1);
    }
  });

  it('keeps the junctions with their ids, traffic lights as signalised, 200 m apart as generated', () => {
    const junctions = elements(GRID, 'junction').filter((j) => j.type !== 'internal');
    expect(net.roads.nodes.map((n) => n.id).sort()).toEqual(junctions.map((j) => j.id).sort());
    const lights = new Set(junctions.filter((j) => j.type === 'traffic_light').map((j) => j.id));
    expect(lights.size).toBe(12);
    expect(new Set(net.roads.nodes.filter((n) => n.signalised).map((n) => n.id))).toEqual(lights);
    const a0 = net.roads.nodes.find((n) => n.id === 'A0')!;
    const b0 = net.roads.nodes.find((n) => n.id === 'B0')!;
    expect([b0.x - a0.x, b0.y - a0.y]).toEqual([200, 0]);
  });

  it('keeps the turning movements between kept links, lane to lane', () => {
    const external = elements(GRID, 'connection').filter((c) => !c.from.startsWith(':'));
    expect(net.connections).toHaveLength(external.length);
    expect(net.connections).toContainEqual({ from: 'A0A1', to: 'A1A2', fromLane: 1, toLane: 1, dir: 's', state: 'O', tl: 'A1', linkIndex: 8 });
  });

  it("gives every signalised junction a plan with its traffic light's cycle, and the engine runs it", () => {
    const cycles = cyclesOf(GRID);
    expect(net.signals.map((s) => s.nodeId).sort()).toEqual([...cycles.keys()].sort());
    for (const s of net.signals) {
      expect(s.cycleS).toBe(cycles.get(s.tlId));
      expect(s.plan).toEqual({ nodeId: s.nodeId, cycleS: cycles.get(s.tlId), greenSplits: [42, 42] });
    }

    const city = importSumoNet({ id: 'grid', netXml: GRID, origin: PINGDINGSHAN }).city;
    const engine = new TrafficEngine();
    const signalPlans = net.signals.map((s) => s.plan!);
    engine.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, signalPlans }, rng: createRng(1), stepMs: 500, startEpochMs: START }));
    const plans = engine.signalPlans();
    const network = engine.network();
    for (const s of net.signals) {
      expect(plans.planOf(network.nodeIndex.get(s.nodeId)!).cycleS).toBe(s.cycleS);
    }
    // Over a cycle, the engine never shows green together to two approaches that SUMO never does,
    // and each approach gets about its SUMO green (the engine keeps 3 s amber and 1 s all-red).
    const greenTogether = (s: (typeof net.signals)[number], a: string, b: string) =>
      s.phases.some((p) => [a, b].every((edge) => net.connections.some((c) => c.tl === s.tlId && c.from === edge && /[Gg]/.test(p.state[c.linkIndex!]))));
    const greenSeconds = new Map<string, number>();
    for (let t = 0; t < 90; t += 0.5) {
      engine.step(t * 1000 + 500);
      for (const s of net.signals) {
        const green = Object.keys(s.greenS).filter((edge) => engine.signalStateOf(edge) === SignalState.green);
        for (const edge of green) greenSeconds.set(edge, (greenSeconds.get(edge) ?? 0) + 0.5);
        for (const a of green) for (const b of green) expect(greenTogether(s, a, b), `${s.nodeId}: ${a} and ${b} green at ${t} s`).toBe(true);
      }
    }
    for (const s of net.signals) for (const [edge, g] of Object.entries(s.greenS)) expect(Math.abs(greenSeconds.get(edge)! - g), `${s.nodeId} ${edge}`).toBeLessThanOrEqual(2);
  });

  it("gives the engine's phases to the approaches SUMO gives them, when the greens differ", () => {
    // A1's north–south approaches get 60 s, its side street 24 s.
    const program = /(<tlLogic id="A1"[^>]*>\s*<phase duration=")42("[^>]*>\s*<phase duration="3"[^>]*>\s*<phase duration=")42(")/;
    const xml = GRID.replace(program, '$160$224$3');
    const uneven = readSumoNet(xml, { origin: PINGDINGSHAN });
    const a1 = uneven.signals.find((s) => s.nodeId === 'A1')!;
    expect(a1.greenS).toEqual({ A0A1: 60, A2A1: 60, B1A1: 24 });
    const city = importSumoNet({ id: 'grid', netXml: xml, origin: PINGDINGSHAN }).city;
    const engine = new TrafficEngine();
    engine.init(standaloneContext({ city, params: { dailyTrips: 0, busLines: 0, signalPlans: [a1.plan!] }, rng: createRng(1), stepMs: 500, startEpochMs: START }));
    const greenSeconds: Record<string, number> = { A0A1: 0, A2A1: 0, B1A1: 0 };
    for (let t = 0.5; t <= 90; t += 0.5) {
      engine.step(t * 1000);
      for (const edge of Object.keys(greenSeconds)) if (engine.signalStateOf(edge) === SignalState.green) greenSeconds[edge] += 0.5;
    }
    expect(engine.signalPlans().planOf(engine.network().nodeIndex.get('A1')!).cycleS).toBe(90);
    // The engine keeps 8 s minimum greens, 3 s amber and 1 s all-red per phase: 60/24 becomes about 55/27.
    for (const edge of ['A0A1', 'A2A1']) expect(greenSeconds[edge]).toBeGreaterThan(50);
    expect(greenSeconds.B1A1).toBeLessThan(30);
  });

  it('makes a city the CityModel schema accepts, with no buildings and its centre at the given origin', () => {
    const { city, report } = importSumoNet({ id: 'grid', netXml: GRID, origin: PINGDINGSHAN });
    expect(CityModel.safeParse(city).success).toBe(true);
    expect(report.imported).toEqual({ buildings: 0, roads: 48, pois: 0 });
    expect(city.origin).toEqual({ ...PINGDINGSHAN, height: 0 });
    expect(city.extent).toEqual({ minX: -300, minY: -300, maxX: 300, maxY: 300 });
  });
});

describe('a projected network (netconvert from OpenStreetMap, UTM zone 49)', () => {
  const net = readSumoNet(PDS, { file: 'pds.net.xml' });
  const lonLatOf = (id: string) => {
    const node = net.roads.nodes.find((n) => n.id === id)!;
    const g = enuToGeodetic(net.origin, [node.x, node.y, 0]);
    return [g.lon, g.lat];
  };
  /** Metres between two lon/lat points (equirectangular: fine over a kilometre). */
  const metres = ([lon1, lat1]: number[], [lon2, lat2]: number[]) =>
    Math.hypot((lon2 - lon1) * 111_320 * Math.cos((lat1 * Math.PI) / 180), (lat2 - lat1) * 110_574);

  it('lands every junction at the OpenStreetMap node it came from, within a metre', () => {
    expect(net.projected).toBe(true);
    const osm = new Map(elements(read('pds.osm'), 'node').map((n) => [n.id, [Number(n.lon), Number(n.lat)]]));
    expect(net.roads.nodes).toHaveLength(6);
    for (const node of net.roads.nodes) expect(metres(lonLatOf(node.id), osm.get(node.id)!), `junction ${node.id}`).toBeLessThan(1);
    expect(metres(lonLatOf('1'), [PINGDINGSHAN.lon, PINGDINGSHAN.lat])).toBeLessThan(1);
  });

  it('undoes the UTM grid turn: the north–south street runs due north', () => {
    // In UTM coordinates junction 2 lies 7 m west of junction 1 for 333 m north (1.3° of grid convergence).
    const j1 = elements(PDS, 'junction').find((j) => j.id === '1')!;
    const j2 = elements(PDS, 'junction').find((j) => j.id === '2')!;
    expect(Number(j1.x) - Number(j2.x)).toBeGreaterThan(5);
    const n1 = net.roads.nodes.find((n) => n.id === '1')!;
    const n2 = net.roads.nodes.find((n) => n.id === '2')!;
    expect(Math.abs(n2.x - n1.x)).toBeLessThan(0.1);
  });

  it('reads OSM types, lane counts, speeds and street names', () => {
    const link = (id: string) => net.roads.links.find((l) => l.id === id)!;
    expect(link('10#0')).toMatchObject({ name: '建设路', class: 'arterial', lanes: 2, speedLimitKmh: 60 });
    expect(link('11#0')).toMatchObject({ name: '中兴路', class: 'arterial', lanes: 1, speedLimitKmh: 40 });
    expect(link('12')).toMatchObject({ class: 'local', lanes: 1, speedLimitKmh: 30 });
    expect(net.roads.links.some((l) => l.id === '-12')).toBe(false);
    expect(net.signals).toHaveLength(1);
    expect(net.signals[0].plan).toEqual({ nodeId: '1', cycleS: 90, greenSplits: [41, 41] });
  });
});

/** A one-edge network with one change made to it. */
function tiny(change: (xml: string) => string = (x) => x): string {
  return change(`<?xml version="1.0" encoding="UTF-8"?>
<net version="1.9">
    <location netOffset="0.00,0.00" convBoundary="0.00,0.00,100.00,0.00" origBoundary="0.00,0.00,100.00,0.00" projParameter="!"/>
    <edge id="e" from="a" to="b" priority="1">
        <lane id="e_0" index="0" allow="pedestrian" speed="2.78" length="100.00" shape="0.00,-8.00 100.00,-8.00"/>
        <lane id="e_1" index="1" speed="13.89" length="100.00" shape="0.00,-4.80 100.00,-4.80"/>
        <lane id="e_2" index="2" disallow="pedestrian bicycle" speed="16.67" length="100.00" shape="0.00,-1.60 100.00,-1.60"/>
    </edge>
    <junction id="a" type="dead_end" x="0.00" y="0.00"/>
    <junction id="b" type="dead_end" x="100.00" y="0.00"/>
</net>
`);
}

describe('reading SUMO networks', () => {
  const fails = (xml: string, origin: { lon: number; lat: number } | null = PINGDINGSHAN) => () => readSumoNet(xml, { file: 'my.net.xml', origin: origin ?? undefined });

  it('counts only the lanes open to cars, and takes the fastest one’s speed', () => {
    const net = readSumoNet(tiny(), { origin: PINGDINGSHAN });
    expect(net.roads.links[0]).toMatchObject({ id: 'e', lanes: 2, speedLimitKmh: 60 });
    expect(net.lanes.e.map((l) => l.cars)).toEqual([false, true, true]);
  });

  it('names the file, element, attribute and value of bad input', () => {
    expect(fails(tiny((x) => x.replace('speed="13.89"', 'speed="fast"')))).toThrow(
      new SumoNetError('readSumoNet: my.net.xml: <edge id="e"> <lane id="e_1">: speed: expected a positive number, got "fast"'),
    );
    expect(fails(tiny((x) => x.replace('to="b"', 'to="nowhere"')))).toThrow('readSumoNet: my.net.xml: <edge id="e">: to: no <junction id="nowhere">');
    expect(fails(tiny((x) => x.replace('x="100.00"', 'x="1e"')))).toThrow('<junction id="b">: x: expected a number, got "1e"');
    expect(fails(tiny((x) => x.replace('projParameter="!"', 'projParameter="+proj=nonsense"')))).toThrow(/<location> projParameter: "\+proj=nonsense" is not a projection/);
    expect(fails(tiny((x) => x.replace(/allow="pedestrian"|disallow="pedestrian bicycle"/g, 'allow="bicycle"').replace('index="1"', 'index="1" allow="rail"')))).toThrow(
      'no <edge> with a lane open to passenger cars',
    );
  });

  it('refuses a network without a projection unless told where it is', () => {
    expect(fails(tiny(), null)).toThrow('readSumoNet: my.net.xml: <location> projParameter: "!": the network has no projection, so it cannot be placed on the globe by itself; give the lon/lat of its centre (--origin LON,LAT)');
  });

  it('says where XML is broken, and what a file that is not a network is', () => {
    const cut = GRID.slice(0, GRID.indexOf('<edge id="A0A1"') + 40);
    expect(fails(cut)).toThrow(/^readSumoNet: my\.net\.xml: not well-formed XML at line \d+, column \d+: /);
    expect(fails('<?xml version="1.0"?>\n<routes><vehicle id="0" depart="0"/></routes>\n')).toThrow('readSumoNet: my.net.xml: not a SUMO network: the root element is <routes>, expected <net>');
    expect(fails(tiny((x) => x.replace(/\s*<location[^>]*\/>/, '')))).toThrow('readSumoNet: my.net.xml: <location> is missing');
  });

  it('names the light and the phase of a bad program', () => {
    const bad = GRID.replace('<phase duration="42" state="GGgrrrGGG"/>', '<phase duration="-1" state="GGgrrrGGG"/>');
    expect(fails(bad)).toThrow('readSumoNet: my.net.xml: <tlLogic id="A1" programID="0"> <phase> 0: duration: expected a positive number, got "-1"');
    const letters = GRID.replace('<phase duration="42" state="GGgrrrGGG"/>', '<phase duration="42" state="GGgrrrGGX"/>');
    expect(fails(letters)).toThrow('<tlLogic id="A1" programID="0"> <phase> 0: state: expected letters of GgyrsuoO, got "GGgrrrGGX"');
  });
});
