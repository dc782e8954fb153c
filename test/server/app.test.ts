import { AuditLog } from '../../server/audit/AuditLog.ts';
import { AuthStore } from '../../server/auth/AuthStore.ts';
import { Trust } from '../../server/auth/Trust.ts';
import { allowedHostNames } from '../../server/http/hostCheck.ts';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRoads, terrainHeightAt } from '../../client/twin/traffic/roads.ts';
import { CityModel } from '../../server/city/CityModel.ts';
import { loadConfig } from '../../server/config.ts';
import { httpErrors } from '../../server/httpErrors.ts';
import { startServer, type RunningServer } from '../../server/startServer.ts';

const ORIGIN = { lon: 113.1925, lat: 33.7662, height: 85 };

/** A tiny but complete city, validated by the shared schema. */
function testCity(id = 'testville'): CityModel {
  const square = (x: number, y: number, s: number) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];
  const districts = ['xinhua', 'weidong', 'zhanhe'].map((d, i) => ({
    id: d,
    name: { zh: ['新华区', '卫东区', '湛河区'][i], en: ['Xinhua', 'Weidong', 'Zhanhe'][i] },
    polygon: [square(-1000 + i * 700, -1000, 650)],
  }));
  const cells = [];
  for (let row = 0; row < 4; row++) for (let col = 0; col < 4; col++) cells.push({ id: `G${row}${col}`, col, row, district: 'xinhua' });
  return CityModel.parse({
    id,
    name: { zh: '测试城', en: 'Testville' },
    synthetic: true,
    origin: ORIGIN,
    extent: { minX: -1000, minY: -1000, maxX: 1000, maxY: 1000 },
    districts,
    grid: { originX: -1000, originY: -1000, cellSize: 500, cols: 4, rows: 4, cells },
    buildings: [
      { id: 'B000001', name: '鹰城广场', footprint: [square(0, 0, 20)], base: 0, height: 30, floors: 10, use: 'commercial', district: 'xinhua', grid: 'G22' },
      { id: 'B000002', name: '', footprint: [square(100, 100, 10)], base: 1, height: 12, floors: 4, use: 'residential', district: 'xinhua', grid: 'G22' },
    ],
    roads: {
      nodes: [
        { id: 'N1', x: 0, y: -50, signalised: true },
        { id: 'N2', x: 200, y: -50, signalised: false },
      ],
      links: [{ id: 'L1', from: 'N1', to: 'N2', class: 'arterial', lanes: 2, speedLimitKmh: 50, capacityVph: 1800, name: '建设路', geometry: [[0, -50], [200, -50]], length: 200 }],
    },
    water: [],
    green: [],
    terrain: { originX: -1000, originY: -1000, cellSize: 1000, cols: 3, rows: 3, heights: [0, 0, 0, 0, 0, 0, 0, 0, 0] },
    pois: [
      { id: 'P1', kind: 'hospital', name: { zh: '市第一人民医院', en: 'First People’s Hospital' }, x: 300, y: 400, node: 'N2', beds: 800 },
      { id: 'P2', kind: 'fire_station', name: { zh: '消防站', en: 'Fire station' }, x: -300, y: 100, node: 'N1' },
      { id: 'P3', kind: 'hospital', name: { zh: '中医院', en: 'TCM Hospital' }, x: 500, y: -400, node: 'N2', beds: 300 },
    ],
  });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(base: string, urlPath: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function json(answer: Answer): Record<string, unknown> {
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
}

describe('createApp over HTTP', () => {
  let tmp: string;
  let server: RunningServer;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-app-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data' }, tmp);
    server = await startServer(config, { cities: [testCity()], build: false, clientDir: path.join(tmp, 'no-client') });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reports health with version, uptime and the number of cities', async () => {
    const body = json(await get(server.url, '/api/health'));
    expect(body.status).toBe('ok');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.uptimeSeconds).toBe('number');
    expect(body.cities).toBe(1);
  });

  it('lists the cities with their tileset URLs', async () => {
    const body = json(await get(server.url, '/api/cities')) as { cities: Record<string, unknown>[] };
    expect(body.cities).toHaveLength(1);
    expect(body.cities[0]).toMatchObject({
      id: 'testville',
      name: { zh: '测试城', en: 'Testville' },
      synthetic: true,
      origin: ORIGIN,
      buildings: 2,
      tilesets: { buildings: '/tiles/testville/tileset.json', ground: '/tiles/testville/ground.json' },
    });
  });

  it('describes a city in lon/lat: bounds around the origin, districts, grid and points of interest', async () => {
    const d = json(await get(server.url, '/api/cities/testville')) as {
      bounds: { west: number; south: number; east: number; north: number };
      counts: Record<string, unknown>;
      districts: { id: string; name: { zh: string }; polygon: [number, number][][] }[];
      grid: { origin: { lon: number; lat: number }; cellSize: number; cols: number; rows: number; cells: unknown[] };
      pois: { id: string; lon: number; lat: number; beds?: number }[];
      tilesets: Record<string, string>;
    };
    // ±1 km around the origin: about ±0.0108° of longitude and ±0.009° of latitude at 33.8° N.
    expect(d.bounds.west).toBeCloseTo(ORIGIN.lon - 0.01077, 3);
    expect(d.bounds.east).toBeCloseTo(ORIGIN.lon + 0.01077, 3);
    expect(d.bounds.south).toBeCloseTo(ORIGIN.lat - 0.00902, 3);
    expect(d.bounds.north).toBeCloseTo(ORIGIN.lat + 0.00902, 3);
    expect(d.counts).toEqual({ buildings: 2, roadNodes: 2, roadLinks: 1, districts: 3, gridCells: 16, pois: { hospital: 2, fire_station: 1 } });

    expect(d.districts.map((x) => x.name.zh)).toEqual(['新华区', '卫东区', '湛河区']);
    for (const [lon, lat] of d.districts[0].polygon[0]) {
      expect(lon).toBeGreaterThanOrEqual(d.bounds.west);
      expect(lon).toBeLessThanOrEqual(d.bounds.east);
      expect(lat).toBeGreaterThanOrEqual(d.bounds.south);
      expect(lat).toBeLessThanOrEqual(d.bounds.north);
      // Rounded to 1e-7 degrees.
      expect(Math.round(lon * 1e7) / 1e7).toBe(lon);
    }
    expect(d.grid).toMatchObject({ cellSize: 500, cols: 4, rows: 4 });
    expect(d.grid.cells).toHaveLength(16);
    // The grid starts at the south-west corner (the west bound is a little further west, at the north-west corner).
    expect(d.grid.origin.lon).toBeCloseTo(d.bounds.west, 4);
    expect(d.grid.origin.lat).toBeCloseTo(d.bounds.south, 5);

    const hospital = d.pois.find((p) => p.id === 'P1')!;
    expect(hospital.beds).toBe(800);
    expect(hospital.lon).toBeGreaterThan(ORIGIN.lon);
    expect(hospital.lat).toBeGreaterThan(ORIGIN.lat);
    expect(d.tilesets.buildings).toBe('/tiles/testville/tileset.json');
  });

  it('compresses API JSON for clients that accept it, with an ETag and 304', async () => {
    const plain = await get(server.url, '/api/cities/testville');
    const br = await get(server.url, '/api/cities/testville', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length);
    const again = await get(server.url, '/api/cities/testville', { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves the road links for the traffic overlay in link-frame order, on the terrain, as the client reads them', async () => {
    const body = json(await get(server.url, '/api/cities/testville/roads'));
    const roads = parseRoads(body);
    expect(roads).toMatchObject({ city: 'testville', count: 1, ids: ['L1'], names: ['建设路'], classes: ['arterial'] });
    expect(Array.from(roads.lanes)).toEqual([2]);
    expect(Array.from(roads.widths)).toEqual([7]);
    // A one-way link keeps its centre line; lifted above the road surface (0.25 m) by 0.65 m.
    expect(Array.from(roads.starts)).toEqual([0, 2]);
    expect(Array.from(roads.points)).toEqual([0, -50, 0.9, 200, -50, 0.9].map(Math.fround));
    expect(roads.indexOf.get('L1')).toBe(0);
    expect(roads.terrain).toMatchObject({ cols: 3, rows: 3, cellSize: 1000 });
    expect(terrainHeightAt(roads.terrain, 0, 0)).toBe(0);
    expect(() => parseRoads({ ...(body as object), starts: [0, 5] })).toThrow('roads: field "points" has 6 numbers for 5 points');
  });

  it('returns one building with its lon/lat centroid', async () => {
    const b = json(await get(server.url, '/api/cities/testville/buildings/B000001')) as Record<string, unknown> & { centroid: { lon: number; lat: number } };
    expect(b).toMatchObject({ id: 'B000001', name: '鹰城广场', height: 30, floors: 10, use: 'commercial', district: 'xinhua' });
    // The footprint is (0..20, 0..20) m: its centre lies 10 m east and north of the origin.
    expect(b.centroid.lon).toBeCloseTo(ORIGIN.lon + 10 / 92_700, 6);
    expect(b.centroid.lat).toBeCloseTo(ORIGIN.lat + 10 / 110_900, 6);
  });

  it('answers an unknown building, city or route with a JSON 404 that names it', async () => {
    const building = await get(server.url, '/api/cities/testville/buildings/B999');
    expect(building.status).toBe(404);
    expect(json(building)).toEqual({ error: { code: 'not_found', message: 'building "B999" not found in city "testville"' } });

    const city = await get(server.url, '/api/cities/x');
    expect(city.status).toBe(404);
    expect(json(city)).toEqual({ error: { code: 'not_found', message: 'city "x" not found' } });

    const route = await get(server.url, '/api/nothing-here');
    expect(route.status).toBe(404);
    expect((json(route) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('answers a wrong or unknown method on an API route with a JSON 405 or 501', async () => {
    const response = await fetch(`${server.url}/api/cities`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
    expect(await response.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining('DELETE is not allowed on /api/cities') } });
    const unknown = await fetch(`${server.url}/api/cities`, { method: 'PROPFIND' });
    expect(unknown.status).toBe(501);
    expect(await unknown.json()).toEqual({ error: { code: 'not_implemented', message: 'PROPFIND is not implemented' } });
  });

  it('serves a bilingual page at / while the web client is not built', async () => {
    const page = await get(server.url, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.body.toString('utf8');
    expect(html).toContain('服务器正在运行');
    expect(html).toContain('The server is running');
    expect(html).toContain('href="/api/cities"');
    expect(html).toContain('/tiles/testville/tileset.json');
  });
});

describe('createApp with a built web client', () => {
  it('serves dist/client at / and its files', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-app-client-'));
    const { createApp } = await import('../../server/app.ts');
    fs.mkdirSync(path.join(tmp, 'client', 'assets'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'client', 'index.html'), '<!doctype html><title>twin</title>');
    fs.writeFileSync(path.join(tmp, 'client', 'assets', 'app.js'), 'console.log(1)');
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1' }, tmp);
    const trust = new Trust(new AuthStore(':memory:'), new AuditLog(':memory:'), { anonymous: 'viewer', allowedOrigins: [] });
    const app = createApp({ config, cities: [testCity()], clientDir: path.join(tmp, 'client'), trust, allowedHosts: allowedHostNames(config) });
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await get(base, '/')).body.toString()).toContain('<title>twin</title>');
      const js = await get(base, '/assets/app.js');
      expect(js.headers['content-type']).toMatch(/^text\/javascript/);
      expect((await get(base, '/api/cities')).status).toBe(200);
      expect((await get(base, '/missing.js')).status).toBe(404);
      // A view's own address (reloaded, bookmarked) opens the app; API and tile misses stay JSON 404s.
      const three = await get(base, '/three');
      expect(three.status).toBe(200);
      expect(three.body.toString()).toContain('<title>twin</title>');
      const api = await get(base, '/api/nothing');
      expect(api.status).toBe(404);
      expect(api.headers['content-type']).toMatch(/json/);
      expect((await get(base, '/tiles/nothing')).status).toBe(404);
    } finally {
      server.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('httpErrors', () => {
  it('answers a failure inside a handler with a generic 500 JSON body and no stack, and logs it', async () => {
    const app = new Koa();
    const logged: Error[] = [];
    app.on('error', (error: Error) => logged.push(error));
    app.use(httpErrors());
    app.use(() => {
      throw new Error('secret database password in /srv/db.conf');
    });
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const answer = await get(`http://127.0.0.1:${(server.address() as { port: number }).port}`, '/boom');
      expect(answer.status).toBe(500);
      const text = answer.body.toString('utf8');
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: expect.any(String) } });
      expect(text).not.toContain('secret');
      expect(text).not.toContain('.ts:');
      expect(logged.map((e) => e.message)).toEqual(['secret database password in /srv/db.conf']);
    } finally {
      server.close();
    }
  });

  it('passes a 4xx message through as {error: {code, message}}', async () => {
    const app = new Koa();
    app.use(httpErrors());
    app.use((ctx) => ctx.throw(400, 'speed: expected a number, got "fast"'));
    const server = http.createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const answer = await get(`http://127.0.0.1:${(server.address() as { port: number }).port}`, '/');
      expect(answer.status).toBe(400);
      expect(json(answer)).toEqual({ error: { code: 'bad_request', message: 'speed: expected a number, got "fast"' } });
    } finally {
      server.close();
    }
  });
});

describe('startServer', () => {
  it('listens on a free port and close() resolves even with a keep-alive connection open', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-start-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1' }, tmp);
    const running = await startServer(config, { cities: [], build: false });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const agent = new http.Agent({ keepAlive: true });
      const answer = await new Promise<number>((resolve, reject) => {
        http.get(`${running.url}/api/health`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
      expect(answer).toBe(200);
      await running.close();
      await expect(fetch(`${running.url}/api/health`)).rejects.toThrow();
      agent.destroy();
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
