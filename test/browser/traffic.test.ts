import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { viewLookingAt } from '../../client/twin/geo.ts';
import type { LonLatHeight } from '../../client/twin/types.ts';
import { enuToGeodetic } from '../../server/protocol/geo.ts';
import { roadLines, type RoadLines } from '../../server/tiles/roadLines.ts';
import { resolveOdPairs } from '../../server/sim/traffic/resolveOdPairs.ts';
import { trafficNetworkOf } from '../../server/sim/traffic/TrafficNetwork.ts';
import { api, pixelsAt, screenshotElement, useTwinSuite, waitForIdle, waitForTwinEvent } from './harness.ts';
import { isLevelColor } from './levelColors.ts';

/** The page's twin store, for the steps a click in the 3D view would do (the views' own tests click). */
function pick(page: Page, value: unknown): Promise<void> {
  return page.evaluate((v) => (window.__twin!.store as unknown as { pickLayer(p: unknown): void }).pickLayer(v), value);
}

/** The longest arterial link within 1 km of the city's origin, and `n` points evenly along it (lon/lat/height). */
function centralArterial(roads: RoadLines, origin: LonLatHeight, n: number): { k: number; heading: number; points: LonLatHeight[] } {
  const at = (p: number) => [roads.points[3 * p], roads.points[3 * p + 1], roads.points[3 * p + 2]] as [number, number, number];
  let best = -1;
  let bestLength = 0;
  for (let k = 0; k < roads.count; k++) {
    if (roads.classes[k] !== 'arterial') continue;
    const [a, b] = [at(roads.starts[k]), at(roads.starts[k + 1] - 1)];
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (Math.hypot((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) < 1000 && length > bestLength) [best, bestLength] = [k, length];
  }
  if (best < 0) throw new Error('centralArterial: no arterial link near the centre');
  const [a, b] = [at(roads.starts[best]), at(roads.starts[best + 1] - 1)];
  // Between 20 % and 80 % of the way, on the polyline (its points are dense: the nearest one will do).
  const points = Array.from({ length: n }, (_, i) => {
    const t = 0.2 + (0.6 * i) / (n - 1);
    const want = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    let nearest = roads.starts[best];
    for (let p = roads.starts[best]; p < roads.starts[best + 1]; p++) {
      if (Math.hypot(at(p)[0] - want[0], at(p)[1] - want[1]) < Math.hypot(at(nearest)[0] - want[0], at(nearest)[1] - want[1])) nearest = p;
    }
    return enuToGeodetic(origin, at(nearest));
  });
  return { k: best, heading: Math.atan2(b[0] - a[0], b[1] - a[1]), points };
}

/** Where the points are on the page now (the active view's projection), null when off screen. */
function onPage(page: Page, points: LonLatHeight[]): Promise<({ x: number; y: number } | null)[]> {
  return page.evaluate((ps) => ps.map((p) => window.__twin!.probe!.project(p)), points);
}

// The traffic panels against the real server's live baseline (the microscopic traffic engine) in real Chromium.
describe('traffic panels', () => {
  const suite = useTwinSuite('/three');

  it('shows the citywide and district index, the 24-hour chart and the most congested roads', async () => {
    const { page } = suite.tab;
    await waitForTwinEvent(page, 'three', 'view-ready', null, 0);
    const panel = page.getByTestId('traffic-panel');
    await panel.waitFor({ timeout: 240_000 });
    // The index as the panel prints it, one decimal within 0–10 (an empty element is no index).
    const index = (await page.getByTestId('traffic-index').textContent()) ?? '';
    expect(index).toMatch(/^\d+\.\d$/);
    expect(Number(index)).toBeLessThanOrEqual(10);
    expect(await panel.locator('.level-chip').first().textContent()).toMatch(/^(畅通|基本畅通|轻度拥堵|中度拥堵|严重拥堵)$/);
    expect(Number((await page.getByTestId('traffic-vehicles').textContent())?.replace(/,/g, ''))).toBeGreaterThan(100);
    await expect.poll(() => panel.locator('.district-bars li').count()).toBe(3);
    expect(await panel.locator('.district-bars li').first().textContent()).toMatch(/^(新华区|卫东区|湛河区)\d+\.\d$/);
    await expect.poll(() => page.locator('.traffic-chart').getAttribute('data-points'), { timeout: 30_000 }).not.toBe('0');
    expect(await page.locator('.traffic-chart canvas').count()).toBe(1);
    await expect.poll(() => page.getByTestId('traffic-worst').locator('li').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    // Each congested road: its name (or id), its index and its speed.
    for (const text of await page.getByTestId('traffic-worst').locator('li').allTextContents()) expect(text).toMatch(/^\S.*\d+\.\d[\d.]+ 公里\/时$/);
    // Travel times between the districts: a time, or 不可达 for a pair no open road connects.
    const od = await page.getByTestId('traffic-od').allTextContents();
    expect(od).toHaveLength(6);
    for (const text of od) expect(text).toMatch(/^(新华区|卫东区|湛河区)→(新华区|卫东区|湛河区)([\d.]+ 分钟|不可达)$/);
    await page.screenshot({ path: 'test-results/traffic-panel.png' });
  }, 600_000);

  it('shows a road from the worst list, closes it in the run and opens it again', async () => {
    const { page } = suite.tab;
    // The list is redrawn every second: which road the click hit is what the store picked.
    await page.getByTestId('traffic-worst').locator('button').first().click();
    const linkId = await page.evaluate(() => String(window.__twin!.store.getState().layerPick?.linkId));
    const link = suite.twin.city.roads.links.find((l) => l.id === linkId);
    const inspector = page.getByTestId('traffic-inspector');
    await expect.poll(() => page.getByTestId('inspector-name').textContent(), { timeout: 30_000 }).toBe(link?.name || linkId);
    expect(await inspector.textContent()).toContain(linkId);
    await expect.poll(() => page.getByTestId('inspector-index').textContent(), { timeout: 30_000 }).toMatch(/^\d+\.\d$/);

    await page.getByTestId('close-road').click();
    // The run closed it: the link frames say so, and the inspector offers to reopen.
    await expect.poll(() => page.getByTestId('close-road').textContent(), { timeout: 60_000 }).toBe('恢复通行');
    const k = suite.twin.city.roads.links.findIndex((l) => l.id === linkId);
    const closedInFrame = () =>
      page.evaluate((index) => (window.__twin as unknown as { live: { traffic: { links: { closed: Uint8Array } | null } } }).live.traffic.links?.closed[index], k);
    await expect.poll(closedInFrame, { timeout: 60_000 }).toBe(1);
    await page.screenshot({ path: 'test-results/traffic-road-closed.png' });
    await page.getByTestId('close-road').click();
    await expect.poll(() => page.getByTestId('close-road').textContent(), { timeout: 60_000 }).toBe('封闭该路段');
  }, 300_000);

  it('shows a district-to-district trip that closures cut off as 不可达, and its time again once they reopen', async () => {
    const { page } = suite.tab;
    // The panel's pairs as the engine makes them (district centre to district centre), and every road into one's destination.
    const city = suite.twin.city;
    const net = trafficNetworkOf(city);
    const pairs = resolveOdPairs(net, city, undefined);
    const target = pairs[0].to;
    const cutOff = pairs.filter((p) => p.to === target).map((p) => p.id);
    const into = Array.from(net.inLinks.subarray(net.inStart[target], net.inStart[target + 1]), (k) => net.linkIds[k]);
    const injectAll = (kind: string) => Promise.all(into.map((linkId) => api(suite.twin, '/api/runs/live/control', { action: 'inject', kind, params: { linkId } })));
    const row = (id: string) => page.locator(`[data-testid="traffic-od"][data-od="${id}"]`);
    await injectAll('traffic.close_link');
    try {
      for (const id of cutOff) await expect.poll(() => row(id).textContent(), { timeout: 60_000 }).toMatch(/不可达$/);
      for (const p of pairs) if (!cutOff.includes(p.id)) expect(await row(p.id).textContent()).toMatch(/[\d.]+ 分钟$/);
      await row(cutOff[0]).scrollIntoViewIfNeeded();
      await screenshotElement(page, '[data-testid="traffic-panel"]', 'traffic-od-unreachable');
    } finally {
      await injectAll('traffic.open_link');
    }
    for (const id of cutOff) await expect.poll(() => row(id).textContent(), { timeout: 60_000 }).toMatch(/[\d.]+ 分钟$/);
  }, 300_000);

  it('shows a vehicle’s kind, speed and destination', async () => {
    const { page } = suite.tab;
    const id = await page.evaluate(() => (window.__twin as unknown as { live: { positions(n: number): { id: number }[] } }).live.positions(1)[0]?.id);
    expect(id).toBeGreaterThan(0);
    await pick(page, { layer: 'traffic', kind: 'vehicle', objectId: id });
    const figures = page.getByTestId('vehicle-figures');
    await expect.poll(() => figures.textContent(), { timeout: 30_000 }).toMatch(/类型(小汽车|公交车|货车|应急车辆)/);
    expect(await figures.textContent()).toMatch(/平均车速[\d.]+ 公里\/时/);
    expect(await figures.textContent()).toMatch(/目的地[^—]/);
  }, 120_000);

  it('runs a what-if from now with a road closed and shows baseline and variant side by side', async () => {
    const { page } = suite.tab;
    await page.getByTestId('traffic-worst').locator('button').first().click();
    const linkId = await page.evaluate(() => String(window.__twin!.store.getState().layerPick?.linkId));
    const name = suite.twin.city.roads.links.find((l) => l.id === linkId)?.name || linkId;
    await expect.poll(() => page.getByTestId('inspector-name').textContent(), { timeout: 30_000 }).toBe(name);
    await page.getByTestId('add-to-whatif').click();
    expect(await page.getByTestId('whatif-changes').textContent()).toContain(`封闭 ${name}`);
    await page.getByTestId('whatif-horizon').selectOption('15');
    await page.getByTestId('whatif-start').click();
    const result = page.getByTestId('whatif-result');
    await result.waitFor({ timeout: 30_000 });
    await expect.poll(() => result.getAttribute('data-status'), { timeout: 600_000, interval: 2000 }).toBe('done');
    const table = result.locator('table.compare');
    expect(await table.locator('thead').textContent()).toBe('基准方案变化');
    expect(await table.locator('tbody tr').first().textContent()).toMatch(/^交通指数\d+\.\d\d\d+\.\d\d[+-]?\d+\.\d\d$/);
    // Changes that round to nothing read as plain zeros; when every one does, the panel says so in words.
    const changes = await table.locator('tbody tr td:last-child').allTextContents();
    expect(changes.filter((c) => /^-0(\.0+)?$/.test(c))).toEqual([]);
    const unchanged = changes.every((c) => /^0(\.0+)?$/.test(c));
    expect(await result.getByTestId('whatif-no-difference').count()).toBe(unchanged ? 1 : 0);
    console.log(`what-if changes: ${changes.join(' ')}`);
    await result.scrollIntoViewIfNeeded();
    await screenshotElement(page, '[data-testid="whatif-panel"]', 'traffic-whatif');
    // A bad request is answered with the server's message, naming the field.
    const error = await page.evaluate(async () => {
      const r = await fetch('/api/whatif', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fromRunId: 'live', changes: [{ kind: 'traffic.close_link', params: { linkId: 'nope' } }] }) });
      return ((await r.json()) as { error: { message: string } }).error.message;
    });
    expect(error).toBe('POST /api/whatif: changes[0].params.linkId: no link "nope" in city pingdingshan');
  }, 900_000);

  // Last: these open the page again, in each view, with the traffic layer off.
  describe('?layers=', () => {
    for (const view of ['three', 'cesium'] as const) {
      it(`starts the ${view === 'three' ? 'night' : 'globe'} view with only the listed layers, and draws traffic once it is turned on`, async () => {
        const { page } = suite.tab;
        const { city, server } = suite.twin;
        const road = centralArterial(roadLines(city), city.origin, 9);
        // Looking along the street from 450 m, 60° down: the same picture before and after.
        const camera = viewLookingAt(road.points[4], road.heading, (-60 * Math.PI) / 180, 450);
        const cameraParam = [camera.lon, camera.lat, camera.height, (camera.heading * 180) / Math.PI, (camera.pitch * 180) / Math.PI].join(',');
        const errorsBefore = suite.tab.errors.length;
        const warnings: string[] = [];
        const onConsole = (m: { type(): string; text(): string }) => {
          if (m.type() === 'warning') warnings.push(m.text());
        };
        page.on('console', onConsole);
        try {
          // "nosuch" is no layer: ignored, with a warning; traffic is not listed, so it is off.
          await page.goto(`${server.url}${view === 'three' ? '/three' : '/'}?layers=nosuch&clock=scene&camera=${cameraParam}`);
          await waitForTwinEvent(page, view, 'view-ready', null, 0);
          const toggle = page.locator('[data-layer="traffic"]');
          expect(await toggle.isChecked()).toBe(false);
          expect(warnings.filter((w) => w.includes('?layers=') && w.includes('"nosuch"'))).toHaveLength(1);
          // The stream brings vehicles and link frames all the same (the panels show them); the city is in.
          await page.waitForFunction(
            () => {
              const live = (window.__twin as unknown as { live: { positions(n: number): unknown[]; traffic?: { links: unknown } } }).live;
              return live.positions(1).length > 0 && (live.traffic?.links ?? null) !== null;
            },
            undefined,
            { timeout: 240_000, polling: 250 },
          );
          await waitForTwinEvent(page, view, 'all-tiles-loaded', 'buildings', 0);
          await waitForIdle(page);
          await page.getByTestId('traffic-panel').waitFor({ timeout: 60_000 });
          const hooks = view === 'three' ? 'threeTraffic' : 'cesiumTraffic';
          const drawn = () =>
            page.evaluate((name) => {
              const twin = window.__twin as unknown as Record<string, unknown> & { counters: Record<string, number> };
              return { hooks: name in twin, vehicles: twin.counters[`${name === 'threeTraffic' ? 'three' : 'cesium'}.objectsDrawn`] ?? 0 };
            }, hooks);
          expect(await drawn()).toEqual({ hooks: false, vehicles: 0 });
          const points = (await onPage(page, road.points)).filter((p) => p !== null);
          expect(points.length).toBeGreaterThanOrEqual(7);
          const off = await pixelsAt(page, points, `layers-${view}-traffic-off`);
          expect(off.filter(isLevelColor).length, `pixels ${JSON.stringify(off)}`).toBeLessThanOrEqual(1);

          // On from the layer panel, as a user would.
          await toggle.check();
          await page.waitForFunction(
            (name) => {
              const twin = window.__twin as unknown as Record<string, { roadsShown(): boolean; vehicles?(): unknown[]; vehicleScreenPoints?(): unknown[] } | undefined>;
              const h = twin[name];
              return (h?.roadsShown() ?? false) && ((h?.vehicles ?? h?.vehicleScreenPoints)?.call(h).length ?? 0) > 0;
            },
            hooks,
            { timeout: 240_000, polling: 250 },
          );
          await waitForIdle(page);
          expect((await drawn()).vehicles).toBeGreaterThan(0);
          // The ribbons of every cell in view may take a few frames more under load: look again for up to 30 s.
          let on = await pixelsAt(page, points, `layers-${view}-traffic-on`);
          for (let tries = 0; tries < 10 && on.filter(isLevelColor).length < Math.ceil(points.length / 2); tries++) {
            await page.waitForTimeout(3000);
            on = await pixelsAt(page, points, `layers-${view}-traffic-on`);
          }
          expect(on.filter(isLevelColor).length, `pixels ${JSON.stringify(on)}`).toBeGreaterThanOrEqual(Math.ceil(points.length / 2));
        } finally {
          page.off('console', onConsole);
        }
        expect(suite.tab.errors.slice(errorsBefore)).toEqual([]);
      }, 600_000);
    }
  });
});
