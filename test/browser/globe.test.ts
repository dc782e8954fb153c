import { describe, expect, it } from 'vitest';
import {
  foreignRequests,
  knownBuilding,
  pageNow,
  screenshotWithVariance,
  waitForIdle,
  waitForTwinEvent,
  useTwinSuite,
} from './harness.ts';

// The Cesium view in real Chromium (SwiftShader): the city renders, picking, i18n, nothing leaves the machine.
describe('globe view (Cesium)', () => {
  const suite = useTwinSuite();

  it('loads the city tiles, flies to the city and draws it', async () => {
    const { page } = suite.tab;
    // The fixed daytime clock (not the live run's early morning), so the sun and the picture are the same every run.
    await page.goto(`${suite.twin.server.url}/?clock=scene`);
    await waitForTwinEvent(page, 'cesium', 'tileset-ready', 'buildings', 0);
    await waitForTwinEvent(page, 'cesium', 'all-tiles-loaded', 'buildings', 0);
    await waitForIdle(page);
    await expect.poll(() => page.getByTestId('city-name').textContent()).toBe(suite.twin.city.name.zh);
    await expect.poll(() => page.getByTestId('synthetic-badge').textContent()).toBe('合成数据');
    expect(await page.getByTestId('clock').textContent()).toBe('场景时间 2025年6月21日 10:30');
    // The middle of the view, between the panels, where the camera looks at the buildings.
    const variance = await screenshotWithVariance(page, 'globe-view', { x: 300, y: 100, width: 680, height: 500 });
    expect(variance).toBeGreaterThan(12);
  }, 600_000);

  it('shows a building’s name, height and use when it is clicked', async () => {
    const { page } = suite.tab;
    const b = await knownBuilding(suite.twin.city);
    const since = await pageNow(page);
    // Look almost straight down at its roof from 350 m above, so no neighbour hides it.
    await page.evaluate(
      ({ lon, lat, roof }) => window.__twin!.store.command({ kind: 'flyTo', view: { lon, lat: lat - 0.0003, height: roof + 350, heading: 0, pitch: -1.45 }, duration: 0 }),
      b,
    );
    await waitForTwinEvent(page, 'cesium', 'camera-idle', null, since);
    await waitForIdle(page);
    const at = await page.evaluate((p) => window.__twin!.probe!.project({ lon: p.lon, lat: p.lat, height: p.roof }), b);
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    await expect.poll(() => page.getByTestId('building-name').textContent(), { timeout: 60_000 }).toBe(b.name);
    const panel = await page.getByTestId('info-panel').textContent();
    expect(panel).toContain(b.id);
    expect(panel).toContain('米');
    await screenshotWithVariance(page, 'globe-picked', { x: 0, y: 0, width: 1280, height: 720 });
  }, 600_000);

  it('switches the interface to English and back', async () => {
    const { page } = suite.tab;
    await page.locator('[data-lang="en"]').click();
    await expect.poll(() => page.locator('#layers-title').textContent()).toBe('Layers');
    expect(await page.getByTestId('city-name').textContent()).toBe(suite.twin.city.name.en);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshotWithVariance(page, 'globe-english', { x: 0, y: 0, width: 1280, height: 720 });
    await page.locator('[data-lang="zh-CN"]').click();
    await expect.poll(() => page.locator('#layers-title').textContent()).toBe('图层');
  }, 120_000);

  it('asks nothing of any other host and logs no console error', () => {
    expect(suite.tab.requests.length).toBeGreaterThan(10);
    expect(foreignRequests(suite.tab.requests, suite.twin.server.url)).toEqual([]);
    expect(suite.tab.errors).toEqual([]);
  });
});
