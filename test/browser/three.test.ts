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

// The Three.js night view in real Chromium (SwiftShader), reached from the globe view as a user would.
describe('night view (Three.js)', () => {
  const suite = useTwinSuite();

  it('keeps a building selected in the globe view when switching to the night view', async () => {
    const { page } = suite.tab;
    await waitForTwinEvent(page, 'cesium', 'tileset-ready', 'buildings', 0);
    const b = await knownBuilding(suite.twin.city);
    await page.evaluate(
      (r) => window.__twin!.store.select({ id: r.id, name: r.name, height: 1, floors: 1, use: 'office', district: '', grid: '' }),
      b,
    );
    await page.getByRole('link', { name: '夜景大屏' }).click();
    await expect.poll(() => page.evaluate(() => window.location.pathname)).toBe('/three');
    await waitForTwinEvent(page, 'three', 'view-ready', null, 0);
    expect(await page.getByTestId('building-name').textContent()).toBe(b.name);
    await page.getByRole('button', { name: '取消选择' }).click();
  }, 600_000);

  it('loads the city tiles centred at the scene origin and draws them at night', async () => {
    const { page } = suite.tab;
    await waitForTwinEvent(page, 'three', 'tileset-ready', 'buildings', 0);
    await waitForTwinEvent(page, 'three', 'all-tiles-loaded', 'buildings', 0);
    await waitForIdle(page);
    // The city origin projects near the middle of the view: the city is where the camera looks.
    const origin = await page.evaluate((o) => window.__twin!.probe!.project(o), suite.twin.city.origin);
    expect(origin).not.toBeNull();
    expect(origin!.x).toBeGreaterThan(200);
    expect(origin!.x).toBeLessThan(1080);
    const variance = await screenshotWithVariance(page, 'three-view', { x: 300, y: 100, width: 680, height: 500 });
    expect(variance).toBeGreaterThan(12);
  }, 600_000);

  it('shows the joined run’s clock in the header, as the timeline bar does', async () => {
    const { page } = suite.tab;
    // The page joined the live baseline, whose day starts 2026-03-16 06:00 in Asia/Shanghai.
    await expect.poll(() => page.getByTestId('clock').getAttribute('data-source'), { timeout: 60_000 }).toBe('run');
    const header = await page.getByTestId('clock').textContent();
    expect(header).toMatch(/^运行时间 2026年3月16日 0[6-9]:\d\d$/);
    const bar = await page.getByTestId('sim-clock').textContent();
    // The same hour as the bar (minutes could tick over between the two reads).
    expect(header!.slice(-5, -3)).toBe(bar!.slice(11, 13));
  }, 120_000);

  it('shows a building’s name when it is clicked', async () => {
    const { page } = suite.tab;
    const b = await knownBuilding(suite.twin.city);
    const since = await pageNow(page);
    await page.evaluate(
      ({ lon, lat, roof }) => window.__twin!.store.command({ kind: 'flyTo', view: { lon, lat: lat - 0.0003, height: roof + 350, heading: 0, pitch: -1.45 }, duration: 0 }),
      b,
    );
    await waitForTwinEvent(page, 'three', 'camera-idle', null, since);
    await waitForIdle(page);
    const at = await page.evaluate((p) => window.__twin!.probe!.project({ lon: p.lon, lat: p.lat, height: p.roof }), b);
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    await expect.poll(() => page.getByTestId('building-name').textContent(), { timeout: 60_000 }).toBe(b.name);
    expect(await page.getByTestId('info-panel').textContent()).toContain(b.id);
    await waitForIdle(page);
    await screenshotWithVariance(page, 'three-picked', { x: 0, y: 0, width: 1280, height: 720 });
  }, 600_000);

  it('switches the interface to English', async () => {
    const { page } = suite.tab;
    await page.locator('[data-lang="en"]').click();
    await expect.poll(() => page.locator('#layers-title').textContent()).toBe('Layers');
    expect(await page.getByRole('link', { name: 'Night view' }).getAttribute('aria-current')).toBe('page');
    await waitForIdle(page);
    await screenshotWithVariance(page, 'three-english', { x: 0, y: 0, width: 1280, height: 720 });
  }, 120_000);

  it('asks nothing of any other host and logs no console error', () => {
    expect(foreignRequests(suite.tab.requests, suite.twin.server.url)).toEqual([]);
    expect(suite.tab.errors).toEqual([]);
  });
});
