import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCityCli, type CliIo } from '../../../server/city/cli.ts';
import { CityStore } from '../../../server/city/CityStore.ts';
import { ringCentroid } from '../../../server/city/polygon.ts';
import { createScenarioRun } from '../../../server/scenario/createScenarioRun.ts';
import { loadScenarios } from '../../../server/scenario/loadScenarios.ts';

const FIXTURES = path.resolve('test/fixtures/sumo');
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sumo-import-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: (line) => out.push(line), error: (line) => err.push(line) };
}

describe('npm run city -- import --sumo-net', () => {
  it('imports the grid, builds its tiles, writes a scenario with its signal plans, and vehicles drive through it', async () => {
    const root = tempDir();
    const [dataDir, tilesDir, scenariosDir] = ['data', 'tiles', 'scenarios'].map((d) => path.join(root, d));
    fs.mkdirSync(scenariosDir);
    const io = captureIo();
    const args = ['import', '--sumo-net', path.join(FIXTURES, 'grid.net.xml'), '--id', 'grid', '--origin', '113.29,33.74'];
    const code = await runCityCli([...args, '--scenario', path.join(scenariosDir, 'grid-peak.yaml'), '--data-dir', dataDir, '--tiles-dir', tilesDir], io);
    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    expect(io.out[0]).toBe('SUMO network: 48 edges with car lanes, 16 junctions (12 signalised), 152 turning movements');
    expect(io.out).toContain('  traffic lights: 12 programs, 12 as signal plans (cycle and green of each approach axis)');

    const city = new CityStore(dataDir).load('grid');
    expect(city.roads.links.map((l) => l.id)).toContain('A0A1');
    expect(JSON.parse(fs.readFileSync(path.join(tilesDir, 'grid', 'tileset.json'), 'utf8')).root).toBeDefined();

    const { scenarios, errors } = loadScenarios(scenariosDir);
    expect(errors).toEqual([]);
    const scenario = scenarios[0];
    expect(scenario).toMatchObject({ id: 'grid-peak', city: 'grid' });
    const traffic = scenario.engines.traffic as { signalPlans: { nodeId: string; cycleS: number }[] };
    expect(traffic.signalPlans).toHaveLength(12);
    expect(traffic.signalPlans.every((p) => p.cycleS === 90)).toBe(true);

    // The city has no buildings, so no generated demand: trips corner to corner, both ways.
    const trips = [
      ['A0', 'D3'],
      ['D3', 'A0'],
      ['A3', 'D0'],
      ['D0', 'A3'],
    ].map(([from, to]) => ({ atMs: 0, kind: 'traffic.trips', params: { from, to, vehicles: 20 } }));
    const made = createScenarioRun(scenario, city, { timeline: trips });
    if (!made.ok) throw new Error(made.message);
    const run = made.run;
    // Each vehicle's first and last seen position, from the objects the run publishes.
    const seen = new Map<number, { first: [number, number]; last: [number, number]; lastMs: number }>();
    while (run.status().timeMs < 12 * 60_000) {
      run.stepOnce();
      const o = run.objects();
      for (let i = 0; i < o.count; i++) {
        const at: [number, number] = [o.x[i], o.y[i]];
        const v = seen.get(o.id[i]);
        if (v) Object.assign(v, { last: at, lastMs: run.status().timeMs });
        else seen.set(o.id[i], { first: at, last: at, lastMs: run.status().timeMs });
      }
    }
    const endMs = run.status().timeMs;
    run.dispose();
    expect(seen.size).toBe(80);
    // Corner to corner is 1.2 km through the grid; each vehicle got there and left the network.
    const gone = [...seen.values()].filter((v) => v.lastMs < endMs);
    expect(gone).toHaveLength(80);
    for (const v of seen.values()) expect(Math.hypot(v.last[0] - v.first[0], v.last[1] - v.first[1])).toBeGreaterThan(500);
  });

  it('reads a gzipped network as SUMO writes it (.net.xml.gz)', async () => {
    const root = tempDir();
    const file = path.join(root, 'pds.net.xml.gz');
    fs.writeFileSync(file, gzipSync(fs.readFileSync(path.join(FIXTURES, 'pds.net.xml'))));
    const io = captureIo();
    expect(await runCityCli(['import', '--sumo-net', file, '--id', 'pds', '--data-dir', root, '--no-build'], io)).toBe(0);
    expect(new CityStore(root).load('pds').roads.links).toHaveLength(9);
  });

  it('places GeoJSON buildings in the frame of a projected network', async () => {
    const root = tempDir();
    // A 20 m square just north-east of the crossing at 113.29° E, 33.74° N (OSM node 1, junction "1").
    const d = 0.0001;
    const ring = [[113.2901, 33.7401], [113.2901 + 2 * d, 33.7401], [113.2901 + 2 * d, 33.7401 + 2 * d], [113.2901, 33.7401 + 2 * d], [113.2901, 33.7401]];
    const buildings = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { height: 30 }, geometry: { type: 'Polygon', coordinates: [ring] } }] };
    const file = path.join(root, 'b.geojson');
    fs.writeFileSync(file, JSON.stringify(buildings));
    const io = captureIo();
    const code = await runCityCli(['import', '--sumo-net', path.join(FIXTURES, 'pds.net.xml'), '--buildings', file, '--id', 'pds', '--data-dir', root, '--no-build'], io);
    expect(io.err).toEqual([]);
    expect(code).toBe(0);
    const city = new CityStore(root).load('pds');
    const node = city.roads.nodes.find((n) => n.id === '1')!;
    const [cx, cy] = ringCentroid(city.buildings[0].footprint[0]);
    // The square's centre is 0.0002° east (18.5 m) and 0.0002° north (22.2 m) of the crossing.
    expect(cx - node.x).toBeCloseTo(18.5, 0);
    expect(cy - node.y).toBeCloseTo(22.2, 0);
  });

  it('fails with one clear message and writes nothing on bad input', async () => {
    const root = tempDir();
    const run = async (...args: string[]) => {
      const io = captureIo();
      const code = await runCityCli(['import', ...args, '--data-dir', root, '--no-build'], io);
      return { code, err: io.err };
    };
    expect(await run('--sumo-net', path.join(root, 'none.net.xml'), '--id', 'x')).toEqual({ code: 1, err: [`city import: ${path.join(root, 'none.net.xml')} does not exist`] });
    expect(await run('--sumo-net', path.join(FIXTURES, 'grid.net.xml'), '--id', 'x')).toEqual({
      code: 1,
      err: [`readSumoNet: ${path.join(FIXTURES, 'grid.net.xml')}: <location> projParameter: "!": the network has no projection, so it cannot be placed on the globe by itself; give the lon/lat of its centre (--origin LON,LAT)`],
    });
    expect((await run('--sumo-net', path.join(FIXTURES, 'pds.net.xml'), '--roads', 'r.geojson', '--id', 'x')).err).toEqual([
      'city import: --roads cannot be used with --sumo-net: the roads come from the SUMO network',
    ]);
    expect((await run('--sumo-net', path.join(FIXTURES, 'pds.net.xml'), '--scenario', 'My Scenario.yaml', '--id', 'x')).err).toEqual([
      expect.stringMatching(/^city import: --scenario: "My Scenario.yaml": the file name is the scenario id/),
    ]);
    const osm = await run('--sumo-net', path.join(FIXTURES, 'pds.osm'), '--id', 'x');
    expect(osm.err).toEqual([`readSumoNet: ${path.join(FIXTURES, 'pds.osm')}: not a SUMO network: the root element is <osm>, expected <net>`]);
    expect(fs.existsSync(path.join(root, 'cities'))).toBe(false);
  });
});
