import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, ensureClientBuilt, launchBrowser, openPageIn, screenshotWithVariance, startTwinServer, waitForTwinEvent, type TwinPage, type TwinServer } from './harness.ts';

/** The highrise fire breaks out at T+00:40:00; ten minutes later engines, ambulances and the injured are on the move. */
const FIRE_RUN_AT_MS = 50 * 60_000;

/** The box of the screen's 3D view in the window. */
async function viewBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('.screen-view').boundingBox();
  if (!box) throw new Error('screen: the 3D view has no box');
  return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
}

/** Every panel's box lies inside the window, and no two panels overlap (nothing clipped off the wall). */
async function expectPanelsLaidOut(page: Page, width: number, height: number): Promise<void> {
  const boxes = await page.locator('.screen-panel').evaluateAll((els) => els.map((e) => ({ name: e.className, ...e.getBoundingClientRect().toJSON() }) as { name: string; x: number; y: number; width: number; height: number }));
  expect(boxes.length).toBeGreaterThanOrEqual(6);
  for (const b of boxes) {
    expect(b.x, b.name).toBeGreaterThanOrEqual(0);
    expect(b.y + b.height, b.name).toBeLessThanOrEqual(height + 0.5);
    expect(b.x + b.width, b.name).toBeLessThanOrEqual(width + 0.5);
    expect(b.height, `${b.name} is too short to read`).toBeGreaterThan(150);
  }
  for (const a of boxes) for (const b of boxes) if (a !== b) expect(a.x + a.width <= b.x + 0.5 || b.x + b.width <= a.x + 0.5 || a.y + a.height <= b.y + 0.5 || b.y + b.height <= a.y + 0.5, `${a.name} overlaps ${b.name}`).toBe(true);
  // No scrollbars: the page is exactly the window.
  expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])).toEqual([width, height]);
}

// The video wall (/screen) against the real server in real Chromium: the live baseline on a 16:9 screen with a tour, a cut and its recovery; an emergency run on a 32:9 wall.
describe('video wall', () => {
  let twin: TwinServer;
  let browser: Browser;
  let fireRun: string;
  beforeAll(async () => {
    await ensureClientBuilt();
    twin = await startTwinServer();
    browser = await launchBrowser();
    // The fire run seeks in the server while the first tests run.
    fireRun = ((await api(twin, '/api/runs', { scenarioId: 'highrise-fire' })) as { state: { runId: string } }).state.runId;
    // A new run warms its engines up before it takes controls.
    for (let tries = 0; !(await api(twin, `/api/runs/${fireRun}/control`, { action: 'pause' }).then(() => true, (err: Error) => (/"starting"/.test(err.message) ? false : Promise.reject(err)))); tries++) {
      if (tries > 300) throw new Error(`screen.test: run ${fireRun} still starting after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    await api(twin, `/api/runs/${fireRun}/control`, { action: 'seek', simTimeMs: FIRE_RUN_AT_MS });
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await twin?.close();
  });

  let tab: TwinPage;
  it('shows the live run at 1920×1080: the clock, the figures, the panels, the city, and a tour whose caption moves on', async () => {
    tab = await openPageIn(browser, `${twin.server.url}/screen?tour=city-overview`, { width: 1920, height: 1080 }, await twin.cookie('viewer'));
    const { page } = tab;
    // The live run's clock, in Asia/Shanghai.
    await expect.poll(() => page.getByTestId('screen-clock').locator('.time').textContent(), { timeout: 120_000 }).toMatch(/^\d\d:\d\d:\d\d$/);
    const epochMs = Number(await page.getByTestId('screen-clock').getAttribute('data-epoch-ms'));
    expect(epochMs).toBeGreaterThan(Date.UTC(2026, 0, 1));
    // The header's figures from the stream, and the dashboard's panels.
    await expect.poll(() => page.getByTestId('screen-header-traffic').textContent(), { timeout: 120_000 }).toMatch(/\d+\.\d/);
    await expect.poll(() => page.getByTestId('screen-header-aqi').textContent(), { timeout: 180_000 }).toMatch(/\d+/);
    await expect.poll(() => page.getByTestId('screen-weather').textContent(), { timeout: 60_000 }).toMatch(/°C/);
    await expect.poll(() => page.getByTestId('screen-traffic-index').textContent(), { timeout: 60_000 }).toMatch(/^\d+\.\d$/);
    await expect.poll(() => page.getByTestId('screen-aqi').textContent(), { timeout: 60_000 }).toMatch(/^\d+$/);
    await expect.poll(() => page.getByTestId('screen-worst-roads').locator('li button').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    // The tour's first caption, then the next one.
    const caption = page.getByTestId('tour-caption');
    await expect.poll(() => caption.textContent(), { timeout: 120_000 }).toContain('平顶山市区全景');
    await waitForTwinEvent(page, 'three', 'view-ready', null, 0);
    await expect.poll(() => caption.getAttribute('data-index'), { timeout: 60_000 }).toBe('1');
    expect(await caption.textContent()).toContain('鹰城广场');
    await expectPanelsLaidOut(page, 1920, 1080);
    await page.waitForTimeout(4000);
    const variance = await screenshotWithVariance(page, 'screen-1920x1080', await viewBox(page));
    expect(variance, 'the 3D view is blank').toBeGreaterThan(5);
    expect(tab.errors.filter((e) => !/dashboard/.test(e))).toEqual([]);
  }, 600_000);

  it('says the feed is stale when the network is cut, and recovers by itself when it is back', async () => {
    const { page } = tab;
    const context = page.context();
    await expect.poll(() => page.getByTestId('stale-banner').count()).toBe(0);
    await context.setOffline(true);
    // Drop the socket's transport (not a server-side disconnect, which a client would not retry).
    for (const socket of twin.server.realtime!.io.of('/').sockets.values()) socket.conn.close();
    await expect.poll(() => page.getByTestId('stale-banner').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('stale-banner').textContent()).toContain('数据中断');
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('stale-banner').count(), { timeout: 60_000 }).toBe(0);
    // Joined again: the clock moves on.
    const before = Number(await page.getByTestId('screen-clock').getAttribute('data-epoch-ms'));
    await expect.poll(async () => Number(await page.getByTestId('screen-clock').getAttribute('data-epoch-ms')), { timeout: 30_000 }).toBeGreaterThan(before);
    await tab.close();
  }, 300_000);

  it('shows an emergency run on a 3840×1080 wall: incidents with their level, responders and their ETAs, beds', async () => {
    await expect
      .poll(async () => ((await api(twin, `/api/runs/${fireRun}/incidents`).catch(() => ({ simTimeMs: -1 }))) as { simTimeMs: number }).simTimeMs, { timeout: 600_000, interval: 2000 })
      .toBeGreaterThanOrEqual(FIRE_RUN_AT_MS - 60_000);
    const wide = await openPageIn(browser, `${twin.server.url}/screen?layout=3840x1080&view=globe&run=${fireRun}`, { width: 3840, height: 1080 }, await twin.cookie('viewer'));
    try {
      const { page } = wide;
      expect(await page.getByTestId('screen').getAttribute('data-layout')).toBe('wide');
      await expect.poll(() => page.getByTestId('screen-incident-count').textContent(), { timeout: 120_000 }).toMatch(/^[1-9]/);
      expect(await page.getByTestId('screen-incidents').locator('.level').first().textContent()).toMatch(/^(I|II|III|IV)$/);
      await expect.poll(() => page.getByTestId('screen-free-beds').textContent(), { timeout: 60_000 }).toMatch(/\d/);
      await expect.poll(() => page.getByTestId('screen-panel-responders').textContent(), { timeout: 60_000 }).toMatch(/\d/);
      await expect.poll(() => page.getByTestId('screen-traffic-index').textContent(), { timeout: 60_000 }).toMatch(/^\d+\.\d$/);
      await waitForTwinEvent(page, 'cesium', 'view-ready', null, 0);
      // A click on an incident flies the view to it.
      const since = await page.evaluate(() => window.__twin!.store.getState().cameraCommand?.seq ?? 0);
      await page.getByTestId('screen-incidents').locator('button').first().click();
      expect(await page.evaluate(() => window.__twin!.store.getState().cameraCommand?.seq ?? 0)).toBeGreaterThan(since);
      await expectPanelsLaidOut(page, 3840, 1080);
      await page.waitForTimeout(6000);
      const variance = await screenshotWithVariance(page, 'screen-3840x1080', await viewBox(page));
      expect(variance, 'the 3D view is blank').toBeGreaterThan(5);
    } finally {
      await wide.close();
    }
  }, 900_000);
});
