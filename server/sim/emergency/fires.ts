import type { Building } from '../../city/CityModel.ts';
import { ringCentroid } from '../../city/polygon.ts';
import { fireCasualties } from './casualties.ts';
import { advanceFire, burningFloors, FIRE_GROWTH, footprintGap, igniteFire, smokeRates, totalHrr, type FireState } from './FireModel.ts';
import { newIncident, type EmergencyScene, type IncidentState } from './incidents.ts';

/** A building fire starts on `floor` (a middle floor by default); the nearest units set off at once when dispatch is automatic. */
export function startFire(s: EmergencyScene, b: number, floor: number | undefined, nowMs: number): IncidentState {
  const building = s.city.buildings[b];
  const [x, y] = ringCentroid(building.footprint[0]);
  const label = building.name || building.id;
  const inc = newIncident(s, 'fire', { zh: `${label} 火灾`, en: `Fire at ${label}` }, x, y, nowMs);
  const fireFloor = floor ?? Math.max(1, Math.ceil(building.floors / 2));
  const hour = s.hourAt(nowMs);
  inc.building = b;
  inc.fireFloor = fireFloor;
  inc.fire = igniteFire(building, fireFloor, nowMs);
  inc.occupants = Math.round(s.peopleAt(nowMs)[b]);
  inc.asleep = building.use === 'residential' && (hour >= 23 || hour < 6);
  if (s.params.autoDispatch) {
    s.dispatch(inc, 'fire', building.floors >= 10 ? 4 : 2, nowMs);
    s.dispatch(inc, 'ambulance', 1, nowMs);
    s.dispatch(inc, 'police', 1, nowMs);
  }
  return inc;
}

/**
 * Advances a fire: floors catch and burn (FireModel), suppression starts once two engines are at
 * work, the smoke's rates follow the fire (environment releases), the people on and above the fire
 * floor come to harm by the time it took to get out, and a neighbour downwind may catch.
 */
export function updateFire(s: EmergencyScene, inc: IncidentState, nowMs: number, updateMs: number): void {
  const f = inc.fire as FireState;
  const engines = s.responders.units.filter((u) => u.incidentId === inc.id && u.kind === 'fire' && u.arrivedAtMs !== null).map((u) => u.arrivedAtMs as number);
  engines.sort((a, b) => a - b);
  const suppressFrom = engines.length >= 2 ? engines[1] + FIRE_GROWTH.setUpS * 1000 : -1;
  const wasContained = f.containedAtMs >= 0;
  advanceFire(f, nowMs, suppressFrom);
  if (!wasContained && f.containedAtMs >= 0) {
    inc.status = 'contained';
    inc.timeline.push({ simTimeMs: nowMs, key: 'contained', params: {} });
  }
  const building = s.city.buildings[inc.building as number];
  const hrr = totalHrr(f, nowMs);
  // Smoke: one release of PM2.5 and one of CO above the top burning floor, their rates following the fire.
  const rates = smokeRates(hrr);
  if (!inc.smokeIds) {
    const top = Math.max(...burningFloors(f, nowMs), inc.fireFloor as number);
    const heightM = (building.height * (top - 0.5)) / building.floors;
    inc.smokeIds = [`${inc.id}-pm25`, `${inc.id}-co`];
    ['pm25', 'co'].forEach((pollutant, k) =>
      s.ctx.command('environment.release', { id: inc.smokeIds?.[k], at: { x: inc.x, y: inc.y }, heightM, pollutant, gPerS: Math.max(1e-3, k === 0 ? rates.pm25 : rates.co), exitVelocityMs: 4, exitTempK: 600, diameterM: 3 }),
    );
    inc.lastSmoke = rates.pm25;
  } else if (Math.abs(rates.pm25 - (inc.lastSmoke ?? 0)) > 0.05 * Math.max(rates.pm25, 1e-3) || (hrr < FIRE_GROWTH.containedKw && (inc.lastSmoke ?? 0) > 0)) {
    const off = f.containedAtMs >= 0;
    s.ctx.command('environment.release_rate', { id: inc.smokeIds[0], gPerS: off ? 0 : rates.pm25 });
    s.ctx.command('environment.release_rate', { id: inc.smokeIds[1], gPerS: off ? 0 : rates.co });
    inc.lastSmoke = off ? 0 : rates.pm25;
  }
  // People: the building's occupants at ignition, on and above the fire floor.
  const c = fireCasualties({
    floors: building.floors,
    fireFloor: inc.fireFloor as number,
    occupants: inc.occupants as number,
    timeSinceIgnitionS: ((f.suppressedAtMs >= 0 ? Math.min(nowMs, f.suppressedAtMs) : nowMs) - inc.startedAtMs) / 1000,
    use: building.use,
    asleep: inc.asleep as boolean,
  });
  inc.deaths = c.dead;
  inc.seriouslyInjured = c.seriouslyInjured;
  inc.peopleAffected = Math.round(c.atRisk);
  // The fire may catch a neighbour downwind, once a minute.
  if (f.suppressedAtMs < 0 && hrr >= FIRE_GROWTH.spreadMinKw && nowMs % 60_000 < updateMs) spread(s, inc, building, nowMs);
}

/** Catches a neighbour within reach downwind, by chance. */
function spread(s: EmergencyScene, inc: IncidentState, building: Building, nowMs: number): void {
  const air = s.ctx.read('environment.summary', 'airSummary');
  const towardDeg = ((air?.weather.windFromDeg ?? 0) + 180) % 360;
  const near = s.population.buildingsWithin(inc.x, inc.y, 120);
  for (const j of near) {
    if (j === inc.building || s.incidents.some((i) => i.building === j && i.status !== 'closed')) continue;
    const other = s.city.buildings[j];
    if (footprintGap(building, other) > FIRE_GROWTH.spreadDistanceM) continue;
    const [cx, cy] = ringCentroid(other.footprint[0]);
    const bearing = ((Math.atan2(cx - inc.x, cy - inc.y) * 180) / Math.PI + 360) % 360;
    const off = Math.abs(((bearing - towardDeg + 540) % 360) - 180);
    if (air && off > 60) continue;
    if (s.rng.next() >= FIRE_GROWTH.spreadChancePerMin) continue;
    const caught = startFire(s, j, undefined, nowMs);
    inc.timeline.push({ simTimeMs: nowMs, key: 'spread', params: { to: other.id, incident: caught.id } });
    caught.timeline.push({ simTimeMs: nowMs, key: 'spreadFrom', params: { from: building.id, incident: inc.id } });
    return;
  }
}
