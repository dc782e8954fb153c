import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { viewLookingAt } from '../../client/twin/geo.ts';
import { terrainHeightAt, type TerrainHeights } from '../../client/twin/traffic/roads.ts';
import type { CityModel } from '../../server/city/CityModel.ts';
import { pointInRing } from '../../server/city/polygon.ts';
import { AQI_LEVELS } from '../../server/protocol/aqi.ts';
import { enuToGeodetic } from '../../server/protocol/geo.ts';
import { pixelsAt, screenshotElement, screenshotWithVariance, useTwinSuite, waitForIdle, waitForTwinEvent } from './harness.ts';

type View = 'cesium' | 'three';
type Rgb = [number, number, number];

/** What the page's air drawing and state say (window.__twin.cesiumAir / threeAir and window.__twin.live.air). */
interface AirSeen {
  heat: { shown: boolean; layer: string | null; cols: number; rows: number; vertices: number; inScene?: boolean };
  grid: { cols: number; rows: number } | null;
  stations: { id: string; aqi: number; x: number; y: number }[];
  summaryStations: { id: string; aqi: number; level: number }[];
  wind: { shown: boolean; steps: number };
  contours: number;
  releases: number;
  layers: string[];
}

function seen(page: Page, view: View): Promise<AirSeen> {
  return page.evaluate((hooksName) => {
    const twin = window.__twin as unknown as Record<string, unknown> & { live: { air: { summary: { stations: { id: string; aqi: number; level: number }[]; releases: unknown[] } | null; grids: Map<string, { cols: number; rows: number }> } } };
    const hooks = twin[hooksName] as { heatMap(): AirSeen['heat']; stations(): AirSeen['stations']; wind(): AirSeen['wind']; contours(): number };
    const air = twin.live.air;
    const grid = air.grids.get('aqi');
    return {
      heat: hooks.heatMap(),
      grid: grid ? { cols: grid.cols, rows: grid.rows } : null,
      stations: hooks.stations(),
      summaryStations: (air.summary?.stations ?? []).map((s) => ({ id: s.id, aqi: s.aqi, level: s.level })),
      wind: hooks.wind(),
      contours: hooks.contours(),
      releases: air.summary?.releases.length ?? 0,
      layers: [...air.grids.keys()],
    };
  }, view === 'cesium' ? 'cesiumAir' : 'threeAir');
}

/** Distance from (x, y) to the segment a–b. */
function toSegment(x: number, y: number, [ax, ay]: number[], [bx, by]: number[]): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(ax + t * dx - x, ay + t * dy - y);
}

/**
 * A point of open ground near `near` (local metres): at least 40 m from every building's outline
 * and outside it, 25 m from every road line and 60 m from every facility, so a click there from
 * above hits the ground and nothing else.
 */
function openGround(city: CityModel, near: [number, number]): [number, number] {
  const within = (points: number[][], r: number) => points.some(([x, y]) => Math.abs(x - near[0]) < r && Math.abs(y - near[1]) < r);
  const outlines = city.buildings.filter((b) => within(b.footprint[0], 1500)).map((b) => b.footprint[0]);
  const roads = city.roads.links.filter((l) => within(l.geometry, 1500)).map((l) => l.geometry);
  const near2 = (x: number, y: number, lines: number[][][], r: number, closed: boolean) =>
    lines.some((line) => line.some((p, i) => (i > 0 || closed) && toSegment(x, y, line[(i + line.length - 1) % line.length], p) < r));
  const clear = (x: number, y: number) =>
    !outlines.some((ring) => pointInRing([x, y], ring)) && !near2(x, y, outlines, 40, true) && !near2(x, y, roads, 25, false) && city.pois.every((p) => Math.hypot(p.x - x, p.y - y) >= 60);
  const candidates: [number, number][] = [];
  for (let dx = -800; dx <= 800; dx += 20) for (let dy = -800; dy <= 800; dy += 20) candidates.push([near[0] + dx, near[1] + dy]);
  candidates.sort((a, b) => Math.hypot(a[0] - near[0], a[1] - near[1]) - Math.hypot(b[0] - near[0], b[1] - near[1]));
  const found = candidates.find(([x, y]) => clear(x, y));
  if (!found) throw new Error(`openGround: no open ground within 800 m of (${near.join(', ')})`);
  return found;
}

/** Hue in degrees and saturation of an RGB pixel. */
function hueOf([r, g, b]: Rgb): { h: number; s: number } {
  const max = Math.max(r, g, b);
  const c = max - Math.min(r, g, b);
  let h = 0;
  if (c > 0) h = max === r ? ((g - b) / c + 6) % 6 : max === g ? (b - r) / c + 2 : (r - g) / c + 4;
  return { h: h * 60, s: max > 0 ? c / max : 0 };
}

/** True when a pixel reads as the official colour of AQI level `level` (its hue, saturated). */
function isLevelColor(rgb: Rgb, level: number): boolean {
  const n = Number.parseInt(AQI_LEVELS[level - 1].color.slice(1), 16);
  const want = hueOf([(n >> 16) & 255, (n >> 8) & 255, n & 255]).h;
  const { h, s } = hueOf(rgb);
  return s > 0.5 && Math.min(Math.abs(h - want), 360 - Math.abs(h - want)) <= 20;
}

/** The part of the page the 3D view shows between the panels: left column, right column, header and timeline left out. */
const CITY = { x: 290, y: 70, width: 660, height: 530 };
const samplePoints = Array.from({ length: 15 * 12 }, (_, i) => ({ x: CITY.x + 20 + (i % 15) * 44, y: CITY.y + 20 + Math.floor(i / 15) * 44 }));

// The air layer against the real server's live baseline (traffic and environment) in real Chromium, in both views.
describe('air layer', () => {
  const suite = useTwinSuite('/?layers=air&clock=scene');
  /** The open ground the camera looks at and the tests click, near the city's first station. */
  let spot: { x: number; y: number; lon: number; lat: number; height: number } | null = null;

  /** Where the camera looks: between the open ground and the station, so both are in view. */
  let target: { lon: number; lat: number; height: number } | null = null;

  function placeOf(city: CityModel) {
    if (spot && target) return { spot, target };
    const station = city.pois.find((p) => p.kind === 'aq_station');
    const [sx, sy] = station ? [station.x, station.y] : [0, 0];
    const [x, y] = openGround(city, [sx, sy]);
    const terrain = city.terrain as unknown as TerrainHeights;
    spot = { x, y, ...enuToGeodetic(city.origin, [x, y, terrainHeightAt(terrain, x, y)]) };
    const [mx, my] = [(x + sx) / 2, (y + sy) / 2];
    target = enuToGeodetic(city.origin, [mx, my, terrainHeightAt(terrain, mx, my)]);
    return { spot, target };
  }

  for (const view of ['cesium', 'three'] as const) {
    it(`draws the heat map on the terrain, the stations with their AQI and the wind in the ${view === 'cesium' ? 'globe' : 'night'} view, and the panel shows the citywide AQI`, async () => {
      const { page } = suite.tab;
      const { city, server } = suite.twin;
      const { spot: place, target: middle } = placeOf(city);
      // From 1 km, 70° down, looking north between the open ground and the station: both are in view.
      const camera = viewLookingAt(middle, 0, (-70 * Math.PI) / 180, 1000);
      const cameraParam = [camera.lon, camera.lat, camera.height, (camera.heading * 180) / Math.PI, (camera.pitch * 180) / Math.PI].join(',');
      const errorsBefore = suite.tab.errors.length;
      await page.goto(`${server.url}${view === 'three' ? '/three' : '/'}?layers=air&clock=scene&camera=${cameraParam}`);
      await waitForTwinEvent(page, view, 'view-ready', null, 0);
      expect(await page.locator('[data-layer="air"]').isChecked()).toBe(true);
      expect(await page.locator('[data-layer="traffic"]').isChecked()).toBe(false);
      await waitForTwinEvent(page, view, 'all-tiles-loaded', 'buildings', 0);
      const hooks = view === 'cesium' ? 'cesiumAir' : 'threeAir';
      await page.waitForFunction(
        (name) => {
          const h = (window.__twin as unknown as Record<string, { heatMap(): { shown: boolean }; stations(): unknown[]; wind(): { shown: boolean } } | undefined>)[name];
          return (h?.heatMap().shown ?? false) && (h?.stations().length ?? 0) > 0 && (h?.wind().shown ?? false);
        },
        hooks,
        { timeout: 240_000, polling: 500 },
      );
      await waitForIdle(page);

      // The heat map: the AQI grid's size, on a terrain-following mesh in the scene.
      const air = await seen(page, view);
      expect(air.heat).toMatchObject({ shown: true, layer: 'aqi', cols: air.grid?.cols, rows: air.grid?.rows });
      expect(air.grid).toEqual({ cols: 120, rows: 80 });
      expect(air.heat.vertices).toBeGreaterThan(120 * 80);
      if (view === 'three') expect(air.heat.inScene).toBe(true);
      // The stations: each drawn with its summary's AQI, its disc in its level's official colour.
      const byId = new Map(air.summaryStations.map((s) => [s.id, s]));
      for (const s of air.stations) expect(s.aqi).toBe(byId.get(s.id)?.aqi);
      const onScreen = air.stations.filter((s) => s.x > CITY.x && s.x < CITY.x + CITY.width && s.y > CITY.y && s.y < CITY.y + CITY.height);
      expect(onScreen.length).toBeGreaterThan(0);
      // Left of the disc's centre, clear of the figure on it.
      const discPixels = await pixelsAt(page, onScreen.map((s) => ({ x: s.x - 10, y: s.y })), `air-${view}-on`);
      onScreen.forEach((s, k) => expect(isLevelColor(discPixels[k], byId.get(s.id)!.level), `station ${s.id} disc ${JSON.stringify(discPixels[k])}`).toBe(true));

      // The panel: the citywide AQI with its level's name, the standard, the weather, the stations ranked.
      const panel = page.getByTestId('air-panel');
      await panel.waitFor({ timeout: 60_000 });
      const summary = await page.evaluate(() => {
        const s = (window.__twin as unknown as { live: { air: { summary: { aqi: number; level: number; standard: string } } } }).live.air.summary;
        return { aqi: s.aqi, level: s.level, standard: s.standard };
      });
      await expect.poll(() => page.getByTestId('air-aqi').textContent(), { timeout: 30_000 }).toMatch(/^\d+$/);
      const shownAqi = Number(await page.getByTestId('air-aqi').textContent());
      expect(Math.abs(shownAqi - summary.aqi)).toBeLessThanOrEqual(5);
      expect(await panel.locator('.aqi-now .aqi-chip').textContent()).toBe(AQI_LEVELS.find((l) => shownAqi >= l.min && shownAqi <= l.max)?.name.zh);
      expect(await page.getByTestId('air-figures').locator('dd').nth(1).textContent()).toBe('HJ 633—2026');
      expect(await page.getByTestId('air-wind').textContent()).toMatch(/^(北|东北|东|东南|南|西南|西|西北)风 [\d.]+ 米\/秒$/);
      expect(await page.getByTestId('air-weather').locator('dd').first().textContent()).toMatch(/^(A|A-B|B|B-C|C|C-D|D|E|F) 类/);
      const ranked = (await page.getByTestId('air-station-aqi').allTextContents()).map(Number);
      expect(ranked.length).toBe(air.summaryStations.length);
      expect([...ranked].sort((a, b) => b - a)).toEqual(ranked);
      await expect.poll(() => page.getByTestId('air-chart').getAttribute('data-points'), { timeout: 30_000 }).not.toBe('0');
      await screenshotElement(page, '[data-testid="air-legend"]', `air-${view}-legend`);
      // The right-hand column scrolls within the page: a tall page shows the whole panel for its picture.
      await page.setViewportSize({ width: 1280, height: 1800 });
      await panel.scrollIntoViewIfNeeded();
      await screenshotElement(page, '[data-testid="air-panel"]', `air-${view}-panel`);
      await page.setViewportSize({ width: 1280, height: 720 });
      await waitForIdle(page);

      // The wind moves while the run plays.
      const steps = air.wind.steps;
      await expect.poll(async () => (await seen(page, view)).wind.steps, { timeout: 30_000 }).toBeGreaterThan(steps);

      // Drawn over the city, not instead of it: the picture still varies as much, and it differs from the picture without the layer.
      const varianceOn = await screenshotWithVariance(page, `air-${view}-city-on`, CITY);
      const on = await pixelsAt(page, samplePoints);
      await page.locator('[data-layer="air"]').uncheck();
      await page.waitForFunction((name) => !(window.__twin as unknown as Record<string, { heatMap(): { shown: boolean } }>)[name].heatMap().shown, hooks, { timeout: 30_000 });
      await waitForIdle(page);
      await page.waitForTimeout(1500);
      const varianceOff = await screenshotWithVariance(page, `air-${view}-city-off`, CITY);
      const off = await pixelsAt(page, samplePoints);
      const changed = on.filter((p, k) => Math.abs(p[0] - off[k][0]) + Math.abs(p[1] - off[k][1]) + Math.abs(p[2] - off[k][2]) > 24).length;
      console.log(`${view}: ${changed} of ${on.length} pixels changed by the air layer; luminance σ ${varianceOn.toFixed(1)} on, ${varianceOff.toFixed(1)} off`);
      expect(changed).toBeGreaterThan(on.length * 0.3);
      expect(varianceOn).toBeGreaterThan(varianceOff * 0.5);
      await page.locator('[data-layer="air"]').check();
      await page.waitForFunction((name) => (window.__twin as unknown as Record<string, { heatMap(): { shown: boolean } }>)[name].heatMap().shown, hooks, { timeout: 30_000 });
      await waitForIdle(page);

      // A click on open ground shows the air there, as the server answers for that point.
      const at = await page.evaluate((p) => window.__twin!.probe!.project({ lon: p.lon, lat: p.lat, height: p.height }), place);
      expect(at).not.toBeNull();
      await page.mouse.click(at!.x, at!.y);
      const inspector = page.getByTestId('air-inspector');
      await inspector.waitFor({ timeout: 30_000 });
      const pick = await page.evaluate(() => window.__twin!.store.getState().layerPick as { layer: string; kind: string; lon: number; lat: number });
      expect(pick).toMatchObject({ layer: 'air', kind: 'point' });
      // Where the click landed: within a few metres of the spot aimed at.
      expect(Math.abs(pick.lon - place.lon) * 92_600).toBeLessThan(15);
      expect(Math.abs(pick.lat - place.lat) * 111_000).toBeLessThan(15);
      await expect.poll(() => page.getByTestId('air-point-aqi').textContent(), { timeout: 30_000 }).toMatch(/^\d+$/);
      const answer = await page.evaluate(async (p) => (await (await fetch(`/api/runs/live/air/point?lon=${p.lon}&lat=${p.lat}`)).json()) as { aqi: number }, pick);
      expect(Math.abs(Number(await page.getByTestId('air-point-aqi').textContent()) - answer.aqi)).toBeLessThanOrEqual(5);
      const rows = await page.getByTestId('air-point-concentrations').locator('dt').allTextContents();
      expect(rows.slice(0, 6)).toEqual(['PM2.5', 'PM10', 'SO₂', 'NO₂', 'CO', 'O₃']);
      await screenshotElement(page, '[data-testid="air-inspector"]', `air-${view}-point`);
      expect(suite.tab.errors.slice(errorsBefore)).toEqual([]);
    }, 900_000);
  }

  it('simulates a release from the point inspector and outlines its plume in both views', async () => {
    const { page } = suite.tab;
    const { server } = suite.twin;
    const errorsBefore = suite.tab.errors.length;
    // Still the night view, the point inspector open: a planner starts a chlorine leak there.
    await page.getByTestId('air-simulate-substance').selectOption('chlorine');
    await page.getByTestId('air-simulate-start').click();
    // Ten sim minutes a wall second until the plume is in the grids, so it has spread over a few cells.
    await page.evaluate(() => fetch('/api/runs/live/control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'speed', factor: 10 }) }));
    try {
      await expect.poll(async () => (await seen(page, 'three')).layers.includes('chlorine'), { timeout: 120_000 }).toBe(true);
      await expect.poll(async () => (await seen(page, 'three')).contours, { timeout: 120_000 }).toBeGreaterThan(0);
    } finally {
      await page.evaluate(() => fetch('/api/runs/live/control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'speed', factor: 1 }) }));
    }
    expect((await seen(page, 'three')).releases).toBe(1);
    await expect.poll(() => page.getByTestId('air-releases').textContent(), { timeout: 30_000 }).toMatch(/^氯气，1,000 克\/秒，离地 2 米进行中/);
    // The legend offers the substance; the heat map shows its plume on a log scale.
    await page.getByTestId('air-heat-layer').selectOption('chlorine');
    await expect.poll(async () => (await seen(page, 'three')).heat.layer, { timeout: 30_000 }).toBe('chlorine');
    expect(await page.getByTestId('air-ramp').textContent()).toMatch(/μg\/m³（对数）$/);
    await waitForIdle(page);
    await page.screenshot({ path: 'test-results/air-three-release.png' });

    // The globe draws the same plume's contours (the choice is the page's: the heat map shows AQI again there).
    const url = new URL(page.url());
    await page.goto(`${server.url}/${url.search}`);
    await waitForTwinEvent(page, 'cesium', 'all-tiles-loaded', 'buildings', 0);
    await expect.poll(async () => (await seen(page, 'cesium')).contours, { timeout: 120_000 }).toBeGreaterThan(0);
    // And draws them again from each new grid (a minute's grids later, the lines are remade, not lost).
    const gridVersion = () => page.evaluate(() => (window.__twin as unknown as { live: { air: { gridVersion: number } } }).live.air.gridVersion);
    const before = await gridVersion();
    await page.evaluate(() => fetch('/api/runs/live/control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'speed', factor: 10 }) }));
    try {
      await expect.poll(gridVersion, { timeout: 120_000 }).toBeGreaterThan(before + 8);
    } finally {
      await page.evaluate(() => fetch('/api/runs/live/control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'speed', factor: 1 }) }));
    }
    await expect.poll(async () => (await seen(page, 'cesium')).contours, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('air-heat-layer').selectOption('chlorine');
    await expect.poll(async () => (await seen(page, 'cesium')).heat.layer, { timeout: 30_000 }).toBe('chlorine');
    await waitForIdle(page);
    await page.screenshot({ path: 'test-results/air-cesium-release.png' });
    expect(suite.tab.errors.slice(errorsBefore)).toEqual([]);
  }, 600_000);
});
