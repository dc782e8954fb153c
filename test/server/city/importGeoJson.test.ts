import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CityModel } from '../../../server/city/CityModel.ts';
import type { Building, RoadLink } from '../../../server/city/CityModel.ts';
import { enuToGeodetic } from '../../../server/protocol/geo.ts';
import { signedArea } from '../../../server/city/polygon.ts';
import { importGeoJson, ImportError } from '../../../server/city/importGeoJson.ts';
import type { ImportReport } from '../../../server/city/importGeoJson.ts';
import { readGeoJsonFile, runCityCli } from '../../../server/city/cli.ts';
import type { CliIo } from '../../../server/city/cli.ts';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/geojson');
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

interface Fc {
  type: 'FeatureCollection';
  features: Array<{ id?: string; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }>;
}

/** Distance in metres between two lon/lat points a few metres apart. */
function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const lat = (a.lat * Math.PI) / 180;
  return Math.hypot((a.lon - b.lon) * 111_320 * Math.cos(lat), (a.lat - b.lat) * 110_574);
}

/** A one-building FeatureCollection: a w × h metre rectangle near Pingdingshan with the given tags. */
function oneBuilding(properties: Record<string, unknown>, w = 20, h = 15): Fc {
  const dLon = w / (111_320 * Math.cos((33.73 * Math.PI) / 180));
  const dLat = h / 110_574;
  const [lon, lat] = [113.3, 33.73];
  return {
    type: 'FeatureCollection',
    features: [
      {
        properties,
        geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + dLon, lat], [lon + dLon, lat + dLat], [lon, lat + dLat], [lon, lat]]] },
      },
    ].map((f) => ({ type: 'Feature', ...f })),
  } as Fc;
}

describe('importGeoJson: a valid OSM-like export', () => {
  let city: CityModel;
  let report: ImportReport;
  const buildings = fixture('buildings.geojson') as Fc;
  const byId = (id: string): Building => {
    const b = city.buildings.find((x) => x.id === id);
    if (!b) throw new Error(`no building ${id}`);
    return b;
  };
  const linksNamed = (name: string): RoadLink[] => city.roads.links.filter((l) => l.name === name);

  beforeAll(() => {
    ({ city, report } = importGeoJson({
      id: 'pds-east',
      name: { zh: '平顶山东', en: 'Pingdingshan East' },
      buildings,
      roads: fixture('roads.geojson'),
      pois: fixture('pois.geojson'),
    }));
  });

  it('imports every feature and counts them', () => {
    // 96 features, of which 3 are two-wing MultiPolygons.
    expect(buildings.features).toHaveLength(96);
    expect(report.imported).toEqual({ buildings: 99, roads: 7, pois: 7 });
    expect(report.skipped).toEqual([]);
    expect(report.skippedByReason).toEqual({});
    expect(city.buildings).toHaveLength(99);
  });

  it('produces a city the CityModel schema accepts', () => {
    const result = CityModel.safeParse(city);
    expect(result.success, result.success ? '' : JSON.stringify(result.error.issues[0])).toBe(true);
    expect(city.synthetic).toBe(false);
    expect(city.name).toEqual({ zh: '平顶山东', en: 'Pingdingshan East' });
    expect(city.districts.map((d) => d.id)).toEqual(['all']);
    expect(city.districts[0].name).toEqual({ zh: '全市', en: 'City' });
    expect(city.buildings.every((b) => b.district === 'all' && b.grid !== '' && b.base === 0)).toBe(true);
    expect(city.terrain.heights.every((h) => h === 0)).toBe(true);
    expect(city.terrain.heights).toHaveLength(city.terrain.cols * city.terrain.rows);
  });

  it('puts the origin at the centre of the buildings and every footprint inside the extent', () => {
    expect(city.origin.lon).toBeCloseTo(113.3, 2);
    expect(city.origin.lat).toBeCloseTo(33.73, 2);
    const { minX, minY, maxX, maxY } = city.extent;
    for (const b of city.buildings) for (const [x, y] of b.footprint[0]) expect(x >= minX && x <= maxX && y >= minY && y <= maxY).toBe(true);
    // Centred: the extent straddles the origin.
    expect(minX).toBeLessThan(0);
    expect(maxX).toBeGreaterThan(0);
  });

  it("converts a building's corners back to their lon/lat within 5 cm", () => {
    const feature = buildings.features[0];
    const corners = (feature.geometry.coordinates as number[][][])[0].slice(0, -1);
    const footprint = byId('way/100000').footprint[0];
    expect(footprint).toHaveLength(4);
    for (const [lon, lat] of corners) {
      const nearest = Math.min(...footprint.map(([x, y]) => metresBetween(enuToGeodetic(city.origin, [x, y, 0]), { lon, lat })));
      expect(nearest).toBeLessThan(0.05);
    }
  });

  it('drops the closing point, orients rings and rounds to centimetres', () => {
    for (const b of city.buildings) {
      const ring = b.footprint[0];
      expect(ring[0]).not.toEqual(ring[ring.length - 1]);
      expect(signedArea(ring)).toBeGreaterThan(0);
      for (const [x, y] of ring) {
        expect(Math.round(x * 100) / 100).toBe(x);
        expect(Math.round(y * 100) / 100).toBe(y);
      }
    }
    // The courtyard building keeps its hole, clockwise.
    const courtyard = byId('way/100011');
    expect(courtyard.footprint).toHaveLength(2);
    expect(signedArea(courtyard.footprint[1])).toBeLessThan(0);
  });

  it('reads heights from "12 m", numbers and "24.5m", from floors, or defaults them', () => {
    expect(byId('way/100001')).toMatchObject({ height: 12, floors: 4, use: 'residential' }); // height "12 m"
    expect(byId('way/100004')).toMatchObject({ height: 18, floors: 6 }); // height 18 (a number)
    expect(byId('way/100005')).toMatchObject({ height: 24.5, floors: 6, use: 'office', name: '中兴大厦' }); // "24.5m" + levels
    expect(byId('way/100000')).toMatchObject({ height: 15, floors: 5, use: 'residential' }); // building:levels "5"
    expect(byId('way/100006')).toMatchObject({ height: 6, floors: 2 }); // floors "2"
    expect(byId('way/100003')).toMatchObject({ height: 12, floors: 3, use: 'commercial' }); // commercial storeys are 4 m
    expect(byId('way/100002')).toMatchObject({ height: 9, floors: 3, use: 'residential' }); // building=yes, nothing else
    expect(report.heightDefaulted).toBe(16);
  });

  it('maps OSM building and amenity tags to uses', () => {
    expect(byId('way/100007').use).toBe('commercial'); // retail
    expect(byId('way/100008').use).toBe('industrial');
    expect(byId('way/100009').use).toBe('school'); // building=yes + amenity=school
    expect(byId('way/100010').use).toBe('residential'); // dormitory
    expect(byId('way/100011').use).toBe('public'); // government
  });

  it('splits a MultiPolygon into one building per polygon', () => {
    expect(city.buildings.some((b) => b.id === 'way/100030')).toBe(false);
    const [a, b] = [byId('way/100030-1'), byId('way/100030-2')];
    expect(a.height).toBe(b.height);
    const maxA = Math.max(...a.footprint[0].map((p) => p[0]));
    const minB = Math.min(...b.footprint[0].map((p) => p[0]));
    expect(minB).toBeGreaterThan(maxA); // two separate wings
  });

  it('builds a road graph with nodes at crossings, two links per two-way segment and one per one-way segment', () => {
    const nodes = new Map(city.roads.nodes.map((n) => [n.id, n]));
    // 12 intersections and ends of a 4 × 3 street grid; 28 directed links.
    expect(city.roads.nodes).toHaveLength(12);
    expect(city.roads.links).toHaveLength(28);
    for (const link of city.roads.links) {
      expect(link.geometry[0]).toEqual([nodes.get(link.from)!.x, nodes.get(link.from)!.y]);
      expect(link.geometry.at(-1)).toEqual([nodes.get(link.to)!.x, nodes.get(link.to)!.y]);
      expect(link.length).toBeGreaterThan(199);
      expect(link.length).toBeLessThan(202);
    }

    // 建设路: two-way, 6 lanes in all → 3 each way; three blocks, each in both directions.
    const jianshe = linksNamed('建设路');
    expect(jianshe).toHaveLength(6);
    for (const l of jianshe) {
      expect(jianshe.some((r) => r.from === l.to && r.to === l.from)).toBe(true);
      expect(l).toMatchObject({ class: 'arterial', lanes: 3, speedLimitKmh: 60, capacityVph: 3000 });
    }
    // 光明路 oneway=yes runs west → east only; 新华路 oneway=-1 runs against its drawing, east → west.
    const guangming = linksNamed('光明路');
    expect(guangming).toHaveLength(3);
    for (const l of guangming) expect(l.geometry.at(-1)![0]).toBeGreaterThan(l.geometry[0][0]);
    const xinhua = linksNamed('新华路');
    expect(xinhua).toHaveLength(3);
    for (const l of xinhua) {
      expect(l.lanes).toBe(2); // oneway: OSM's lanes all go one way
      expect(l.geometry.at(-1)![0]).toBeLessThan(l.geometry[0][0]);
    }

    expect(linksNamed('开源路')[0]).toMatchObject({ class: 'collector', speedLimitKmh: 48.3 }); // "30 mph"
    expect(linksNamed('中兴路')[0]).toMatchObject({ class: 'arterial', speedLimitKmh: 50, lanes: 2 }); // "50 km/h", 4 lanes
    expect(linksNamed('东环路')).toHaveLength(4); // MultiLineString, two parts, both two-way
  });

  it('joins road ends within half a metre and signals only where main roads cross', () => {
    // 开源路 ends 0.28 m from a vertex of 光明路: one node, not two.
    const kaiyuanEnd = linksNamed('开源路').find((l) => l.geometry[0][1] < l.geometry.at(-1)![1] && l.geometry[0][1] > 0)!;
    expect(linksNamed('光明路').some((l) => l.from === kaiyuanEnd.to || l.to === kaiyuanEnd.to)).toBe(true);

    const signalised = city.roads.nodes.filter((n) => n.signalised);
    // 建设路 × 中兴路 and 建设路 × 开源路; not where the service road or a local street meets a main road.
    expect(signalised).toHaveLength(2);
    for (const n of signalised) {
      const names = new Set(city.roads.links.filter((l) => l.from === n.id || l.to === n.id).map((l) => l.name));
      expect(names.has('建设路')).toBe(true);
      expect(names.size).toBe(2);
    }
  });

  it('imports POIs with kinds, names, beds and capacity, each attached to its nearest road node', () => {
    const kinds = city.pois.map((p) => p.kind).sort();
    expect(kinds).toEqual(['aq_station', 'aq_station', 'fire_station', 'hospital', 'police', 'school', 'shelter']);
    const hospital = city.pois.find((p) => p.kind === 'hospital')!;
    expect(hospital.beds).toBe(1200);
    expect(hospital.name).toEqual({ zh: '平顶山市第一人民医院', en: '平顶山市第一人民医院' });
    expect(city.pois.find((p) => p.kind === 'fire_station')!.name.en).toBe('Xinhua Fire Station');
    expect(city.pois.find((p) => p.kind === 'shelter')!.capacity).toBe(5000);
    for (const poi of city.pois) {
      const dist = (id: string) => {
        const n = city.roads.nodes.find((x) => x.id === id)!;
        return Math.hypot(n.x - poi.x, n.y - poi.y);
      };
      const best = Math.min(...city.roads.nodes.map((n) => dist(n.id)));
      expect(dist(poi.node)).toBe(best);
    }
  });

  it('gives POIs no node when there are no roads', () => {
    const { city: noRoads } = importGeoJson({ id: 'x', buildings, pois: fixture('pois.geojson') });
    expect(noRoads.roads).toEqual({ nodes: [], links: [] });
    expect(noRoads.pois.every((p) => p.node === '')).toBe(true);
  });

  it('serialises the same input to the same bytes', () => {
    const again = importGeoJson({ id: 'pds-east', name: city.name, buildings, roads: fixture('roads.geojson'), pois: fixture('pois.geojson') });
    expect(JSON.stringify(again.city)).toBe(JSON.stringify(city));
  });
});

describe('importGeoJson: bad features', () => {
  const { city, report } = importGeoJson({ id: 'bad', buildings: fixture('buildings-bad.geojson'), roads: fixture('roads-bad.geojson') });

  it('skips exactly the bad features, with their index and reason, and imports the rest', () => {
    expect(report.skipped).toEqual([
      { layer: 'buildings', index: 1, reason: 'geometry: expected Polygon or MultiPolygon, got "Point"' },
      { layer: 'buildings', index: 3, reason: 'height: expected metres, got "tall"' },
      { layer: 'buildings', index: 4, reason: 'coordinates: expected numbers [lon, lat], got [null, 33.73]' },
      { layer: 'buildings', index: 6, reason: 'coordinates: longitude 200.5 is outside -180..180' },
      { layer: 'buildings', index: 7, reason: 'footprint: 2 distinct points, need at least 3' },
      { layer: 'buildings', index: 9, reason: 'height: expected metres, got "-3"' },
      { layer: 'roads', index: 1, reason: 'highway "footway" is not a road for vehicles' },
      { layer: 'roads', index: 3, reason: 'highway: missing, cannot tell what kind of road this is' },
      { layer: 'roads', index: 4, reason: 'maxspeed: expected km/h, got "fast"' },
    ]);
    expect(report.imported).toEqual({ buildings: 5, roads: 2, pois: 0 });
    expect(city.buildings.map((b) => b.id)).toEqual(['way/400000', 'way/400002', 'way/400005', 'way/400008', 'way/400010']);
    expect(report.skippedByReason).toEqual({
      'wrong geometry type': 1,
      'bad height': 2,
      'bad coordinates': 2,
      'too few points': 1,
      'not a road for vehicles': 1,
      'no highway tag': 1,
      'bad maxspeed': 1,
    });
    expect(CityModel.safeParse(city).success).toBe(true);
  });

  it('skips NaN coordinates, zero-area and square-kilometre footprints', () => {
    const nan = oneBuilding({ building: 'yes' });
    (nan.features[0].geometry.coordinates as number[][][])[0][1] = [NaN, 33.73];
    const flat = oneBuilding({ building: 'yes' }, 20, 0);
    const huge = oneBuilding({ building: 'yes' }, 1200, 1000);
    const good = oneBuilding({ building: 'yes' });
    const all = { type: 'FeatureCollection', features: [nan, flat, huge, good].map((fc) => fc.features[0]) };
    const { report } = importGeoJson({ id: 'x', buildings: all });
    expect(report.skipped.map((s) => [s.index, s.reason])).toEqual([
      [0, 'coordinates: expected numbers [lon, lat], got [NaN, 33.73]'],
      [1, 'footprint: 2 distinct points, need at least 3'],
      [2, 'footprint: area 1.20 km² is larger than 1 km²'],
    ]);
    expect(report.imported.buildings).toBe(1);
  });

  it('reads height strings in metres and feet, and rejects zero', () => {
    const heightOf = (height: unknown) => {
      const { city, report } = importGeoJson({ id: 'x', buildings: oneBuilding({ building: 'yes', height }) });
      return city.buildings[0]?.height ?? report.skipped[0]?.reason;
    };
    expect(heightOf('12.5m')).toBe(12.5);
    expect(heightOf(' 12 ')).toBe(12);
    expect(heightOf(12)).toBe(12);
    expect(heightOf('40 ft')).toBe(12.19);
    expect(() => importGeoJson({ id: 'x', buildings: oneBuilding({ height: '0' }) })).toThrow('height: expected metres above 0, got "0"');
  });

  it('fails with the first reason when no building survives', () => {
    let error: unknown;
    try {
      importGeoJson({ id: 'x', buildings: oneBuilding({ height: 'tall' }) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toBe(
      'importGeoJson: buildings: none of the 1 features could be imported (feature 0: height: expected metres, got "tall")',
    );
    expect((error as ImportError).report?.skipped).toHaveLength(1);
  });
});

describe('importGeoJson: whole-file errors', () => {
  it('rejects a layer that is not a FeatureCollection with one clear message', () => {
    expect(() => importGeoJson({ id: 'x', buildings: { type: 'Topology', objects: {} } })).toThrow(
      new ImportError('importGeoJson: buildings: not a GeoJSON FeatureCollection (got type "Topology")'),
    );
    expect(() => importGeoJson({ id: 'x', buildings: [] })).toThrow('importGeoJson: buildings: not a GeoJSON FeatureCollection (got an array)');
    expect(() => importGeoJson({ id: 'x', buildings: fixture('buildings.geojson'), roads: 'roads' })).toThrow(
      'importGeoJson: roads: not a GeoJSON FeatureCollection (got a string)',
    );
    expect(() => importGeoJson({ id: 'x', buildings: { type: 'FeatureCollection' } })).toThrow(
      'importGeoJson: buildings: FeatureCollection has no "features" array',
    );
    expect(() => importGeoJson({ id: 'x', buildings: { type: 'FeatureCollection', features: [] } })).toThrow(
      'importGeoJson: buildings: the FeatureCollection has no features',
    );
  });

  it('rejects a bad city id or origin before reading features', () => {
    expect(() => importGeoJson({ id: '../etc', buildings: fixture('buildings.geojson') })).toThrow(/importGeoJson: id: "\.\.\/etc" is not a city id/);
    expect(() => importGeoJson({ id: 'x', buildings: fixture('buildings.geojson'), origin: { lon: 113.3, lat: 95 } })).toThrow(
      /importGeoJson: origin: expected lon within -180\.\.180 and lat within -90\.\.90, got 113\.3,95/,
    );
  });

  it('uses a given origin', () => {
    const { city } = importGeoJson({ id: 'x', buildings: oneBuilding({}), origin: { lon: 113.3, lat: 33.73 } });
    expect(city.origin).toEqual({ lon: 113.3, lat: 33.73, height: 0 });
    expect(city.buildings[0].footprint[0]).toContainEqual([0, 0]);
  });
});

describe('city CLI', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-city-cli-'));
    dirs.push(dir);
    return dir;
  };
  const captureIo = (): CliIo & { out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, log: (l) => out.push(l), error: (l) => err.push(l) };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the file that is not JSON, or that does not exist', () => {
    const dir = tempDir();
    const notJson = path.join(dir, 'x.geojson');
    fs.writeFileSync(notJson, 'building,height\nA,12\n');
    expect(() => readGeoJsonFile(notJson)).toThrow(new RegExp(`^city import: ${notJson} is not valid JSON \\(Unexpected token .+\\)$`));
    expect(() => readGeoJsonFile(path.join(dir, 'missing.geojson'))).toThrow(`city import: ${path.join(dir, 'missing.geojson')} does not exist`);
    expect(readGeoJsonFile(path.join(FIXTURES, 'pois.geojson'))).toMatchObject({ type: 'FeatureCollection' });
  });

  it('imports into the data dir and prints the summary; a bad file writes nothing', async () => {
    const dataDir = tempDir();
    const io = captureIo();
    const args = ['import', '--buildings', path.join(FIXTURES, 'buildings-bad.geojson'), '--roads', path.join(FIXTURES, 'roads.geojson')];
    expect(await runCityCli([...args, '--id', 'demo', '--data-dir', dataDir, '--no-build'], io)).toBe(0);
    expect(io.out[0]).toBe('imported: 5 buildings, 7 roads, 0 points of interest');
    expect(io.out).toContain('  buildings #3: height: expected metres, got "tall"');
    expect(fs.readdirSync(path.join(dataDir, 'cities'))).toEqual(['demo.json']);

    const bad = captureIo();
    const notJson = path.join(dataDir, 'roads.geojson');
    fs.writeFileSync(notJson, '<osm></osm>');
    const code = await runCityCli(['import', '--buildings', path.join(FIXTURES, 'buildings.geojson'), '--roads', notJson, '--id', 'other', '--data-dir', dataDir], bad);
    expect(code).toBe(1);
    expect(bad.err).toEqual([expect.stringMatching(/^city import: .*roads\.geojson is not valid JSON \(/)]);
    expect(fs.readdirSync(path.join(dataDir, 'cities'))).toEqual(['demo.json']);
  });
});
