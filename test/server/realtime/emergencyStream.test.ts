import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { EmergencySummary } from '../../../server/protocol/EmergencySummary.ts';
import type { AlertEvent, ServerEvent } from '../../../server/protocol/events.ts';
import { startServer } from '../../../server/startServer.ts';
import { engineRegistry } from '../../../server/sim/engineRegistry.ts';
import { RunStore } from '../../../server/store/RunStore.ts';
import { emergencyCity } from '../sim/emergency/emergencyCity.ts';
import { createHello } from '../../../server/protocol/controls.ts';
import { signInAs } from '../../helpers/signIn.ts';
import { api, connect, request, waitFor, type TestServer, type TwinClient } from './realtimeHarness.ts';

const city = emergencyCity();
const tower = [...city.buildings].sort((a, b) => b.floors - a.floors)[0];

/** A drill in the small city: a tower fire and a chlorine leak a minute in, with traffic and air. */
const DRILL = `id: drill
title: { zh: 演练, en: Drill }
description: { zh: 小城市应急演练, en: An emergency drill in the small city }
city: smallcity
start: "2026-03-16T03:00:00+08:00"
duration: "01:00:00"
seed: 5
engines:
  traffic: { dailyTrips: 20000, busLines: 0 }
  environment:
    cellM: 50
    stacks: []
    weather: [{ hour: 0, windFromDeg: 270, windSpeedMs: 2, cloudOktas: 8, temperatureC: 10, mixingHeightM: 600, stability: D }]
  emergency: {}
timeline:
  - { at: "T+00:01:00", kind: emergency.fire, params: { buildingId: ${tower.id} } }
  - { at: "T+00:01:00", kind: emergency.chemical_release, params: { at: { x: -500, y: 0 }, chemical: chlorine, kgPerS: 0.5, durationS: 1200 } }
`;

let t: TestServer;
let client: TwinClient;
let director: string;
beforeAll(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-emergency-'));
  const dir = path.join(tmp, 'scenarios');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'drill.yaml'), DRILL);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data' }, tmp);
  const store = new RunStore(':memory:', { flushIntervalMs: 100 });
  const server = await startServer(config, { cities: [city], build: false, clientDir: path.join(tmp, 'no-client'), store, runs: { scenariosDir: dir, registry: engineRegistry, liveScenarioId: null } });
  const manager = server.realtime?.manager;
  if (!manager) throw new Error('no realtime');
  if (manager.scenarioErrors.length) throw new Error(manager.scenarioErrors.join('\n'));
  t = {
    server,
    url: server.url,
    store,
    manager,
    cookie: await signInAs(server, 'director'),
    async close() {
      await server.close();
      store.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  director = t.cookie;
  client = connect(t.url, createHello({ client: 'test' }), director);
});
afterAll(async () => {
  client.disconnect();
  await t.close();
});

describe('the emergency twin over the wire', () => {
  it('streams incidents and alerts to every screen, answers them over HTTP with zones as GeoJSON, and records them', async () => {
    const summaries: EmergencySummary[] = [];
    const alerts: AlertEvent[] = [];
    client.on('emergency', (_runId, s) => summaries.push(EmergencySummary.parse(s)));
    client.on('event', (e: ServerEvent) => {
      if (e.type === 'alert') alerts.push(e);
    });
    const created = await request<{ ok: boolean; result: { runId: string } }>(client, 'createRun', { scenarioId: 'drill' });
    expect(created.ok).toBe(true);
    const runId = created.result.runId;
    await request(client, 'join', { runId });
    // Two departments watch the same drill: the health commission owns the hospitals' beds, the fire
    // service's grant masks them (the default grants).
    const health = connect(t.url, createHello({ client: 'test' }), await signInAs(t.server, 'operator', { department: 'health' }));
    const fire = connect(t.url, createHello({ client: 'test' }), await signInAs(t.server, 'operator', { department: 'fire_rescue' }));
    const seen = { health: [] as EmergencySummary[], fire: [] as string[] };
    health.on('emergency', (_runId, summary) => seen.health.push(summary));
    fire.on('emergency', (_runId, summary) => seen.fire.push(JSON.stringify(summary)));
    await request(health, 'join', { runId });
    await request(fire, 'join', { runId });
    await request(client, 'speed', { runId, factor: 'max' });
    const last = await waitFor(() => summaries.find((s) => s.incidents.length === 2 && s.incidents[1].zones.some((z) => z.kind === 'aegl1' && z.areaM2 > 0) && s.incidents[0].units.some((u) => u.arrivedAtMs !== null)), 'two incidents with a threat zone and a unit on scene', 60_000);
    expect(last.incidents.map((i) => i.kind)).toEqual(['fire', 'chemical']);
    await waitFor(() => alerts.some((a) => a.messageKey === 'alert.incident.fire') && alerts.some((a) => a.messageKey === 'alert.incident.chemical'), 'an alert for each new incident');
    await request(client, 'pause', { runId });

    // The masked field never reaches the fire service's screen, in any frame; the owner gets it.
    await waitFor(() => seen.health.length >= 3 && seen.fire.length >= 3, 'emergency summaries on both departments\' screens');
    expect(seen.health.at(-1)?.hospitals[0]).toMatchObject({ id: 'H-1', beds: 200, bedsFree: expect.any(Number) });
    expect(seen.health.at(-1)?.withheld).toBeUndefined();
    for (const frame of seen.fire) {
      expect(frame).not.toContain('bedsFree');
      expect((JSON.parse(frame) as EmergencySummary).hospitals).toEqual([]);
      // …and says so, so the screen shows the beds as withheld, not as none.
      expect((JSON.parse(frame) as EmergencySummary).withheld).toEqual(['beds']);
    }
    const fireCookie = await signInAs(t.server, 'operator', { department: 'fire_rescue' });
    const fireHospitals = await api(t.url, 'GET', `/api/runs/${runId}/hospitals`, undefined, fireCookie);
    expect(JSON.stringify(fireHospitals.body)).not.toContain('bedsFree');
    health.disconnect();
    fire.disconnect();

    const incidents = await api(t.url, 'GET', `/api/runs/${runId}/incidents`);
    expect(incidents.status).toBe(200);
    const list = incidents.body.incidents as { id: string; kind: string; level: string; lon: number; lat: number; zones: { type: string; features: { geometry: { type: string; coordinates: number[][][][] }; properties: { kind: string } }[] }; units: { id: string; etaS: number; dispatchedAtMs: number }[] }[];
    expect(list.map((i) => i.id)).toEqual(['INC-001', 'INC-002']);
    const chem = list[1];
    expect(chem.zones.type).toBe('FeatureCollection');
    const aegl1 = chem.zones.features.find((f) => f.properties.kind === 'aegl1');
    expect(aegl1?.geometry.type).toBe('MultiPolygon');
    // Coordinates in degrees near the city's origin (113.29° E, 33.74° N).
    const [lon, lat] = aegl1?.geometry.coordinates[0][0][0] ?? [0, 0];
    expect(Math.abs(lon - city.origin.lon)).toBeLessThan(0.02);
    expect(Math.abs(lat - city.origin.lat)).toBeLessThan(0.02);
    expect(list[0].units.length).toBeGreaterThan(0);
    expect(list[0].units[0]).toMatchObject({ id: 'U001', etaS: expect.any(Number), dispatchedAtMs: 60_000 });

    const shelters = await api(t.url, 'GET', `/api/runs/${runId}/shelters`);
    expect((shelters.body.shelters as { id: string; capacity: number; free: number }[]).map((s) => s.id)).toEqual(['S-1', 'S-2', 'S-3']);
    const hospitals = await api(t.url, 'GET', `/api/runs/${runId}/hospitals`);
    expect((hospitals.body.hospitals as { id: string; beds: number; bedsFree: number }[])[0]).toMatchObject({ id: 'H-1', beds: 200 });
    const flood = await api(t.url, 'GET', `/api/runs/${runId}/flood`);
    expect(flood.status).toBe(404);
    expect((flood.body.error as { message: string }).message).toMatch(/no flood engine/);
    const none = await api(t.url, 'GET', '/api/runs/nope/incidents');
    expect(none.status).toBe(404);

    // Recorded: summaries and alerts are in the run's recording for replays.
    const storeRunId = t.manager.get(runId)?.storeRunId as number;
    await new Promise((r) => setTimeout(r, 300));
    expect(t.store.lastEvent(storeRunId, 'emergency', Number.MAX_SAFE_INTEGER)).toBeDefined();
    expect(t.store.lastEvent(storeRunId, 'alert', Number.MAX_SAFE_INTEGER)).toBeDefined();
  });

  it('compares emergency figures in a what-if: a closed road shows in closed road-km, responses and people in the AEGL-2 zone are compared', async () => {
    const link = city.roads.links[0];
    const posted = await api(t.url, 'POST', '/api/whatif', { scenarioId: 'drill', changes: [{ atMs: 30_000, kind: 'traffic.close_link', params: { linkId: link.id } }], untilMs: 6 * 60_000 }, director);
    expect(posted.status).toBe(201);
    const id = posted.body.id as string;
    let done = (await api(t.url, 'GET', `/api/whatif/${id}`)).body;
    for (const until = Date.now() + 60_000; done.status === 'running' && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await api(t.url, 'GET', `/api/whatif/${id}`)).body;
    }
    expect(done.error).toBeNull();
    expect(done.figures).toEqual({ traffic: true, air: true, emergency: true });
    const deltas = done.deltas as { emergency: { closedRoadKm: number; meanResponseS: number | null; peopleInAegl2: number; casualties: number } };
    expect(deltas.emergency.closedRoadKm).toBeCloseTo(link.length / 1000, 3);
    expect(Object.keys(deltas.emergency).sort()).toEqual(['casualties', 'clearanceS', 'closedRoadKm', 'meanResponseS', 'peopleInAegl2']);
    expect((done.baseline as { emergency: { meanResponseS: number } }).emergency.meanResponseS).toBeGreaterThan(0);
  });
});
