import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { viewLookingAt } from '../../client/twin/geo.ts';
import { terrainHeightAt, type TerrainHeights } from '../../client/twin/traffic/roads.ts';
import { flamesOf, type BuildingShape } from '../../client/layers/incidents/fire.ts';
import type { CityModel } from '../../server/city/CityModel.ts';
import { pointInPolygon, pointInRing } from '../../server/city/polygon.ts';
import type { EmergencySummary } from '../../server/protocol/EmergencySummary.ts';
import type { FloodSummary } from '../../server/protocol/FloodSummary.ts';
import { enuToGeodetic } from '../../server/protocol/geo.ts';
import { api, ensureClientBuilt, launchBrowser, openPageIn, pixelsAt, screenshotElement, startTwinServer, waitForIdle, waitForTwinEvent, type TwinPage, type TwinServer } from './harness.ts';

type View = 'cesium' | 'three';
type Rgb = [number, number, number];

/** The chlorine leak starts 10 sim minutes in; the evacuation is ordered at 25 and sheltering in place at 30: at 32 all are drawn. */
const CHLORINE_AT_MS = 32 * 60_000;
/** The short cloudburst (rain-smoke: the flood and emergency engines only, 200 mm/h from the start): 25 minutes put the low roads under water. */
const RAIN_AT_MS = 25 * 60_000;
/** The scenario highrise-fire's tower, set on fire here on floor 12 within the chlorine run: one run shows a fire and a toxic cloud. */
const TOWER = 'B007054';
const FIRE_FLOOR = 12;

/** What the page's incidents drawing says (window.__twin.cesiumIncidents / threeIncidents). */
interface IncidentsSeen {
  zones: { shown: boolean; layer: string | null; paints: number; inScene?: boolean };
  markers: { id: string; kind: string; x: number; y: number }[];
  fire: { flames: number; puffs: number };
  routes: number;
}

const hooksOf = (view: View) => (view === 'cesium' ? 'cesiumIncidents' : 'threeIncidents');

function seen(page: Page, view: View): Promise<IncidentsSeen | null> {
  return page.evaluate((name) => {
    const h = (window.__twin as unknown as Record<string, { zones(): IncidentsSeen['zones']; markers(): IncidentsSeen['markers']; fire(): IncidentsSeen['fire']; routes(): number } | undefined>)[name];
    return h ? { zones: h.zones(), markers: h.markers(), fire: h.fire(), routes: h.routes() } : null;
  }, hooksOf(view));
}

/** The page's emergency summary (window.__twin.live.incidents). */
function pageSummary(page: Page): Promise<EmergencySummary | null> {
  return page.evaluate(() => (window.__twin as unknown as { live: { incidents: { summary: EmergencySummary | null } } }).live.incidents.summary);
}

/** A run of `scenarioId`, paused and seeking to `atMs` (the seek goes on in the server while the tests start). */
async function runPausedAt(twin: TwinServer, scenarioId: string, atMs: number): Promise<string> {
  const made = (await api(twin, '/api/runs', { scenarioId })) as { state: { runId: string } };
  const runId = made.state.runId;
  await api(twin, `/api/runs/${runId}/control`, { action: 'pause' });
  await api(twin, `/api/runs/${runId}/control`, { action: 'seek', simTimeMs: atMs });
  return runId;
}

/** Waits until `path` (a run's summary over HTTP) says the run's engines have reached `atMs`. */
async function reached(twin: TwinServer, path: string, atMs: number): Promise<void> {
  await expect.poll(async () => ((await api(twin, path).catch(() => ({ simTimeMs: -1 }))) as { simTimeMs: number }).simTimeMs, { timeout: 600_000, interval: 2000 }).toBeGreaterThanOrEqual(atMs - 60_000);
}

/** `?camera=` looking at local (x, y) on the ground from `range` metres, `pitchDeg` down, facing north. */
function cameraParam(city: CityModel, x: number, y: number, z: number | null, range: number, pitchDeg: number, headingDeg = 0): string {
  const ground = z ?? terrainHeightAt(city.terrain as unknown as TerrainHeights, x, y);
  const cam = viewLookingAt(enuToGeodetic(city.origin, [x, y, ground]), (headingDeg * Math.PI) / 180, (pitchDeg * Math.PI) / 180, range);
  return [cam.lon, cam.lat, cam.height, headingDeg, pitchDeg].join(',');
}

/** A point inside `ring` (local metres): its vertices' mean when inside, else one between the mean and a vertex. */
function inside(ring: [number, number][]): [number, number] {
  const c: [number, number] = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
  if (pointInRing(c, ring)) return c;
  for (const t of [0.5, 0.25, 0.75, 0.1, 0.9])
    for (const v of ring) {
      const p: [number, number] = [c[0] + (v[0] - c[0]) * t, c[1] + (v[1] - c[1]) * t];
      if (pointInRing(p, ring)) return p;
    }
  throw new Error('inside: no point found inside the ring');
}

/** Points on a grid `stepM` apart inside `polygons` (rings of [x, y], the outer first), at most `most` of them spread over it. */
function pointsInside(polygons: [number, number][][][], stepM: number, most: number): [number, number][] {
  const out: [number, number][] = [];
  for (const polygon of polygons) {
    const xs = polygon[0].map((p) => p[0]);
    const ys = polygon[0].map((p) => p[1]);
    for (let x = Math.min(...xs); x <= Math.max(...xs); x += stepM) for (let y = Math.min(...ys); y <= Math.max(...ys); y += stepM) if (pointInPolygon([x, y], polygon)) out.push([x, y]);
  }
  const every = Math.max(1, Math.ceil(out.length / most));
  return out.filter((_, k) => k % every === 0);
}

/** A pixel that reads red to orange (the AEGL-3 red over the AEGL-2 orange and AEGL-1 yellow, on the ground): red well over green and blue. */
const isRedOrange = ([r, g, b]: Rgb): boolean => r > 60 && r >= 1.25 * g && r >= 1.25 * b;

/** Where local (x, y, z) lands on the page, or null off screen. */
function onPage(page: Page, city: CityModel, x: number, y: number, z: number): Promise<{ x: number; y: number } | null> {
  const g = enuToGeodetic(city.origin, [x, y, z]);
  return page.evaluate((p) => window.__twin!.probe!.project(p), { lon: g.lon, lat: g.lat, height: g.height });
}

/** The part of the page the 3D view shows between the panels. */
const CITY = { x: 290, y: 70, width: 660, height: 530 };
const inCity = (p: { x: number; y: number }) => p.x > CITY.x && p.x < CITY.x + CITY.width && p.y > CITY.y && p.y < CITY.y + CITY.height;

// The flood and incidents layers against real scenario runs (a chlorine leak with a tower fire set within it, a short cloudburst) in real Chromium, in both views.
describe('emergency layers', () => {
  let twin: TwinServer;
  let browser: Browser;
  let tab: TwinPage;
  let chlorineRun = '';
  let rainRun = '';
  let tower: BuildingShape;

  beforeAll(async () => {
    await ensureClientBuilt();
    twin = await startTwinServer();
    // The seeks run in the server while the browser starts and the first view loads.
    chlorineRun = await runPausedAt(twin, 'chlorine-leak', CHLORINE_AT_MS);
    rainRun = await runPausedAt(twin, 'rain-smoke', RAIN_AT_MS);
    tower = (await api(twin, `/api/cities/${twin.city.id}/buildings/${TOWER}`)) as BuildingShape;
    browser = await launchBrowser();
    // The drill's screen is the director's: every layer in full (a viewer's grant masks casualties).
    tab = await openPageIn(browser, 'about:blank', undefined, await twin.cookie('director'), twin.server.url);
  }, 900_000);
  afterAll(async () => {
    await tab?.close();
    await browser?.close();
    await twin?.close();
  });

  /** Opens `view` on the chlorine run looking over its zones, and waits for the zones, the markers and an idle view. */
  async function openZones(view: View): Promise<{ page: Page; summary: EmergencySummary; red: [number, number][][][] }> {
    const { page } = tab;
    const { city } = twin;
    await reached(twin, `/api/runs/${chlorineRun}/incidents`, CHLORINE_AT_MS);
    const byHttp = (await api(twin, `/api/runs/${chlorineRun}/incidents`)) as { incidents: { kind: string; zones: { features: { properties: { kind: string } }[] } }[] };
    expect(byHttp.incidents[0].zones.features.map((f) => f.properties.kind)).toEqual(expect.arrayContaining(['aegl3', 'aegl2', 'aegl1', 'evacuation', 'shelterInPlace']));
    const path = view === 'three' ? '/three' : '/';
    // From 5 km, 60° down, over the middle of the leak and its AEGL-1 zone.
    await page.goto(`${twin.server.url}${path}?run=${chlorineRun}&layers=incidents&clock=scene&camera=${cameraParam(city, 2100, 1500, null, 5000, -60)}`);
    await waitForTwinEvent(page, view, 'view-ready', null, 0);
    expect(await page.locator('[data-layer="incidents"]').isChecked()).toBe(true);
    await waitForTwinEvent(page, view, 'all-tiles-loaded', 'buildings', 0);
    await page.waitForFunction(
      (name) => {
        const h = (window.__twin as unknown as Record<string, { zones(): { shown: boolean }; markers(): unknown[] } | undefined>)[name];
        return (h?.zones().shown ?? false) && (h?.markers().length ?? 0) > 0;
      },
      hooksOf(view),
      { timeout: 240_000, polling: 500 },
    );
    await waitForIdle(page);
    const summary = (await pageSummary(page))!;
    const chemical = summary.incidents.find((i) => i.kind === 'chemical')!;
    return { page, summary, red: chemical.zones.find((z) => z.kind === 'aegl3')!.polygons };
  }

  for (const view of ['cesium', 'three'] as const) {
    const name = view === 'cesium' ? 'globe' : 'night';
    it(`draws a chlorine leak's threat zones, orders, units, shelters and hospitals in the ${name} view, and its panel tells the story`, async () => {
      const errorsBefore = tab.errors.length;
      const { city } = twin;
      const { page, summary, red } = await openZones(view);
      const drawn = (await seen(page, view))!;
      expect(drawn.zones).toMatchObject({ shown: true, layer: 'incidentZones' });
      if (view === 'three') expect(drawn.zones.inScene).toBe(true);
      // The leak's marker is where the leak is, on screen; every shelter and hospital is marked.
      const chemical = summary.incidents.find((i) => i.kind === 'chemical')!;
      const marker = drawn.markers.find((m) => m.kind === 'incident' && m.id === chemical.id);
      expect(marker && inCity(marker), JSON.stringify(marker)).toBe(true);
      const at = await onPage(page, city, chemical.x, chemical.y, terrainHeightAt(city.terrain as unknown as TerrainHeights, chemical.x, chemical.y) + 30);
      expect(Math.hypot(at!.x - marker!.x, at!.y - marker!.y)).toBeLessThan(3);
      for (const [kind, places] of [
        ['shelter', summary.shelters],
        ['hospital', summary.hospitals],
      ] as const) {
        const ids = drawn.markers.filter((m) => m.kind === kind).map((m) => m.id);
        expect(ids.length, kind).toBeGreaterThan(0);
        expect(places.map((p) => p.id)).toEqual(expect.arrayContaining(ids));
      }
      // The AEGL-3 zone reads red-orange on the ground (its fill over AEGL-2's and AEGL-1's), but where a building, a marker or a route
      // stands in front of it; without the layer hardly a pixel of either view's city is red.
      const terrain = city.terrain as unknown as TerrainHeights;
      const points = (await Promise.all(pointsInside(red, 20, 60).map(([x, y]) => onPage(page, city, x, y, terrainHeightAt(terrain, x, y))))).filter((p): p is { x: number; y: number } => p !== null && inCity(p));
      expect(points.length).toBeGreaterThan(10);
      const pixels = await pixelsAt(page, points, `emergency-${view}-chlorine`);
      const reds = pixels.filter(isRedOrange);
      expect(reds.length, `AEGL-3 pixels ${JSON.stringify(pixels)}`).toBeGreaterThan(points.length * 0.3);

      // The panel: the incident with its level, casualties and timeline; the evacuation's progress; shelters and hospitals.
      const panel = page.getByTestId('incidents-panel');
      await panel.waitFor({ timeout: 60_000 });
      const card = panel.locator(`[data-incident="${chemical.id}"]`);
      expect(await card.getAttribute('open')).not.toBeNull();
      const levelNames = { I: '特别重大', II: '重大', III: '较大', IV: '一般' } as const;
      expect(await card.getByTestId('incident-level').textContent()).toBe(`${chemical.level} 级 · ${levelNames[chemical.level]}`);
      const casualties = await card.getByTestId('incident-casualties').locator('b').allTextContents();
      const c = (await pageSummary(page))!.incidents.find((i) => i.id === chemical.id)!.casualties;
      expect(casualties.map((v) => Number(v.replace(/,/g, '')))).toEqual([c.deaths, c.seriouslyInjured, c.minorInjured, c.transported, c.waiting]);
      expect(await card.getByTestId('incident-casualties').textContent()).toMatch(/死亡.*重伤.*轻伤.*已送医.*待转运/);
      const timeline = await card.getByTestId('incident-timeline').locator('li span').allTextContents();
      expect(timeline).toEqual(expect.arrayContaining(['接警：氯气泄漏', '下达撤离令 EVAC-1', '下达就地避险令 EVAC-2']));
      expect(timeline.some((line) => /^调派 U\d+（(消防车|警车|救护车)）自.+出发，预计 [\d.]+ 分钟到达$/.test(line))).toBe(true);
      expect(await card.getByTestId('incident-response').textContent()).toMatch(/^首车到场[\d.]+ 分钟（标准 5 分钟）(达标|超时)$/);
      const evacuation = page.getByTestId('evacuation');
      expect(await evacuation.textContent()).toMatch(/^撤离令 EVAC-1 · 02:15 下达[\d,]+ \/ [\d,]+已撤离[\d,]+ 人已到避难所[\d,]+ 人无避难所[\d,]+ 人清空用时(撤离中|[\d.]+ 分钟)$/);
      expect(await page.getByTestId('incident-shelters').locator('li').count()).toBe(summary.shelters.length);
      expect(await page.getByTestId('incident-shelters').textContent()).toMatch(/已入住 [\d,]+ \/ 容量 [\d,]+/);
      expect(await page.getByTestId('incident-hospitals').textContent()).toMatch(/空床 [\d,]+ \/ [\d,]+/);
      await screenshotElement(page, '[data-testid="incidents-legend"]', `emergency-${view}-legend`);
      // The right-hand column scrolls within the page: a tall page shows the whole panel for its picture.
      await page.setViewportSize({ width: 1280, height: 2200 });
      await screenshotElement(page, '[data-testid="incidents-panel"]', `emergency-${view}-panel`);
      await page.setViewportSize({ width: 1280, height: 720 });
      expect(tab.errors.slice(errorsBefore)).toEqual([]);
    }, 900_000);
  }

  it('sets a tower on fire in the night view: a toast, units sent with their routes, flames at the burning floor and smoke; then the globe draws it too', async () => {
    const errorsBefore = tab.errors.length;
    const { page } = tab;
    const { city } = twin;
    // Still the night view on the chlorine run: a fire is reported in the tower, and the run plays on.
    await api(twin, `/api/runs/${chlorineRun}/control`, { action: 'inject', kind: 'emergency.fire', params: { buildingId: TOWER, floor: FIRE_FLOOR } });
    await api(twin, `/api/runs/${chlorineRun}/control`, { action: 'play' });
    try {
      const toast = page.getByTestId('alert-toast').filter({ hasText: '火灾：' });
      await toast.waitFor({ timeout: 120_000 });
      expect(await toast.locator('.alert-text').textContent()).toBe(`火灾：${(await pageSummary(page))!.incidents.find((i) => i.kind === 'fire')!.name.zh}，IV 级 · 一般`);
      expect(await toast.getAttribute('data-severity')).toBe('warning');
      await page.screenshot({ path: 'test-results/emergency-three-toast.png' });
      // Critical alerts (the leak's level I) are red; every toast is at the top of the screen.
      for (const t of await page.getByTestId('alert-toast').all()) {
        const box = (await t.boundingBox())!;
        expect(box.y).toBeLessThan(200);
        if ((await t.getAttribute('data-severity')) === 'critical') expect(await t.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(214, 31, 31)');
      }
      // Fire engines are on their way: their routes are drawn.
      await expect.poll(async () => (await seen(page, 'three'))!.routes, { timeout: 60_000 }).toBeGreaterThan(0);
      // The floor burns once its fire has grown for about 40 s (the emergency engine's t² fire).
      await api(twin, `/api/runs/${chlorineRun}/control`, { action: 'speed', factor: 10 });
      await expect.poll(async () => (await pageSummary(page))!.incidents.find((i) => i.kind === 'fire')?.burningFloors ?? [], { timeout: 120_000 }).toContain(FIRE_FLOOR);
    } finally {
      await api(twin, `/api/runs/${chlorineRun}/control`, { action: 'speed', factor: 1 });
      await api(twin, `/api/runs/${chlorineRun}/control`, { action: 'pause' });
    }
    const fire = (await pageSummary(page))!.incidents.find((i) => i.kind === 'fire')!;
    expect(fire).toMatchObject({ buildingId: TOWER, floors: tower.floors });
    expect(fire.burningFloors).toContain(FIRE_FLOOR);
    expect(fire.units.some((u) => u.kind === 'fire')).toBe(true);
    // The toast goes after its 8 seconds.
    await expect.poll(() => page.getByTestId('alert-toast').filter({ hasText: '火灾：' }).count(), { timeout: 30_000 }).toBe(0);

    // The tower from 450 m, 15° down, from the south-west.
    const [cx, cy] = inside(tower.footprint[0]);
    const camera = viewLookingAt(enuToGeodetic(city.origin, [cx, cy, tower.base + 40]), Math.PI / 4, (-15 * Math.PI) / 180, 450);
    for (const view of ['three', 'cesium'] as const) {
      if (view === 'three') {
        const since = await page.evaluate(() => performance.now());
        await page.evaluate((to) => window.__twin!.store.command({ kind: 'flyTo', view: to, duration: 0 }), camera);
        await waitForTwinEvent(page, view, 'camera-idle', null, since);
      } else {
        const param = [camera.lon, camera.lat, camera.height, (camera.heading * 180) / Math.PI, (camera.pitch * 180) / Math.PI].join(',');
        await page.goto(`${twin.server.url}/?run=${chlorineRun}&layers=incidents&clock=scene&camera=${param}`);
        await waitForTwinEvent(page, view, 'all-tiles-loaded', 'buildings', 0);
      }
      await page.waitForFunction((name) => ((window.__twin as unknown as Record<string, { fire(): { flames: number } } | undefined>)[name]?.fire().flames ?? 0) > 0, hooksOf(view), { timeout: 120_000, polling: 500 });
      await waitForIdle(page);
      const drawn = (await seen(page, view))!;
      const burning = (await pageSummary(page))!.incidents.find((i) => i.kind === 'fire')!.burningFloors!;
      const flames = flamesOf(tower, burning);
      expect(drawn.fire.flames).toBe(flames.length);
      expect(drawn.fire.puffs).toBeGreaterThan(0);
      // The flames glow orange at the burning floor: some of them, in front of the camera, read warm.
      const points = (await Promise.all(flames.map((f) => onPage(page, city, f.x, f.y, f.z + f.heightM * 0.4)))).filter((p): p is { x: number; y: number } => p !== null && inCity(p));
      expect(points.length).toBeGreaterThan(3);
      const pixels = await pixelsAt(page, points, `emergency-${view}-fire`);
      const warm = pixels.filter(([r, gr, b]) => r > 150 && r > b + 60 && gr > b);
      expect(warm.length, `flame pixels ${JSON.stringify(pixels)}`).toBeGreaterThanOrEqual(3);
      expect(drawn.markers.some((m) => m.kind === 'incident' && m.id === fire.id && inCity(m))).toBe(true);
    }
    expect(tab.errors.slice(errorsBefore)).toEqual([]);
  }, 900_000);

  it('floods the globe where a cloudburst left water: deeper blue with depth, the warning signal in its colour, the roads under water listed', async () => {
    const errorsBefore = tab.errors.length;
    const { page } = tab;
    const { city } = twin;
    await reached(twin, `/api/runs/${rainRun}/flood`, RAIN_AT_MS);
    const flood = (await api(twin, `/api/runs/${rainRun}/flood`)) as FloodSummary;
    expect(flood.closedLinks.length).toBeGreaterThan(0);
    // The deepest road under water, from 700 m, 55° down.
    const deepest = flood.closedLinks[0];
    const link = city.roads.links.find((l) => l.id === deepest.linkId)!;
    const [mx, my] = link.geometry[Math.floor(link.geometry.length / 2)];
    await page.goto(`${twin.server.url}/?run=${rainRun}&layers=flood,incidents&clock=scene&camera=${cameraParam(city, mx, my, null, 700, -55)}`);
    await waitForTwinEvent(page, 'cesium', 'view-ready', null, 0);
    expect(await page.locator('[data-layer="flood"]').isChecked()).toBe(true);
    await waitForTwinEvent(page, 'cesium', 'all-tiles-loaded', 'buildings', 0);
    await page.waitForFunction(() => (window.__twin as unknown as { cesiumFlood?: { water(): { shown: boolean } } }).cesiumFlood?.water().shown ?? false, undefined, { timeout: 240_000, polling: 500 });
    await waitForIdle(page);
    const water = await page.evaluate(() => (window.__twin as unknown as { cesiumFlood: { water(): { layer: string; cols: number; rows: number } } }).cesiumFlood.water());
    const grid = await page.evaluate(() => {
      const live = (window.__twin as unknown as { live: { flood: { depth: { cols: number; rows: number } | null }; air: { grids: Map<string, unknown> } } }).live;
      return { cols: live.flood.depth?.cols, rows: live.flood.depth?.rows, airLayers: [...live.air.grids.keys()] };
    });
    expect(water).toMatchObject({ layer: 'waterDepth', cols: grid.cols, rows: grid.rows });
    // The water is the flood layer's: the air layer does not list it.
    expect(grid.airLayers).not.toContain('waterDepth');
    // Where the grid has 0.3 m of water or more near the deepest road, the ground reads blue (but where a building stands in front).
    const deep = await page.evaluate(
      ({ mx, my }) => {
        const g = (window.__twin as unknown as { live: { flood: { depth: { cols: number; rows: number; originX: number; originY: number; cellSize: number; values: Float32Array } } } }).live.flood.depth;
        const out: [number, number][] = [];
        for (let r = 0; r < g.rows; r++)
          for (let c = 0; c < g.cols; c++) {
            const [x, y] = [g.originX + (c + 0.5) * g.cellSize, g.originY + (r + 0.5) * g.cellSize];
            if (g.values[r * g.cols + c] >= 0.3 && Math.hypot(x - mx, y - my) < 300) out.push([x, y]);
          }
        return out;
      },
      { mx, my },
    );
    const terrain = city.terrain as unknown as TerrainHeights;
    const wet = (await Promise.all(deep.slice(0, 80).map(([x, y]) => onPage(page, city, x, y, terrainHeightAt(terrain, x, y))))).filter((p): p is { x: number; y: number } => p !== null && inCity(p));
    expect(wet.length).toBeGreaterThan(5);
    const pixels = await pixelsAt(page, wet, 'emergency-cesium-flood');
    const blue = pixels.filter(([r, g, b]) => b > r + 25 && b > g);
    expect(blue.length, `water pixels ${JSON.stringify(pixels)}`).toBeGreaterThan(wet.length * 0.5);

    // The panel: the warning signal by its Chinese name on its colour, the rain, the roads under water deepest first.
    const panel = page.getByTestId('flood-panel');
    await panel.waitFor({ timeout: 60_000 });
    const shown = (await page.evaluate(() => (window.__twin as unknown as { live: { flood: { summary: FloodSummary } } }).live.flood.summary))!;
    const names = { blue: '暴雨蓝色预警', yellow: '暴雨黄色预警', orange: '暴雨橙色预警', red: '暴雨红色预警' } as const;
    expect(shown.warning).not.toBeNull();
    expect(await page.getByTestId('flood-warning').textContent()).toBe(names[shown.warning!]);
    expect(await page.getByTestId('flood-warning').getAttribute('data-warning')).toBe(shown.warning);
    expect(Number(await page.getByTestId('flood-rain').textContent())).toBeCloseTo(shown.rainMmPerH, 0);
    expect(await page.getByTestId('flood-figures').textContent()).toMatch(/累计雨量[\d.,]+ 毫米最大积水深度[\d.]+ 米/);
    const first = page.getByTestId('flood-roads').locator('li').first();
    expect(await first.locator('button').getAttribute('data-link')).toBe(shown.closedLinks[0].linkId);
    expect(await page.getByTestId('flood-road-counts').textContent()).toMatch(/^减速 \d+禁止通行 \d+无法通行 \d+禁行路段 [\d.]+ 公里$/);
    await screenshotElement(page, '[data-testid="flood-legend"]', 'emergency-cesium-flood-legend');
    // The flood panel is last in the right-hand column, which scrolls within a tall page.
    await page.setViewportSize({ width: 1280, height: 2200 });
    await panel.scrollIntoViewIfNeeded();
    await screenshotElement(page, '[data-testid="flood-panel"]', 'emergency-cesium-flood-panel');
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(tab.errors.slice(errorsBefore)).toEqual([]);
  }, 900_000);
});
