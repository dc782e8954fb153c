import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { Dashboard } from '../../server/protocol/Dashboard.ts';
import { engineRegistry } from '../../server/sim/engineRegistry.ts';
import { startServer, type RunningServer } from '../../server/startServer.ts';
import { RunStore } from '../../server/store/RunStore.ts';
import { signInAs } from '../helpers/signIn.ts';
import { api, waitFor } from './realtime/realtimeHarness.ts';
import { emergencyCity } from './sim/emergency/emergencyCity.ts';

const city = emergencyCity();
const tower = [...city.buildings].sort((a, b) => b.floors - a.floors)[0];
const START = '2026-03-16T03:00:00+08:00';

/** A scenario in the small city with `engines`, 1 h from 03:00. */
const scenario = (id: string, engines: string, timeline = '[]') => `id: ${id}
title: { zh: ${id}, en: ${id} }
description: { zh: 小城市, en: The small city }
city: smallcity
start: "${START}"
duration: "01:00:00"
seed: 5
engines:
${engines}
timeline: ${timeline}
`;
const TRAFFIC = '  traffic: { dailyTrips: 20000, busLines: 0 }';
/** Traffic, air and emergencies: a tower fire and a chlorine leak a minute in. */
const DRILL = scenario(
  'drill',
  `${TRAFFIC}
  environment:
    cellM: 50
    stacks: []
    weather: [{ hour: 0, windFromDeg: 270, windSpeedMs: 2, cloudOktas: 8, temperatureC: 10, mixingHeightM: 600, stability: D }]
  emergency: {}`,
  `
  - { at: "T+00:01:00", kind: emergency.fire, params: { buildingId: ${tower.id} } }
  - { at: "T+00:01:00", kind: emergency.chemical_release, params: { at: { x: -500, y: 0 }, chemical: chlorine, kgPerS: 0.5, durationS: 1200 } }`,
);

let server: RunningServer;
let store: RunStore;
let tmp: string;
let director: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-dashboard-'));
  const dir = path.join(tmp, 'scenarios');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'drill.yaml'), DRILL);
  fs.writeFileSync(path.join(dir, 'roads.yaml'), scenario('roads', TRAFFIC));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: 'tilesets', DATA_DIR: 'data', YT_LIVE_CLOCK: 'scenario' }, tmp);
  store = new RunStore(':memory:', { flushIntervalMs: 100 });
  server = await startServer(config, { cities: [city], build: false, clientDir: path.join(tmp, 'no-client'), store, runs: { scenariosDir: dir, registry: engineRegistry, liveScenarioId: null } });
  if (server.realtime?.manager.scenarioErrors.length) throw new Error(server.realtime.manager.scenarioErrors.join('\n'));
  director = await signInAs(server, 'director');
});
afterAll(async () => {
  await server.close();
  store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Starts a run of `scenarioId` at top speed as the director; answers its id. */
async function startRun(scenarioId: string): Promise<string> {
  const made = await api(server.url, 'POST', '/api/runs', { scenarioId }, director);
  expect(made.status).toBe(201);
  const runId = (made.body.state as { runId: string }).runId;
  expect((await api(server.url, 'POST', `/api/runs/${runId}/control`, { action: 'speed', factor: 'max' }, director)).status).toBe(200);
  return runId;
}

async function dashboard(runId: string, cookie = director): Promise<Dashboard> {
  const answer = await api(server.url, 'GET', `/api/runs/${runId}/dashboard`, undefined, cookie);
  expect(answer.status).toBe(200);
  return Dashboard.parse(answer.body);
}

describe('GET /api/runs/:id/dashboard', () => {
  it('gives the leaders every figure of a run with traffic, air and emergencies, each with its 24-hour trend, and a viewer without units, shelters and beds gets them withheld', async () => {
    const runId = await startRun('drill');
    // Half an hour in: both incidents open, units dispatched, six 5-minute points in every history.
    await waitFor(() => (server.realtime?.manager.get(runId)?.state.simTimeMs ?? 0) >= 30 * 60_000, 'the drill half an hour in', 60_000);
    expect((await api(server.url, 'POST', `/api/runs/${runId}/control`, { action: 'pause' }, director)).status).toBe(200);

    const d = await dashboard(runId);
    expect(d.runId).toBe(runId);
    expect(d.startEpochMs).toBe(Date.parse(START));
    expect(d.simTimeMs).toBe(server.realtime?.manager.get(runId)?.state.simTimeMs);
    expect(d.traffic).toMatchObject({ index: expect.any(Number), vehicles: expect.any(Number) });
    expect(d.traffic?.worstRoads.length).toBeLessThanOrEqual(5);
    for (const road of d.traffic?.worstRoads ?? []) {
      expect(city.roads.links.some((l) => l.id === road.linkId)).toBe(true);
      expect(Math.abs(road.lon - city.origin.lon)).toBeLessThan(0.03);
      expect(Math.abs(road.lat - city.origin.lat)).toBeLessThan(0.03);
    }
    expect(d.air?.aqi).toBeGreaterThan(0);
    expect(d.air?.weather.windSpeedMs).toBeGreaterThan(0);
    expect(d.incidents?.map((i) => i.kind).sort()).toEqual(['chemical', 'fire']);
    expect(d.incidents?.[0].title.zh).not.toBe('');
    // Highest response level first.
    const levels = d.incidents?.map((i) => i.level) ?? [];
    expect(levels).toEqual([...levels].sort());
    const responders = d.responders;
    expect((responders?.enRoute ?? 0) + (responders?.onScene ?? 0)).toBeGreaterThan(0);
    expect(responders?.etas.length).toBe(responders?.enRoute);
    expect(d.shelters?.capacity).toBeGreaterThan(0);
    expect(d.hospitals?.beds).toBeGreaterThanOrEqual(200);
    expect(d.hospitals?.freeBeds).toBeLessThanOrEqual(d.hospitals?.beds ?? 0);
    for (const [name, points] of Object.entries(d.trends)) {
      expect(points.length, name).toBeGreaterThanOrEqual(6);
      expect(points.map((p) => p.simTimeMs), name).toEqual([...points.map((p) => p.simTimeMs)].sort((a, b) => a - b));
    }
    expect(d.trends.incidents.at(-1)?.value).toBe(2);
    expect(d.trends.incidents[0].value).toBe(0);
    expect(d.withheld).toBeUndefined();

    // A viewer whose grants mask the units and shelters of the incidents and the hospitals' beds.
    const auth = server.trust.store;
    for (const g of auth.listGrants()) if (g.grantee.kind === 'role' && g.grantee.id === 'viewer' && (g.layer === 'emergency.incidents' || g.layer === 'health.hospitals')) auth.removeGrant(g.id);
    auth.addGrant('emergency.incidents', { kind: 'role', id: 'viewer' }, ['units', 'shelters'], 'test');
    auth.addGrant('health.hospitals', { kind: 'role', id: 'viewer' }, ['beds', 'casualties'], 'test');
    server.trust.changed();
    const viewer = await signInAs(server, 'viewer');
    const raw = await api(server.url, 'GET', `/api/runs/${runId}/dashboard`, undefined, viewer);
    const masked = Dashboard.parse(raw.body);
    expect(masked.withheld).toEqual(['units', 'shelters', 'beds']);
    expect(masked.responders).toBeNull();
    expect(masked.shelters).toBeNull();
    expect(masked.hospitals).toBeNull();
    expect(masked.trends.respondersEnRoute).toEqual([]);
    expect(masked.trends.shelterOccupancy).toEqual([]);
    expect(masked.trends.freeBeds).toEqual([]);
    expect(JSON.stringify(raw.body)).not.toMatch(/unitId|"freeBeds":\d|"occupancy"/);
    // The incidents themselves and the city's figures stay.
    expect(masked.incidents).toEqual(d.incidents);
    expect(masked.traffic).toEqual(d.traffic);
    expect(masked.trends.incidents).toEqual(d.trends.incidents);
  });

  it('leaves out (null) what the run has no engine for', async () => {
    const runId = await startRun('roads');
    await waitFor(() => (server.realtime?.manager.get(runId)?.state.simTimeMs ?? 0) >= 10 * 60_000, 'the roads run 10 minutes in', 60_000);
    const d = await dashboard(runId);
    expect(d.traffic).not.toBeNull();
    expect(d.trends.trafficIndex.length).toBeGreaterThanOrEqual(2);
    expect(d).toMatchObject({ air: null, incidents: null, responders: null, shelters: null, hospitals: null });
    expect(d.trends).toMatchObject({ aqi: [], incidents: [], respondersEnRoute: [], shelterOccupancy: [], freeBeds: [] });
  });

  it('answers 404 naming the run for an unknown run', async () => {
    const answer = await api(server.url, 'GET', '/api/runs/no-such-run/dashboard', undefined, director);
    expect(answer.status).toBe(404);
    expect((answer.body.error as { code: string; message: string }).message).toBe('GET /api/runs/:id/dashboard: no run "no-such-run"');
  });
});
