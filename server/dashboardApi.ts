import type { Context } from 'koa';
import type { Router } from '@koa/router';
import type { CityModel } from './city/CityModel.ts';
import type { Dashboard, TrendPoint } from './protocol/Dashboard.ts';
import type { EmergencySummary } from './protocol/EmergencySummary.ts';
import { lonLat } from './emergencyApi.ts';
import type { RunManager } from './realtime/RunManager.ts';
import { emergencyFigures, isEnRoute, type EmergencyPoint } from './realtime/streams/emergencyFigures.ts';

/** Roads the dashboard lists. */
const WORST_ROADS = 5;
const LEVEL_ORDER = { I: 0, II: 1, III: 2, IV: 3 } as const;

/** A history as a trend of one of its figures. */
const trend = <P extends { simTimeMs: number }>(points: readonly P[] | undefined, value: (p: P) => number): TrendPoint[] =>
  (points ?? []).map((p) => ({ simTimeMs: p.simTimeMs, value: value(p) }));

/** The middle point of a link's centre line, lon/lat. */
function linkMiddle(city: CityModel, linkId: string): { lon: number; lat: number } {
  const link = city.roads.links.find((l) => l.id === linkId);
  if (!link) throw new Error(`dashboardApi: the traffic engine names link ${JSON.stringify(linkId)}, which city ${city.id} does not have`);
  const g = link.geometry;
  const [x, y] = g[Math.floor((g.length - 1) / 2)];
  const [x2, y2] = g[Math.ceil((g.length - 1) / 2)];
  return lonLat(city, (x + x2) / 2, (y + y2) / 2) as { lon: number; lat: number };
}

/** The dashboard's emergency blocks of a summary: open incidents (highest level first), responders with their ETAs (soonest first), shelters and beds in all. */
function emergencyBlocks(s: EmergencySummary, city: CityModel): Pick<Dashboard, 'incidents' | 'responders' | 'shelters' | 'hospitals'> {
  const figures = emergencyFigures(s);
  const open = s.incidents.filter((i) => i.status !== 'closed').sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.startedAtMs - b.startedAtMs);
  const etas = s.incidents
    .flatMap((i) => i.units.filter((u) => isEnRoute(u.state)).map((u) => ({ unitId: u.id, kind: u.kind, incidentId: i.id, etaS: Math.max(0, Math.round((u.dispatchedAtMs + u.etaS * 1000 - s.simTimeMs) / 1000)) })))
    .sort((a, b) => a.etaS - b.etaS);
  return {
    incidents: open.map((i) => ({ id: i.id, kind: i.kind, level: i.level, status: i.status as 'active' | 'contained', ...(lonLat(city, i.x, i.y) as { lon: number; lat: number }), title: i.name })),
    responders: { enRoute: figures.respondersEnRoute, onScene: s.incidents.reduce((n, i) => n + i.units.filter((u) => u.state === 'onScene').length, 0), etas },
    shelters: { occupancy: figures.shelterOccupancy, capacity: s.shelters.reduce((n, x) => n + x.capacity, 0) },
    hospitals: { freeBeds: figures.freeBeds, beds: s.hospitals.reduce((n, h) => n + h.beds, 0) },
  };
}

/**
 * GET /api/runs/:id/dashboard: the leaders' dashboard of a run now (server/protocol/Dashboard.ts):
 * the traffic index and the worst roads, the AQI and the primary pollutant, open incidents,
 * responders and their ETAs, shelter occupancy and free beds, each with its 24-hour trend from
 * the run's 5-minute histories. A block is null when the run has no engine for it (or no figures
 * yet). Masked by the authorizer like the emergency answers (masking.ts maskDashboard).
 */
export function dashboardApi(router: Router, manager: RunManager, refuse: (ctx: Context, error: { code: string; message: string }) => void): void {
  router.get('/runs/:id/dashboard', (ctx) => {
    const where = 'GET /api/runs/:id/dashboard';
    const runId = ctx.params.id;
    const run = manager.get(runId);
    if (!run) return refuse(ctx, { code: 'not_found', message: `${where}: no run ${JSON.stringify(runId)}` });
    const city = manager.cityOf(runId);
    if (!city) return refuse(ctx, { code: 'not_found', message: `${where}: run ${runId} runs in a city this server does not serve` });
    const traffic = manager.traffic(runId);
    const air = manager.air(runId);
    const emergency = manager.emergency(runId);
    const t = traffic.ok ? traffic.result.summary : undefined;
    const a = air.ok ? air.result.summary : undefined;
    const history: EmergencyPoint[] | undefined = emergency.ok ? emergency.result.history : undefined;
    const body: Dashboard = {
      runId,
      simTimeMs: run.state.simTimeMs,
      startEpochMs: run.startEpochMs,
      traffic: t
        ? {
            index: t.index,
            level: t.level,
            meanSpeedKmh: t.meanSpeedKmh,
            vehicles: t.vehicles,
            worstRoads: t.worstLinks.slice(0, WORST_ROADS).map((l) => ({ ...l, ...linkMiddle(city, l.linkId) })),
          }
        : null,
      air: a
        ? {
            aqi: a.aqi,
            level: a.level,
            primaryPollutant: a.primary[0] ?? null,
            weather: { temperatureC: a.weather.temperatureC, windFromDeg: a.weather.windFromDeg, windSpeedMs: a.weather.windSpeedMs, cloudOktas: a.weather.cloudOktas },
          }
        : null,
      ...(emergency.ok ? emergencyBlocks(emergency.result.summary, city) : { incidents: null, responders: null, shelters: null, hospitals: null }),
      trends: {
        trafficIndex: trend(traffic.ok ? traffic.result.history : undefined, (p) => p.index),
        aqi: trend(air.ok ? air.result.history : undefined, (p) => p.aqi),
        incidents: trend(history, (p) => p.incidents),
        respondersEnRoute: trend(history, (p) => p.respondersEnRoute),
        shelterOccupancy: trend(history, (p) => p.shelterOccupancy),
        freeBeds: trend(history, (p) => p.freeBeds),
      },
    };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });
}
