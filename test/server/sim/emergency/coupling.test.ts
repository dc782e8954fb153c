import { describe, expect, it } from 'vitest';
import { EmergencySummary } from '../../../../server/protocol/EmergencySummary.ts';
import { EmergencyEngine } from '../../../../server/sim/emergency/EmergencyEngine.ts';
import { FloodEngine } from '../../../../server/sim/flood/FloodEngine.ts';
import { Run } from '../../../../server/sim/Run.ts';
import { TrafficEngine } from '../../../../server/sim/traffic/TrafficEngine.ts';
import { emergencyCity } from './emergencyCity.ts';

const MIN = 60_000;
/** The small city with a 2 m bowl dug round the crossing at its centre: where the water gathers. */
function bowlCity(): ReturnType<typeof emergencyCity> {
  const city = emergencyCity();
  const t = city.terrain;
  for (let r = 0; r < t.rows; r++) {
    for (let c = 0; c < t.cols; c++) {
      const x = t.originX + c * t.cellSize;
      const y = t.originY + r * t.cellSize;
      t.heights[r * t.cols + c] -= 2 * Math.max(0, 1 - (x * x + y * y) / 120 ** 2);
    }
  }
  return city;
}
const city = bowlCity();

function stepTo(run: Run, ms: number): void {
  while (run.timeMs < ms) run.stepOnce();
}

describe('engines in one run: water closes roads, traffic goes round, the rainstorm becomes an incident', () => {
  it("closes flooded links to cars (none enters while they are closed), makes the storm an incident at the warning's level, and reopens them once the water has drained", () => {
    const run = new Run({ city, seed: 3, startEpochMs: Date.parse('2026-07-20T07:00:00+08:00'), durationMs: 4 * 60 * MIN, stepMs: 500, checkpointEveryMs: 10 * MIN });
    const traffic = new TrafficEngine();
    run.register(traffic, { dailyTrips: 60_000, busLines: 0, warmUpMinutes: 10 });
    // Drains far stronger than a real city's (200 mm/h), so the water falls within the test's hour and a half.
    run.register(new FloodEngine(), { drainageMmPerH: 200 });
    run.register(new EmergencyEngine(), {});
    stepTo(run, MIN);
    expect(run.inject('flood.rain', { mmPerH: 400, durationS: 20 * 60 })).toMatchObject({ ok: true, id: 'rain-1' });
    stepTo(run, 21 * MIN);
    const flood = run.firstOutput('floodSummary');
    const closed = (flood?.closedLinks ?? []).filter((l) => l.state !== 'slow');
    expect(closed.length).toBeGreaterThan(0);
    expect(flood?.warning).toBe('red');
    // Traffic has them as flood closures, barred to cars; its links show them closed.
    const summary = run.firstOutput('trafficSummary');
    const floodClosures = new Set(summary?.closures.filter((c) => c.reason === 'flood').map((c) => c.linkId));
    for (const l of closed) expect(floodClosures.has(l.linkId)).toBe(true);
    const links = run.firstOutput('links');
    const k = city.roads.links.findIndex((l) => l.id === closed[0].linkId);
    expect(links?.closedLanes[k]).toBeGreaterThan(0);
    // No car drives onto them while they are closed: those on them at the closure drive off.
    const barred = new Set(closed.map((l) => l.linkId));
    const onThem = new Set(traffic.vehicles().filter((v) => barred.has(v.linkId)).map((v) => v.id));
    let entered = 0;
    while (run.timeMs < 40 * MIN) {
      run.stepOnce();
      if (run.timeMs % 10_000 !== 0) continue;
      const stillClosed = new Set(run.firstOutput('trafficSummary')?.closures.filter((c) => c.reason === 'flood').map((c) => c.linkId));
      for (const v of traffic.vehicles()) if (stillClosed.has(v.linkId) && v.kind !== 3 && !onThem.has(v.id)) entered++;
    }
    expect(entered).toBe(0);
    // The storm is an incident, its level from the warning.
    const emergency = EmergencySummary.parse(run.firstOutput('emergencySummary'));
    const storm = emergency.incidents.find((i) => i.kind === 'flood');
    expect(storm).toMatchObject({ level: 'I', levelBasis: 'rainstorm warning red' });
    // It stands where a road is deepest under water: in the bowl, near the centre.
    expect(Math.hypot(storm?.x ?? 1e9, storm?.y ?? 1e9)).toBeLessThan(150);
    // After the rain the water drains away below 0.3 m and the roads open again.
    stepTo(run, 100 * MIN);
    expect(run.firstOutput('floodSummary')?.closedLinks.filter((l) => l.state !== 'slow')).toEqual([]);
    expect(run.firstOutput('trafficSummary')?.closures.filter((c) => c.reason === 'flood')).toEqual([]);
  });
});
