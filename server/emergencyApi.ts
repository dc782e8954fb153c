import type { Context } from 'koa';
import type { Router } from '@koa/router';
import type { CityModel } from './city/CityModel.ts';
import type { EmergencySummary, Zone } from './protocol/EmergencySummary.ts';
import { enuToGeodetic } from './protocol/geo.ts';
import type { RunManager } from './realtime/RunManager.ts';
import { toLonLat } from './sim/emergency/threatZones.ts';

/** A zone as GeoJSON: a Feature with a MultiPolygon in WGS84 lon/lat (the city's local metres when it is not served here). */
function zoneFeature(zone: Zone, city: CityModel | undefined): object {
  const coordinates = city ? toLonLat(zone.polygons, city.origin) : zone.polygons;
  const { polygons: _drop, ...properties } = zone;
  void _drop;
  return { type: 'Feature', properties, geometry: { type: 'MultiPolygon', coordinates } };
}

/** lon/lat of a local point, rounded to about a centimetre. */
export function lonLat(city: CityModel | undefined, x: number, y: number): { lon: number; lat: number } | Record<string, never> {
  if (!city) return {};
  const g = enuToGeodetic(city.origin, [x, y, 0]);
  return { lon: Math.round(g.lon * 1e7) / 1e7, lat: Math.round(g.lat * 1e7) / 1e7 };
}

/**
 * The emergency twin over HTTP: a run's incidents (with their zones as GeoJSON and their units),
 * its flood figures, its shelters' occupancy and its hospitals' free beds. Refusals are JSON
 * {error: {code, message}}; `refuse` answers them as runsApi does.
 */
export function emergencyApi(router: Router, manager: RunManager, refuse: (ctx: Context, error: { code: string; message: string }) => void): void {
  const withEmergency = (ctx: Context, where: string, reply: (s: EmergencySummary, city: CityModel | undefined) => object): void => {
    const e = manager.emergency(ctx.params.id);
    if (!e.ok) return refuse(ctx, { ...e.error, message: `${where}: ${e.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { runId: ctx.params.id, simTimeMs: e.result.summary.simTimeMs, ...reply(e.result.summary, e.result.city) };
  };

  router.get('/runs/:id/incidents', (ctx) =>
    withEmergency(ctx, 'GET /api/runs/:id/incidents', (s, city) => ({
      incidents: s.incidents.map((i) => ({
        ...i,
        ...lonLat(city, i.x, i.y),
        zones: { type: 'FeatureCollection', features: i.zones.map((z) => zoneFeature(z, city)) },
        units: i.units.map(({ routeLinkIds: _route, ...u }) => u),
        hospital: i.hospitals[0]?.id ?? null,
      })),
      evacuations: s.evacuations,
      figures: s.figures,
    })),
  );

  router.get('/runs/:id/shelters', (ctx) =>
    withEmergency(ctx, 'GET /api/runs/:id/shelters', (s, city) => ({ shelters: s.shelters.map((x) => ({ ...x, ...lonLat(city, x.x, x.y), free: Math.max(0, x.capacity - x.occupancy) })) })),
  );

  router.get('/runs/:id/hospitals', (ctx) => withEmergency(ctx, 'GET /api/runs/:id/hospitals', (s, city) => ({ hospitals: s.hospitals.map((x) => ({ ...x, ...lonLat(city, x.x, x.y) })) })));

  router.get('/runs/:id/flood', (ctx) => {
    const f = manager.flood(ctx.params.id);
    if (!f.ok) return refuse(ctx, { ...f.error, message: `GET /api/runs/:id/flood: ${f.error.message}` });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { runId: ctx.params.id, ...f.result };
  });
}
