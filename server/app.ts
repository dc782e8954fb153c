import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import { Router } from '@koa/router';
import type { Building, CityModel, Polygon } from './city/CityModel.ts';
import { enuToGeodetic, type Geodetic } from './protocol/geo.ts';
import { ringCentroid } from './city/polygon.ts';
import type { Config } from './config.ts';
import { CachedBody, sendCachedBody } from './cachedBody.ts';
import { cors } from './cors.ts';
import { httpErrors } from './httpErrors.ts';
import { roadLines } from './tiles/roadLines.ts';
import { serveTiles } from './tiles/serveTiles.ts';
import type { RunManager } from './realtime/RunManager.ts';
import { airApi } from './airApi.ts';
import { toursApi } from './tours/toursApi.ts';
import { runsApi } from './runsApi.ts';
import type { DrillManager } from './drills/DrillManager.ts';
import { drillsApi } from './drills/drillsApi.ts';
import type { RunStore } from './store/RunStore.ts';
import { WhatIfManager } from './whatif/WhatIfManager.ts';
import { accessApi } from './auth/accessApi.ts';
import { authorize } from './auth/authorize.ts';
import type { Principal } from './auth/principal.ts';
import type { Trust } from './auth/Trust.ts';
import { hostCheck } from './http/hostCheck.ts';
import { RateLimiter, rateLimit } from './http/rateLimit.ts';
import { csrfGuard } from './http/sameOrigin.ts';
import { securityHeaders } from './http/securityHeaders.ts';

export interface AppDeps {
  config: Config;
  /** The cities to serve; they must not change while served (their API JSON is computed once). */
  cities: readonly CityModel[];
  /** Built web client to serve at "/"; default `dist/client` in the repository, used only if it exists. */
  clientDir?: string;
  /** Runs to control over HTTP (/api/scenarios, /api/runs); without them those routes do not exist. */
  runs?: { manager: RunManager; store: RunStore; whatif?: WhatIfManager };
  /** Accounts, sessions, grants and the audit trail: every route is authorized through it. */
  trust: Trust;
  /** Host names the server answers to (see hostCheck). */
  allowedHosts: ReadonlySet<string>;
  /** Drill sessions (/api/drills); without them those routes do not exist. */
  drills?: DrillManager;
}

/** The routers of an app, for the access-rule test that walks every route. */
const appRouters = new WeakMap<Koa, Router[]>();

/** Every route an app serves, as "METHOD /path/:param" (HEAD and OPTIONS aside). */
export function appRoutes(app: Koa): string[] {
  const routes: string[] = [];
  for (const router of appRouters.get(app) ?? []) {
    for (const layer of router.stack) {
      for (const method of layer.methods) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push(`${method} ${layer.path}`);
    }
  }
  return routes;
}

/** Requests per second a principal (an account, else an address) may make of the expensive routes. */
const EXPENSIVE = { ratePerS: 5, burst: 20 };
/** Whether a request's answer costs the server real work: traffic figures asked afresh of the engine, controls (a closure reroutes thousands of vehicles), what-ifs. */
function isExpensive(method: string, path: string): boolean {
  if (method === 'POST') return /^\/api\/(runs(\/[^/]+\/control)?|whatif)$/.test(path);
  return method === 'GET' && /^\/api\/runs\/[^/]+\/traffic$/.test(path);
}

const REPO = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
/** API bodies are revalidated on every use; the ETag makes that a 304. */
const API_CACHE = 'no-cache';
const JSON_TYPE = 'application/json; charset=utf-8';

type LonLat = [number, number];

/** Degrees rounded to 1e-7 (about a centimetre): enough for any map, and stable output. */
function deg(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function lonLat(origin: Geodetic, x: number, y: number): LonLat {
  const g = enuToGeodetic(origin, [x, y, 0]);
  return [deg(g.lon), deg(g.lat)];
}

function point(origin: Geodetic, x: number, y: number): { lon: number; lat: number } {
  const [lon, lat] = lonLat(origin, x, y);
  return { lon, lat };
}

function jsonBody(value: unknown): CachedBody {
  return new CachedBody(Buffer.from(JSON.stringify(value)), JSON_TYPE, true);
}

function tilesetUrls(id: string): { buildings: string; ground: string } {
  return { buildings: `/tiles/${id}/tileset.json`, ground: `/tiles/${id}/ground.json` };
}

/** What GET /api/cities lists for one city. */
function citySummary(city: CityModel) {
  return {
    id: city.id,
    name: city.name,
    synthetic: city.synthetic,
    origin: city.origin,
    buildings: city.buildings.length,
    url: `/api/cities/${city.id}`,
    tilesets: tilesetUrls(city.id),
  };
}

/** GET /api/cities/:id: everything a client needs to place and label the city, in lon/lat so it needs no geodesy. */
function cityDetail(city: CityModel) {
  const o = city.origin;
  const { minX, minY, maxX, maxY } = city.extent;
  const corners = [lonLat(o, minX, minY), lonLat(o, maxX, minY), lonLat(o, maxX, maxY), lonLat(o, minX, maxY)];
  const polygon = (p: Polygon): LonLat[][] => p.map((ring) => ring.map(([x, y]) => lonLat(o, x, y)));
  const poisByKind: Record<string, number> = {};
  for (const poi of city.pois) poisByKind[poi.kind] = (poisByKind[poi.kind] ?? 0) + 1;
  const g = city.grid;
  return {
    id: city.id,
    name: city.name,
    synthetic: city.synthetic,
    origin: city.origin,
    extent: city.extent,
    bounds: {
      west: Math.min(...corners.map((c) => c[0])),
      south: Math.min(...corners.map((c) => c[1])),
      east: Math.max(...corners.map((c) => c[0])),
      north: Math.max(...corners.map((c) => c[1])),
    },
    counts: {
      buildings: city.buildings.length,
      roadNodes: city.roads.nodes.length,
      roadLinks: city.roads.links.length,
      districts: city.districts.length,
      gridCells: g.cells.length,
      pois: poisByKind,
    },
    districts: city.districts.map((d) => ({ id: d.id, name: d.name, polygon: polygon(d.polygon) })),
    grid: {
      originX: g.originX,
      originY: g.originY,
      origin: point(o, g.originX, g.originY),
      cellSize: g.cellSize,
      cols: g.cols,
      rows: g.rows,
      cells: g.cells,
    },
    pois: city.pois.map((p) => ({ ...p, ...point(o, p.x, p.y) })),
    tilesets: tilesetUrls(city.id),
  };
}

function buildingBody(city: CityModel, building: Building): CachedBody {
  const [x, y] = ringCentroid(building.footprint[0]);
  return jsonBody({ city: city.id, ...building, centroid: point(city.origin, x, y) });
}

interface ServedCity {
  city: CityModel;
  detail: CachedBody;
  buildings: Map<string, Building>;
  /** Building bodies made on first request (bounded by the city's size). */
  buildingBodies: Map<string, CachedBody>;
  /** The traffic overlay's road lines, made on first request. */
  roads?: CachedBody;
}

function fallbackPage(cities: readonly CityModel[]): string {
  const items = cities
    .map((c) => {
      const t = tilesetUrls(c.id);
      return `<li>${escapeHtml(c.name.zh)} · ${escapeHtml(c.name.en)}: <a href="/api/cities/${c.id}">/api/cities/${c.id}</a>, <a href="${t.buildings}">${t.buildings}</a>, <a href="${t.ground}">${t.ground}</a></li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>鹰城孪生 · Yingcheng Twin</title></head>
<body>
<h1>鹰城孪生 · Yingcheng Twin</h1>
<p>服务器正在运行。网页客户端尚未构建。<br>The server is running. The web client has not been built yet.</p>
<p>城市列表 / Cities: <a href="/api/cities">/api/cities</a> · 健康检查 / Health: <a href="/api/health">/api/health</a></p>
<ul>
${items}
</ul>
</body>
</html>
`;
}

/** Whose bucket a request takes from: the account's (all its screens together), else the address's. */
function principalKey(principal: Principal): string {
  return principal.kind === 'anonymous' ? `ip:${principal.address}` : `${principal.kind}:${principal.username}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The Koa app: security headers, the Host check, CORS for configured origins, one error middleware,
 * the cross-site guard on changes, authorization of every request (rules.ts, deny by default), rate
 * limits on the expensive routes, 3D Tiles under /tiles/, the JSON API under /api/ (sessions,
 * accounts, grants and the audit trail among it), and the built web client (or a small bilingual
 * page) at "/".
 */
export function createApp(deps: AppDeps): Koa {
  const { config } = deps;
  const started = performance.now();
  const served = new Map<string, ServedCity>();
  for (const city of deps.cities) {
    if (served.has(city.id)) throw new Error(`createApp: city "${city.id}" given twice`);
    served.set(city.id, {
      city,
      detail: jsonBody(cityDetail(city)),
      buildings: new Map(city.buildings.map((b) => [b.id, b])),
      buildingBodies: new Map(),
    });
  }
  const list = jsonBody({ cities: deps.cities.map(citySummary) });

  function cityOr404(id: string): ServedCity {
    const found = served.get(id);
    if (!found) throw Object.assign(new Error(`city ${JSON.stringify(id)} not found`), { status: 404, expose: true });
    return found;
  }

  const router = new Router();
  router.get('/api/health', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok', version: VERSION, uptimeSeconds: Math.round((performance.now() - started) / 1000), cities: served.size };
  });
  router.get('/api/cities', (ctx) => sendCachedBody(ctx, list, API_CACHE));
  router.get('/api/cities/:id', (ctx) => sendCachedBody(ctx, cityOr404(ctx.params.id).detail, API_CACHE));
  router.get('/api/cities/:id/roads', (ctx) => {
    const entry = cityOr404(ctx.params.id);
    entry.roads ??= jsonBody(roadLines(entry.city));
    return sendCachedBody(ctx, entry.roads, API_CACHE);
  });
  router.get('/api/cities/:id/buildings/:bid', (ctx) => {
    const entry = cityOr404(ctx.params.id);
    const bid = ctx.params.bid;
    let body = entry.buildingBodies.get(bid);
    if (!body) {
      const building = entry.buildings.get(bid);
      if (!building) return ctx.throw(404, `building ${JSON.stringify(bid)} not found in city ${JSON.stringify(entry.city.id)}`);
      body = buildingBody(entry.city, building);
      entry.buildingBodies.set(bid, body);
    }
    return sendCachedBody(ctx, body, API_CACHE);
  });
  airApi(router);

  const clientDir = deps.clientDir ?? path.join(REPO, 'dist', 'client');
  const hasClient = fs.existsSync(path.join(clientDir, 'index.html'));
  if (!hasClient) {
    const page = new CachedBody(Buffer.from(fallbackPage(deps.cities)), 'text/html; charset=utf-8', true);
    router.get('/', (ctx) => sendCachedBody(ctx, page, 'no-cache'));
  }

  const app = new Koa();
  const routers: Router[] = [router];
  appRouters.set(app, routers);
  // Outermost, so that every answer (errors, refusals, tiles) carries the security headers.
  app.use(securityHeaders({ allowedOrigins: config.allowedOrigins }));
  app.use(hostCheck(deps.allowedHosts));
  app.use(cors(config.allowedOrigins));
  app.use(httpErrors());
  app.use(csrfGuard(config.allowedOrigins));
  app.use(authorize(deps.trust));
  const expensive = new RateLimiter(EXPENSIVE);
  const limitExpensive = rateLimit(expensive, (ctx) => principalKey(ctx.state.principal as Principal), 'expensive request');
  app.use((ctx, next) => (isExpensive(ctx.method, ctx.path) ? limitExpensive(ctx, next) : next()));
  app.use(serveTiles({ dir: config.tilesDir }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  // The video wall's tours (tours/*.yaml in the repository).
  const tours = toursApi(path.join(REPO, 'tours'));
  routers.push(tours);
  app.use(tours.routes());
  const access = accessApi(deps.trust);
  routers.push(access);
  app.use(access.routes());
  app.use(access.allowedMethods());
  if (deps.runs) {
    const whatif = deps.runs.whatif ?? new WhatIfManager(deps.runs.manager, deps.cities);
    const runs = runsApi(deps.runs.manager, deps.runs.store, whatif);
    routers.push(runs);
    app.use(runs.routes());
    app.use(runs.allowedMethods());
  }
  if (deps.drills) {
    const drills = drillsApi(deps.drills);
    routers.push(drills);
    app.use(drills.routes());
    app.use(drills.allowedMethods());
  }
  if (hasClient) {
    // The client routes in the browser (/, /three): a page address without a file extension gets
    // the app's index.html, so a bookmarked or reloaded view opens instead of a 404.
    app.use((ctx, next) => {
      if ((ctx.method === 'GET' || ctx.method === 'HEAD') && !/^\/(api|tiles)(\/|$)/.test(ctx.path) && !path.posix.extname(ctx.path)) {
        ctx.path = '/';
      }
      return next();
    });
    app.use(serveTiles({ dir: clientDir, prefix: '', index: 'index.html' }));
  }
  return app;
}
