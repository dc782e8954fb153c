import { describe, expect, it } from 'vitest';
import { aeglMgM3 } from '../../../../server/protocol/aegl.ts';
import { EmergencySummary } from '../../../../server/protocol/EmergencySummary.ts';
import { EmergencyEngine } from '../../../../server/sim/emergency/EmergencyEngine.ts';
import { footprintGap } from '../../../../server/sim/emergency/FireModel.ts';
import { EnvironmentEngine } from '../../../../server/sim/environment/EnvironmentEngine.ts';
import { FloodEngine } from '../../../../server/sim/flood/FloodEngine.ts';
import { Run } from '../../../../server/sim/Run.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { emergencyCity } from './emergencyCity.ts';

const MIN = 60_000;
const city = emergencyCity();

function makeRun(o: { hour?: string; trips?: number; stability?: string; windMs?: number; env?: boolean; traffic?: boolean; flood?: boolean; emergency?: Record<string, unknown> } = {}): Run {
  const run = new Run({ city, seed: 11, startEpochMs: Date.parse(`2026-03-16T${o.hour ?? '03'}:00:00+08:00`), durationMs: 3 * 60 * MIN, stepMs: 500, checkpointEveryMs: 5 * MIN });
  if (o.traffic !== false) run.register(new TrafficEngine(), { dailyTrips: o.trips ?? 60_000, busLines: 1, warmUpMinutes: 20 });
  if (o.env !== false) {
    const weather = [{ hour: 0, windFromDeg: 270, windSpeedMs: o.windMs ?? 2, cloudOktas: 8, temperatureC: 10, mixingHeightM: 800, stability: o.stability ?? 'D' }];
    run.register(new EnvironmentEngine(), { cellM: 50, weather, stacks: [] });
  }
  if (o.flood) run.register(new FloodEngine(), { cellM: 25 });
  run.register(new EmergencyEngine(), o.emergency ?? {});
  return run;
}

function stepTo(run: Run, ms: number): void {
  while (run.timeMs < ms) run.stepOnce();
}

function summary(run: Run): EmergencySummary {
  return EmergencySummary.parse(run.firstOutput('emergencySummary'));
}

/** The building nearest (x, y). */
function buildingNear(x: number, y: number): (typeof city.buildings)[number] {
  const d = (b: (typeof city.buildings)[number]): number => Math.hypot(b.footprint[0][0][0] - x, b.footprint[0][0][1] - y);
  return city.buildings.reduce((a, b) => (d(b) < d(a) ? b : a));
}

describe('EmergencyEngine', () => {
  it('sends the nearest fire engines through traffic: the same station-to-building trip takes longer in the 08:00 rush than at 03:00, predicted and driven', () => {
    const target = buildingNear(500, 500);
    const times = (hour: string): { eta: number; driven: number } => {
      // 60,000 trips make the rush slow but moving (with 70,000 or more this small city gridlocks at 08:00 since queues discharge car by car, issue 17).
      const run = makeRun({ hour, trips: 60_000, env: false });
      stepTo(run, MIN);
      expect(run.inject('emergency.fire', { buildingId: target.id })).toEqual({ ok: true, id: 'INC-001' });
      stepTo(run, 25 * MIN);
      const fire = summary(run).incidents[0].units.filter((u) => u.kind === 'fire');
      expect(fire.length).toBe(2);
      expect(fire.every((u) => u.station === 'P-fire-1' && u.objectId >= 0 && u.routeLinkIds.length > 1)).toBe(true);
      const arrived = fire.filter((u) => u.arrivedAtMs !== null).map((u) => ((u.arrivedAtMs as number) - u.dispatchedAtMs) / 1000);
      expect(arrived.length).toBeGreaterThan(0);
      return { eta: fire[0].etaS, driven: Math.min(...arrived) };
    };
    const night = times('03');
    const rush = times('08');
    expect(rush.eta).toBeGreaterThan(night.eta * 1.5);
    expect(rush.driven).toBeGreaterThan(night.driven * 1.5);
  });

  it('grows a fire floor by floor, puts its smoke into the air, contains it once the engines are at work, and times their response against the 5-minute standard', () => {
    const run = makeRun({ traffic: false });
    stepTo(run, MIN);
    const tower = [...city.buildings].sort((a, b) => b.floors - a.floors)[0];
    expect(run.inject('emergency.fire', { buildingId: tower.id, floor: 10 })).toEqual({ ok: true, id: 'INC-001' });
    stepTo(run, 4 * MIN);
    const air = run.firstOutput('airSummary');
    expect(air?.releases.map((r) => r.id)).toEqual(['INC-001-pm25', 'INC-001-co']);
    const early = air?.releases[0].gPerS ?? 0;
    stepTo(run, 7 * MIN);
    expect(run.firstOutput('airSummary')?.releases[0].gPerS).toBeGreaterThan(early);
    // Smoke downwind (the wind from the west) above the background.
    expect(run.sampleAt(tower.footprint[0][0][0] + 400, tower.footprint[0][0][1], 1.5).pm25).toBeGreaterThan(run.sampleAt(tower.footprint[0][0][0] - 400, tower.footprint[0][0][1], 1.5).pm25);
    const s = summary(run).incidents[0];
    expect(s.burningFloors).toContain(10);
    expect(s.responseTimeS).toBeGreaterThan(0);
    expect(s.responseStandardS).toBe(300);
    stepTo(run, 90 * MIN);
    const later = summary(run).incidents[0];
    expect(later.status).toBe('contained');
    expect(run.firstOutput('airSummary')?.releases[0]).toMatchObject({ gPerS: 0, active: false });
    expect(later.timeline.map((e) => e.key)).toEqual(expect.arrayContaining(['started.fire', 'dispatched', 'onScene', 'contained']));
  });

  it('draws AEGL threat zones for a chlorine leak, nested, wider in a stable night (F) than in neutral air (D)', () => {
    const zonesIn = (stability: string): Record<string, number> => {
      const run = makeRun({ traffic: false, stability, windMs: 2 });
      stepTo(run, MIN);
      expect(run.inject('emergency.chemical_release', { at: { x: -500, y: 0 }, chemical: 'chlorine', kgPerS: 0.5, durationS: 1800 })).toMatchObject({ ok: true });
      stepTo(run, 12 * MIN);
      const inc = summary(run).incidents[0];
      return Object.fromEntries(inc.zones.map((z) => [z.kind, z.areaM2]));
    };
    const d = zonesIn('D');
    const f = zonesIn('F');
    for (const z of [d, f]) {
      expect(z.aegl3).toBeGreaterThan(0);
      expect(z.aegl2).toBeGreaterThan(z.aegl3);
      expect(z.aegl1).toBeGreaterThan(z.aegl2);
    }
    expect(f.aegl2).toBeGreaterThan(d.aegl2 * 1.5);
    expect(f.aegl1).toBeGreaterThan(d.aegl1);
    expect(aeglMgM3('chlorine', 2)).toBeCloseTo(5.8, 1);
  });

  it('evacuates a zone to shelters by car and on foot: people arrive, no shelter is over capacity, and the zone clears', () => {
    const run = makeRun({ hour: '10', trips: 40_000, env: false });
    stepTo(run, MIN);
    expect(run.inject('emergency.evacuate', { zone: { x: 0, y: -300, radiusM: 250 } })).toEqual({ ok: true, id: 'EVAC-1' });
    stepTo(run, 75 * MIN);
    const s = summary(run);
    const e = s.evacuations[0];
    expect(e.people).toBeGreaterThan(500);
    expect(e.byCar).toBeGreaterThan(0);
    expect(e.onFoot).toBeGreaterThan(0);
    expect(e.atShelter).toBeGreaterThan(0.9 * (e.people - e.noShelter));
    expect(e.clearAtMs).not.toBeNull();
    for (const sh of s.shelters) expect(sh.occupancy).toBeLessThanOrEqual(sh.capacity);
    expect(s.shelters.reduce((a, sh) => a + sh.occupancy, 0)).toBe(e.atShelter);
    expect(s.figures.clearanceS).toBeGreaterThan(300);
  });

  it('rises in level with the harm done (Decree 493), takes the seriously injured to hospitals with free beds, and refuses bad injects naming the field', () => {
    const run = makeRun({ hour: '10', traffic: false, windMs: 1.5, stability: 'F' });
    stepTo(run, MIN);
    expect(run.inject('emergency.chemical_release', { at: { x: -300, y: 100 }, chemical: 'chlorine', kgPerS: 3, durationS: 1200 })).toMatchObject({ ok: true });
    stepTo(run, 45 * MIN);
    const inc = summary(run).incidents[0];
    expect(inc.casualties.seriouslyInjured).toBeGreaterThan(10);
    expect(['I', 'II', 'III']).toContain(inc.level);
    expect(inc.timeline.some((e) => e.key === 'levelRaised')).toBe(true);
    expect(inc.casualties.transported).toBeGreaterThan(0);
    const hospitals = summary(run).hospitals;
    expect(hospitals.some((h) => h.bedsFree < Math.round(h.beds * 0.15))).toBe(true);
    expect(run.inject('emergency.fire', { buildingId: 'nope' })).toMatchObject({ ok: false, message: 'emergency.fire: buildingId: no building "nope" in the city' });
    expect(run.inject('emergency.chemical_release', { at: { x: 0, y: 0 }, chemical: 'mustard', kgPerS: 1, durationS: 60 })).toMatchObject({ ok: false, message: expect.stringContaining('chemical') });
    expect(run.inject('emergency.dispatch', { incidentId: 'INC-999', units: { fire: 1 } })).toMatchObject({ ok: false, message: expect.stringContaining('incidentId: no incident "INC-999"') });
    expect(run.inject('emergency.evacuate', { zone: { incidentId: 'INC-001', aegl: 4 } })).toMatchObject({ ok: false, message: expect.stringContaining('zone') });
  });

  it('spreads a fire nobody fights to a neighbour within reach downwind', () => {
    // A pair of buildings less than 8 m apart, the second east of the first (the wind blows from the west).
    const centre = (b: (typeof city.buildings)[number]): [number, number] => {
      const ring = b.footprint[0];
      return [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length];
    };
    let pair: [string, string] | undefined;
    for (const a of city.buildings) {
      const [ax, ay] = centre(a);
      const b = city.buildings.find((o) => o !== a && footprintGap(a, o) < 6 && centre(o)[0] - ax > 10 && Math.abs(centre(o)[1] - ay) < (centre(o)[0] - ax) * 0.5);
      if (b) {
        pair = [a.id, b.id];
        break;
      }
    }
    expect(pair).toBeDefined();
    const [first, second] = pair as [string, string];
    const run = makeRun({ traffic: false, emergency: { autoDispatch: false } });
    stepTo(run, MIN);
    expect(run.inject('emergency.fire', { buildingId: first, floor: 1 })).toEqual({ ok: true, id: 'INC-001' });
    stepTo(run, 120 * MIN);
    const s = summary(run);
    expect(s.incidents[0].units).toEqual([]);
    // Unfought, it climbs: a floor is fully developed 413 s after it catches (0.0469 t² reaching 8 MW)
    // and the floor above catches 12 minutes later; by 120 min, 119 min after ignition, seven floors burn.
    const floors = s.incidents[0].floors as number;
    expect(s.incidents[0].burningFloors?.length).toBe(Math.min(floors, 1 + Math.floor((119 * 60) / (413 + 720))));
    expect(s.incidents[0].timeline.some((e) => e.key === 'spread')).toBe(true);
    const caught = s.incidents.filter((i) => i.kind === 'fire').map((i) => i.buildingId);
    expect(caught).toContain(second);
  });

  it('is deterministic with traffic, air, water and emergencies together, and a seek back re-simulates to the same summary', () => {
    const run = makeRun({ hour: '18', trips: 60_000, flood: true });
    const tower = [...city.buildings].sort((a, b) => b.floors - a.floors)[0];
    stepTo(run, MIN);
    run.inject('emergency.fire', { buildingId: tower.id });
    run.inject('emergency.chemical_release', { at: { x: -400, y: 300 }, chemical: 'ammonia', kgPerS: 2, durationS: 600 });
    run.inject('flood.rain', { mmPerH: 120, durationS: 1200 });
    stepTo(run, 9 * MIN);
    run.inject('emergency.evacuate', { zone: { incidentId: 'INC-002', aegl: 1 } });
    stepTo(run, 16 * MIN);
    const first = JSON.stringify([summary(run), run.firstOutput('floodSummary'), run.firstOutput('trafficSummary')]);
    run.seek(3 * MIN);
    stepTo(run, 16 * MIN);
    expect(JSON.stringify([summary(run), run.firstOutput('floodSummary'), run.firstOutput('trafficSummary')])).toBe(first);
  });
});
