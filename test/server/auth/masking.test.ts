import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix, viewFor, viewKey } from '../../../server/auth/dataView.ts';
import { layersIn, maskAir, maskDashboard, maskEmergency, maskEvent, maskHttpAnswer, maskMessage, maskObjectDescription, MASKED_LEVEL_BASIS, objectFrames } from '../../../server/auth/masking.ts';
import { DATA_LAYER_IDS, type DataLayerId, type DataView, type Grant, type LayerAccess } from '../../../server/protocol/access.ts';
import { AirSummary } from '../../../server/protocol/AirSummary.ts';
import type { Dashboard } from '../../../server/protocol/Dashboard.ts';
import { EmergencySummary } from '../../../server/protocol/EmergencySummary.ts';
import type { ServerEvent } from '../../../server/protocol/events.ts';
import type { RunManager } from '../../../server/realtime/RunManager.ts';
import { emergencyAlerts } from '../../../server/realtime/streams/alerts.ts';
import { runsApi } from '../../../server/runsApi.ts';
import type { ObjectDescription } from '../../../server/sim/Engine.ts';
import type { RunStore } from '../../../server/store/RunStore.ts';

/** Freezes every object and array in `value`, so a masker that writes into its input throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** True when the JSON of `value` has the number `n` as a whole token (not inside a longer number). */
function mentions(value: unknown, n: number): boolean {
  const text = String(n).replace('.', '\\.');
  return new RegExp(`(?<![\\d.])${text}(?![\\d.])`).test(JSON.stringify(value));
}

const names = (zh: string, en: string) => ({ zh, en });

const AIR = deepFreeze(
  AirSummary.parse({
    simTimeMs: 600_000,
    standard: 'HJ 633-2012',
    aqi: 57,
    level: 2,
    primary: ['pm25'],
    concentrations: { pm25: 39.15, no2: 27.5 },
    meanGridAqi: 61.2,
    exposurePm25: 40.4,
    maxima: [{ pollutant: 'chlorine', value: 812.25, x: 120, y: -40 }],
    weather: { windFromDeg: 270, windSpeedMs: 2.5, stability: 'D', stabilityFixed: false, mixingHeightM: 600, cloudOktas: 8, temperatureC: 10.5, solarElevationDeg: 23.5 },
    stations: [
      { id: 'AQ-1', name: names('一号站', 'Station 1'), x: 0, y: 0, aqi: 59, level: 2, primary: ['pm25'], hourly: { pm25: 41.75, no2: 23.95 }, minute: { pm25: 58.35, no2: 31.15 }, daily: null },
      { id: 'AQ-2', name: names('二号站', 'Station 2'), x: 300, y: 200, aqi: 54, level: 2, primary: ['pm25'], hourly: { pm25: 36.55, no2: 31.05 }, minute: { pm25: 44.95, no2: 19.85 }, daily: { aqi: 52, level: 2, primary: ['pm25'] } },
    ],
    releases: [{ id: 'leak-1', substance: 'chlorine', x: 120, y: -40, heightM: 2, gPerS: 777.25, startMs: 60_000, endMs: null, active: true }],
  }),
);
const READINGS = [41.75, 23.95, 58.35, 31.15, 36.55, 31.05, 44.95, 19.85];

const EMERGENCY = deepFreeze(
  EmergencySummary.parse({
    simTimeMs: 600_000,
    incidents: [
      {
        id: 'INC-001',
        kind: 'fire',
        name: names('高楼火灾', 'Tower fire'),
        x: 250,
        y: -150,
        startedAtMs: 60_000,
        status: 'active',
        level: 'III',
        levelBasis: 'deaths 13, seriously injured 17 (Decree 493)',
        peopleAffected: 640,
        zones: [{ kind: 'evacuation', polygons: [[[[0, 0], [10, 0], [10, 10], [0, 0]]]], areaM2: 50, people: 640 }],
        units: [
          { id: 'F-1', kind: 'fire', station: 'FS-1', stationName: names('一中队', 'Station 1'), objectId: 9001, state: 'onScene', dispatchedAtMs: 60_000, etaS: 245.5, arrivedAtMs: 305_000, x: 250.5, y: -149.5, routeLinkIds: ['L-x1', 'L-x2'] },
          { id: 'A-1', kind: 'ambulance', station: 'H-1', stationName: names('第一医院', 'Hospital 1'), objectId: 9002, state: 'toHospital', dispatchedAtMs: 90_000, etaS: 310.5, arrivedAtMs: 400_000, x: 330.25, y: 120.75, routeLinkIds: ['L-x3'] },
        ],
        casualties: { deaths: 13, seriouslyInjured: 17, minorInjured: 29, transported: 19, waiting: 27 },
        hospitals: [{ id: 'H-1', patients: 19 }],
        responseTimeS: 245,
        responseStandardS: 300,
        buildingId: 'B-77',
        floors: 18,
        burningFloors: [9, 10],
        timeline: [
          { simTimeMs: 60_000, key: 'started.fire', params: { name: '高楼火灾' } },
          { simTimeMs: 60_000, key: 'dispatched', params: { unit: 'F-1', kind: 'fire', station: '一中队', etaS: 245.5 } },
          { simTimeMs: 450_000, key: 'toHospital', params: { unit: 'A-1', hospital: '第一医院', patients: 19 } },
        ],
      },
    ],
    evacuations: [
      { id: 'EV-1', incidentId: 'INC-001', order: 'evacuate', orderedAtMs: 120_000, people: 640, byCar: 200, onFoot: 440, leftZone: 600, atShelter: 480, noShelter: 20, clearAtMs: null, shelters: [{ id: 'S-1', people: 353 }, { id: 'S-2', people: 127 }] },
    ],
    shelters: [
      { id: 'S-1', name: names('一号避难所', 'Shelter 1'), x: 500, y: 0, capacity: 1250, occupancy: 353 },
      { id: 'S-2', name: names('二号避难所', 'Shelter 2'), x: -500, y: 0, capacity: 750, occupancy: 127 },
    ],
    hospitals: [
      { id: 'H-1', name: names('第一医院', 'Hospital 1'), x: 400, y: 400, beds: 487, bedsFree: 463 },
      { id: 'H-2', name: names('第二医院', 'Hospital 2'), x: -400, y: 400, beds: 96, bedsFree: 91 },
    ],
    stations: [{ id: 'FS-1', name: names('一中队', 'Station 1'), x: -200, y: 50, kind: 'fire', units: 4, available: 3 }],
    figures: { meanResponseS: 245, clearanceS: null, peopleInAegl2: 0, casualties: 59 },
  }),
);

const VEHICLE: ObjectDescription = deepFreeze({ id: 9001, kind: 'car', speedKmh: 37.5, linkId: 'L-5', street: '人民路', destinationLinkId: 'L-99', destinationStreet: '解放大道', travellingMinutes: 12.5 });

/** A view: every layer full but those given. */
function view(layers: Partial<Record<DataLayerId, LayerAccess>> = {}): DataView {
  return Object.fromEntries(DATA_LAYER_IDS.map((l) => [l, layers[l] ?? { access: 'full' }])) as DataView;
}
const masked = (...fields: string[]): LayerAccess => ({ access: 'masked', masked: fields });
const NONE: LayerAccess = { access: 'none' };

let nextGrant = 1;
function grant(layer: DataLayerId, kind: 'role' | 'department', id: string, maskedFields: string[] = []): Grant {
  return { id: nextGrant++, layer, grantee: { kind, id }, masked: maskedFields, grantedBy: 'admin', grantedAt: '2026-03-16T00:00:00Z' };
}

describe('viewFor', () => {
  it('shows a department its own layer in full and nothing else without grants', () => {
    const v = viewFor({ role: 'operator', department: 'environment' }, []);
    expect(v).toEqual({ 'traffic.vehicles': NONE, 'environment.stations': { access: 'full' }, 'health.hospitals': NONE, 'emergency.incidents': NONE });
  });

  it('gives a role its grant with the fields masked, and other roles nothing', () => {
    const grants = [grant('environment.stations', 'role', 'viewer', ['readings'])];
    expect(viewFor({ role: 'viewer', department: null }, grants)['environment.stations']).toEqual(masked('readings'));
    expect(viewFor({ role: 'planner', department: null }, grants)['environment.stations']).toEqual(NONE);
  });

  it('gives every role of a department its grant', () => {
    const grants = [grant('health.hospitals', 'department', 'emergency_management')];
    expect(viewFor({ role: 'operator', department: 'emergency_management' }, grants)['health.hospitals']).toEqual({ access: 'full' });
    expect(viewFor({ role: 'director', department: 'emergency_management' }, grants)['health.hospitals']).toEqual({ access: 'full' });
    expect(viewFor({ role: 'operator', department: 'fire_rescue' }, grants)['health.hospitals']).toEqual(NONE);
  });

  it('masks only what every matching grant masks: a further grant never shows less', () => {
    const byRole = grant('health.hospitals', 'role', 'operator', ['casualties', 'beds']);
    const byDept = grant('health.hospitals', 'department', 'fire_rescue', ['casualties']);
    const fire = { role: 'operator', department: 'fire_rescue' } as const;
    expect(viewFor(fire, [byRole])['health.hospitals']).toEqual(masked('beds', 'casualties'));
    expect(viewFor(fire, [byRole, byDept])['health.hospitals']).toEqual(masked('casualties'));
    // Each masks a different field: together they mask nothing.
    const readings = grant('environment.stations', 'role', 'operator', ['readings']);
    const sources = grant('environment.stations', 'department', 'fire_rescue', ['sources']);
    expect(viewFor(fire, [readings, sources])['environment.stations']).toEqual({ access: 'full' });
    expect(viewFor(fire, [readings, grant('environment.stations', 'role', 'operator')])['environment.stations']).toEqual({ access: 'full' });
  });

  it('leaves out masked names the layer does not have', () => {
    const grants = [grant('health.hospitals', 'role', 'viewer', ['bed', 'casualties'])];
    expect(viewFor({ role: 'viewer', department: null }, grants)['health.hospitals']).toEqual(masked('casualties'));
  });

  it('shows a locked-down anonymous visitor nothing, whatever the grants', () => {
    const grants = DATA_LAYER_IDS.map((l) => grant(l, 'department', 'environment'));
    const v = viewFor({ role: null, department: 'environment' }, grants);
    for (const l of DATA_LAYER_IDS) expect(v[l]).toEqual(NONE);
  });
});

describe('viewKey and accessMatrix', () => {
  it('keys equal views alike and different views apart', () => {
    const a = view({ 'health.hospitals': masked('beds', 'casualties'), 'traffic.vehicles': NONE });
    const b = view({ 'traffic.vehicles': NONE, 'health.hospitals': masked('casualties', 'beds') });
    expect(viewKey(a)).toBe(viewKey(b));
    expect(viewKey(a)).not.toBe(viewKey(view({ 'health.hospitals': masked('beds'), 'traffic.vehicles': NONE })));
    expect(viewKey(view())).not.toBe(viewKey(view({ 'traffic.vehicles': masked('trip') })));
    expect(viewKey(a).length).toBeLessThan(40);
  });

  it('tells what every role and every department sees', () => {
    const m = accessMatrix([grant('environment.stations', 'role', 'viewer', ['sources']), grant('health.hospitals', 'department', 'fire_rescue', ['beds'])]);
    expect(m.roles.viewer['environment.stations']).toEqual(masked('sources'));
    expect(m.roles.admin['environment.stations']).toEqual(NONE);
    expect(m.departments.environment['environment.stations']).toEqual({ access: 'full' });
    expect(m.departments.fire_rescue['health.hospitals']).toEqual(masked('beds'));
    expect(m.departments.health['health.hospitals']).toEqual({ access: 'full' });
    expect(Object.keys(m.departments)).toHaveLength(6);
  });
});

describe('maskAir', () => {
  it('leaves the summary as it is with the layer in full', () => {
    expect(maskAir(AIR, view())).toEqual(AIR);
  });

  it('empties the stations readings and nothing else with readings masked', () => {
    const out = maskAir(AIR, view({ 'environment.stations': masked('readings') }));
    expect(out).toEqual({ ...AIR, stations: AIR.stations.map((s) => ({ ...s, hourly: {}, minute: {} })) });
    expect(AirSummary.safeParse(out).success).toBe(true);
    for (const r of READINGS) {
      expect(mentions(AIR, r)).toBe(true);
      expect(mentions(out, r)).toBe(false);
    }
  });

  it('drops the releases and nothing else with sources masked', () => {
    const out = maskAir(AIR, view({ 'environment.stations': masked('sources') }));
    expect(out).toEqual({ ...AIR, releases: [] });
    expect(mentions(out, 777.25)).toBe(false);
  });

  it('drops stations and releases without the layer, keeping the city figures', () => {
    const out = maskAir(AIR, view({ 'environment.stations': NONE }));
    expect(out).toEqual({ ...AIR, stations: [], releases: [] });
    expect(out.aqi).toBe(57);
    expect(out.maxima).toEqual(AIR.maxima);
  });
});

describe('maskEmergency', () => {
  const inc = EMERGENCY.incidents[0];

  it('leaves the summary as it is with both layers in full', () => {
    expect(maskEmergency(EMERGENCY, view())).toEqual(EMERGENCY);
  });

  it('drops the hospitals and nothing else with beds masked', () => {
    const out = maskEmergency(EMERGENCY, view({ 'health.hospitals': masked('beds') }));
    expect(out).toEqual({ ...EMERGENCY, hospitals: [], withheld: ['beds'] });
    for (const n of [487, 463, 96, 91]) expect(mentions(out, n)).toBe(false);
  });

  it('hides casualties: zeroed, no hospitals, no basis, no timeline entry naming them, figure 0', () => {
    const out = maskEmergency(EMERGENCY, view({ 'health.hospitals': masked('casualties') }));
    expect(out).toEqual({
      ...EMERGENCY,
      incidents: [
        {
          ...inc,
          casualties: { deaths: 0, seriouslyInjured: 0, minorInjured: 0, transported: 0, waiting: 0 },
          hospitals: [],
          levelBasis: MASKED_LEVEL_BASIS,
          timeline: inc.timeline.filter((t) => t.key !== 'toHospital'),
        },
      ],
      figures: { ...EMERGENCY.figures, casualties: 0 },
      // The client shows these as withheld, not as zero casualties.
      withheld: ['casualties'],
    });
    expect(EmergencySummary.safeParse(out).success).toBe(true);
    for (const n of [13, 17, 29, 19, 27, 59]) {
      expect(mentions(EMERGENCY, n)).toBe(true);
      expect(mentions(out, n)).toBe(false);
    }
  });

  it('drops hospitals and casualties without the health layer', () => {
    const out = maskEmergency(EMERGENCY, view({ 'health.hospitals': NONE }));
    expect(out.hospitals).toEqual([]);
    expect(out.incidents[0].casualties.deaths).toBe(0);
    expect(out.figures.casualties).toBe(0);
    expect(out.incidents[0].units).toEqual(inc.units);
  });

  it('drops the units and nothing else with units masked', () => {
    const out = maskEmergency(EMERGENCY, view({ 'emergency.incidents': masked('units') }));
    expect(out).toEqual({ ...EMERGENCY, incidents: [{ ...inc, units: [] }], withheld: ['units'] });
    expect(JSON.stringify(out)).not.toMatch(/L-x1|330\.25|9002/);
  });

  it('drops the shelters and the evacuations per-shelter counts with shelters masked', () => {
    const out = maskEmergency(EMERGENCY, view({ 'emergency.incidents': masked('shelters') }));
    expect(out).toEqual({ ...EMERGENCY, shelters: [], evacuations: [{ ...EMERGENCY.evacuations[0], shelters: [] }], withheld: ['shelters'] });
    for (const n of [1250, 750, 353, 127]) expect(mentions(out, n)).toBe(false);
  });

  it('keeps only the totals without the incidents layer', () => {
    const out = maskEmergency(EMERGENCY, view({ 'emergency.incidents': NONE }));
    expect(out).toEqual({ ...EMERGENCY, incidents: [], evacuations: [], shelters: [], stations: [], withheld: ['incidents', 'units', 'shelters'] });
    const none = maskEmergency(EMERGENCY, view({ 'emergency.incidents': NONE, 'health.hospitals': NONE }));
    expect(none).toEqual({ ...EMERGENCY, incidents: [], evacuations: [], shelters: [], stations: [], hospitals: [], figures: { ...EMERGENCY.figures, casualties: 0 }, withheld: ['incidents', 'units', 'shelters', 'beds', 'casualties'] });
  });
});

describe('maskDashboard', () => {
  const point = (value: number) => [{ simTimeMs: 0, value }];
  const DASHBOARD: Dashboard = deepFreeze({
    runId: 'r',
    simTimeMs: 600_000,
    startEpochMs: 0,
    traffic: { index: 3.1, level: 'light', meanSpeedKmh: 31, vehicles: 900, worstRoads: [] },
    air: { aqi: 80, level: 2, primaryPollutant: 'PM2.5', weather: { temperatureC: 10, windFromDeg: 270, windSpeedMs: 2, cloudOktas: 4 } },
    incidents: [{ id: 'INC-001', kind: 'fire', level: 'II', status: 'active', lon: 113.3, lat: 33.7, title: names('火灾', 'Fire') }],
    responders: { enRoute: 1, onScene: 2, etas: [{ unitId: 'U001', kind: 'fire', incidentId: 'INC-001', etaS: 120 }] },
    shelters: { occupancy: 40, capacity: 900 },
    hospitals: { freeBeds: 30, beds: 200 },
    trends: { trafficIndex: point(3), aqi: point(80), incidents: point(1), respondersEnRoute: point(1), shelterOccupancy: point(40), freeBeds: point(30) },
  });

  it('leaves the dashboard as it is with both layers in full', () => {
    expect(maskDashboard(DASHBOARD, view())).toEqual(DASHBOARD);
  });

  it('withholds each block and its trend whose field the view masks, and says which', () => {
    const out = maskDashboard(DASHBOARD, view({ 'emergency.incidents': masked('units'), 'health.hospitals': masked('beds') }));
    expect(out).toMatchObject({ withheld: ['units', 'beds'], responders: null, hospitals: null, shelters: DASHBOARD.shelters, incidents: DASHBOARD.incidents });
    expect(out.trends).toEqual({ ...DASHBOARD.trends, respondersEnRoute: [], freeBeds: [] });
  });

  it('keeps only the city figures without the incidents layer', () => {
    const out = maskDashboard(DASHBOARD, view({ 'emergency.incidents': NONE }));
    expect(out).toMatchObject({ incidents: null, responders: null, shelters: null, hospitals: DASHBOARD.hospitals, traffic: DASHBOARD.traffic, air: DASHBOARD.air });
    expect(out.trends).toEqual({ ...DASHBOARD.trends, incidents: [], respondersEnRoute: [], shelterOccupancy: [] });
  });
});

describe('maskObjectDescription', () => {
  it('answers the vehicle in full, without its trip, or not at all', () => {
    expect(maskObjectDescription(VEHICLE, view())).toEqual(VEHICLE);
    expect(maskObjectDescription(VEHICLE, view({ 'traffic.vehicles': masked('trip') }))).toEqual({ id: 9001, kind: 'car', speedKmh: 37.5, linkId: 'L-5', street: '人民路' });
    expect(maskObjectDescription(VEHICLE, view({ 'traffic.vehicles': NONE }))).toBeNull();
  });
});

describe('socket messages', () => {
  it('names the layers each message type carries', () => {
    expect(layersIn('objects')).toEqual(['traffic.vehicles']);
    expect(layersIn('air')).toEqual(['environment.stations']);
    expect(layersIn('emergency')).toEqual(['emergency.incidents', 'health.hospitals']);
    for (const t of ['grid', 'links', 'traffic', 'flood'] as const) expect(layersIn(t)).toEqual([]);
  });

  it('masks summaries, withholds object frames without vehicles and passes the rest', () => {
    const v = view({ 'environment.stations': masked('readings'), 'health.hospitals': masked('beds'), 'traffic.vehicles': NONE });
    expect(maskMessage('air', AIR, v)).toEqual(maskAir(AIR, v));
    expect(maskMessage('emergency', EMERGENCY, v)?.hospitals).toEqual([]);
    const frame = new Uint8Array([1, 2, 3]);
    expect(maskMessage('objects', frame, v)).toBeNull();
    expect(objectFrames(v)).toBe('withhold');
    expect(maskMessage('objects', frame, view({ 'traffic.vehicles': masked('trip') }))).toBe(frame);
    expect(maskMessage('grid', frame, v)).toBe(frame);
  });

  it('drops the events that show what a view hides', () => {
    const [alert] = emergencyAlerts('run-1', EMERGENCY, undefined, 600_000);
    const incident: ServerEvent = { type: 'incident', runId: 'run-1', simTimeMs: 600_000, incidentId: 'INC-001', kind: 'fire', level: 'III', status: 'open', x: 250, y: -150 };
    const dispatch: ServerEvent = { type: 'dispatch', runId: 'run-1', simTimeMs: 600_000, dispatchId: 'D-1', incidentId: 'INC-001', unitId: 9001, unitKind: 'fire', status: 'enRoute', etaMs: 245_500 };
    const patients: ServerEvent = { ...alert, alertId: 'A-9', messageKey: 'alert.patients', params: { hospital: 'H-1', patients: 19 } };
    const release: ServerEvent = { type: 'injectApplied', runId: 'run-1', simTimeMs: 60_000, injectId: 'I-1', kind: 'environment.release_rate', params: { id: 'leak-1', gPerS: 777.25 }, source: 'director' };
    const runState: ServerEvent = { type: 'runState', runId: 'run-1', scenarioId: 's', status: 'playing', speed: 1, simTimeMs: 0 };

    for (const e of [alert, incident, dispatch, patients, release, runState]) expect(maskEvent(e, view())).toBe(e);
    const noIncidents = view({ 'emergency.incidents': NONE });
    expect([alert, incident, dispatch, runState].map((e) => maskEvent(e, noIncidents))).toEqual([null, null, null, runState]);
    const noUnits = view({ 'emergency.incidents': masked('units') });
    expect([alert, incident, dispatch].map((e) => maskEvent(e, noUnits))).toEqual([alert, incident, null]);
    const noCasualties = view({ 'health.hospitals': masked('casualties') });
    expect([alert, patients].map((e) => maskEvent(e, noCasualties))).toEqual([alert, null]);
    expect(maskEvent(release, view({ 'environment.stations': masked('sources') }))).toBeNull();
    expect(maskEvent(release, view({ 'environment.stations': masked('readings') }))).toBe(release);
    expect(maskMessage('event', dispatch, noUnits)).toBeNull();
  });
});

describe('maskHttpAnswer on the real routes', () => {
  const manager = {
    touch: () => {},
    emergency: () => ({ ok: true, result: { summary: EMERGENCY, city: undefined } }),
    air: () => ({ ok: true, result: { summary: AIR, history: [{ simTimeMs: 540_000, aqi: 56, stations: [{ id: 'AQ-1', aqi: 58 }, { id: 'AQ-2', aqi: 53 }] }] } }),
    describeObject: (runId: string, objectId: number) => (objectId === VEHICLE.id ? { ok: true, result: { ...VEHICLE, runId, simTimeMs: 600_000 } } : { ok: false, error: { code: 'not_found', message: 'no object' } }),
  } as unknown as RunManager;
  /** The view of the next request, and what the masking middleware saw of it. */
  let current: DataView = view();
  let seen: { route: string; masked: DataLayerId[] | null } = { route: '', masked: null };
  let server: http.Server;
  let url = '';

  beforeAll(async () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      await next();
      const route = String((ctx as { _matchedRoute?: unknown })._matchedRoute);
      const answer = maskHttpAnswer(route, ctx.body, current);
      seen = { route, masked: 'forbidden' in answer ? null : answer.masked };
      if ('forbidden' in answer) {
        ctx.status = 403;
        ctx.body = { error: { code: 'forbidden', message: `no grant of ${answer.forbidden}` } };
      } else ctx.body = answer.body;
    });
    app.use(runsApi(manager, {} as RunStore).routes());
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function get(path: string, v: DataView): Promise<{ status: number; body: Record<string, unknown> }> {
    current = v;
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('answers in full with every layer, cutting nothing', async () => {
    const full = await get('/api/runs/r1/incidents', view());
    expect(seen).toEqual({ route: '/api/runs/:id/incidents', masked: [] });
    expect(mentions(full.body, 19) && mentions(full.body, 59)).toBe(true);
    expect((full.body.incidents as { hospital: string }[])[0].hospital).toBe('H-1');
  });

  it('cuts the incidents answer as the summary, naming the layers cut', async () => {
    const full = (await get('/api/runs/r1/incidents', view())).body;
    const { status, body } = await get('/api/runs/r1/incidents', view({ 'health.hospitals': masked('casualties'), 'emergency.incidents': masked('units') }));
    expect(status).toBe(200);
    expect(seen.masked).toEqual(['emergency.incidents', 'health.hospitals']);
    const [fullInc] = full.incidents as Record<string, unknown>[];
    const timeline = fullInc.timeline as { key: string }[];
    expect(body).toEqual({
      ...full,
      incidents: [
        { ...fullInc, units: [], hospital: null, hospitals: [], levelBasis: MASKED_LEVEL_BASIS, casualties: { deaths: 0, seriouslyInjured: 0, minorInjured: 0, transported: 0, waiting: 0 }, timeline: timeline.filter((t) => t.key !== 'toHospital') },
      ],
      figures: { ...(full.figures as object), casualties: 0 },
    });
    for (const n of [13, 17, 29, 19, 27, 59]) expect(mentions(body, n)).toBe(false);

    const none = await get('/api/runs/r1/incidents', view({ 'emergency.incidents': NONE }));
    expect(none.body).toMatchObject({ incidents: [], evacuations: [], figures: EMERGENCY.figures });
    expect(seen.masked).toEqual(['emergency.incidents']);
  });

  it('empties shelters and hospitals for a masked field and forbids them without the layer', async () => {
    expect((await get('/api/runs/r1/shelters', view({ 'emergency.incidents': masked('units') }))).body.shelters).toHaveLength(2);
    expect(seen.masked).toEqual([]);
    const shelters = await get('/api/runs/r1/shelters', view({ 'emergency.incidents': masked('shelters') }));
    expect(shelters.body).toEqual({ runId: 'r1', simTimeMs: 600_000, shelters: [] });
    expect(seen).toEqual({ route: '/api/runs/:id/shelters', masked: ['emergency.incidents'] });
    expect((await get('/api/runs/r1/shelters', view({ 'emergency.incidents': NONE }))).status).toBe(403);

    expect((await get('/api/runs/r1/hospitals', view({ 'health.hospitals': masked('casualties') }))).body.hospitals).toHaveLength(2);
    expect(seen.masked).toEqual([]);
    const hospitals = await get('/api/runs/r1/hospitals', view({ 'health.hospitals': masked('beds') }));
    expect(hospitals.body).toEqual({ runId: 'r1', simTimeMs: 600_000, hospitals: [] });
    expect(seen.masked).toEqual(['health.hospitals']);
    expect((await get('/api/runs/r1/hospitals', view({ 'health.hospitals': NONE }))).status).toBe(403);
  });

  it('cuts the air answer and its history', async () => {
    const readings = await get('/api/runs/r1/air', view({ 'environment.stations': masked('readings') }));
    expect(seen).toEqual({ route: '/api/runs/:id/air', masked: ['environment.stations'] });
    for (const r of READINGS) expect(mentions(readings.body, r)).toBe(false);
    expect((readings.body.history as { stations: unknown[] }[])[0].stations).toHaveLength(2);
    const none = await get('/api/runs/r1/air', view({ 'environment.stations': NONE }));
    expect(none.body).toMatchObject({ summary: { aqi: 57, stations: [], releases: [] }, history: [{ aqi: 56, stations: [] }] });
    expect(mentions(none.body, 777.25)).toBe(false);
  });

  it('cuts a vehicle to no trip, forbids it without the layer, and passes refusals', async () => {
    const trip = await get('/api/runs/r1/objects/9001', view({ 'traffic.vehicles': masked('trip') }));
    expect(trip.body).toEqual({ id: 9001, kind: 'car', speedKmh: 37.5, linkId: 'L-5', street: '人民路', runId: 'r1', simTimeMs: 600_000 });
    expect(seen).toEqual({ route: '/api/runs/:id/objects/:objectId', masked: ['traffic.vehicles'] });
    expect((await get('/api/runs/r1/objects/9001', view({ 'traffic.vehicles': NONE }))).status).toBe(403);
    const missing = await get('/api/runs/r1/objects/5', view({ 'traffic.vehicles': masked('trip') }));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('passes routes that carry no layer unchanged', () => {
    const body = { runId: 'r1', concentrations: { pm25: 41.75 } };
    expect(maskHttpAnswer('/api/runs/:id/air/point', body, view({ 'environment.stations': NONE }))).toEqual({ body, masked: [] });
  });
});
