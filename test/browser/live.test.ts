import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, screenshotWithVariance, useTwinSuite, waitForTwinEvent } from './harness.ts';

interface LiveHooks {
  positions(n: number): { id: number; x: number; y: number; heading: number }[];
}

/** Interpolated positions of the first `n` objects, read in the page. */
function positions(page: Page, n: number) {
  return page.evaluate((k) => (window.__twin as unknown as { live: LiveHooks }).live.positions(k), n);
}

async function waitForObjects(page: Page, counter: string): Promise<number> {
  await page.waitForFunction((name) => (window.__twin?.counters[name] ?? 0) > 0, counter, { timeout: 240_000, polling: 250 });
  return page.evaluate((name) => window.__twin!.counters[name], counter);
}

/** The same objects, a moment apart: most of them moved. */
async function expectMoving(page: Page): Promise<void> {
  const stats = () => page.evaluate(() => JSON.stringify({ ...(window.__twin as unknown as { live: { stats: object } }).live.stats, counters: window.__twin!.counters }));
  const before = await positions(page, 50);
  const statsBefore = await stats();
  await page.waitForTimeout(2000);
  const after = await positions(page, 50);
  // Of the objects seen both times (some arrive in between), more than half moved over half a metre.
  const both = after.filter((p) => before.some((b) => b.id === p.id));
  const moved = both.filter((p) => {
    const q = before.find((b) => b.id === p.id) as (typeof before)[number];
    return Math.hypot(p.x - q.x, p.y - q.y) > 0.5;
  });
  const why = `${moved.length} of ${both.length} moved; before ${statsBefore} ${JSON.stringify(before.slice(0, 3))}, after ${await stats()} ${JSON.stringify(after.slice(0, 3))}`;
  expect(both.length, why).toBeGreaterThanOrEqual(40);
  expect(moved.length, why).toBeGreaterThan(both.length / 2);
}

// The live baseline streamed from the real server into both views in real Chromium.
describe('live twin', () => {
  const suite = useTwinSuite();

  it('shows the live baseline moving in the globe view, connected, with its clock', async () => {
    const { page } = suite.tab;
    await waitForTwinEvent(page, 'cesium', 'view-ready', null, 0);
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 60_000 }).toContain('已连接');
    expect(await waitForObjects(page, 'cesium.objectsDrawn')).toBeGreaterThan(100);
    await expectMoving(page);
    // The sim clock reads as an Asia/Shanghai date-time of the weekday scenario.
    expect(await page.getByTestId('sim-clock').textContent()).toMatch(/^2026-03-16 0[6-9]:\d\d:\d\d$/);
    expect(await page.getByTestId('run-status').textContent()).toBe('运行中');
    expect(await page.getByRole('combobox', { name: '选择运行' }).textContent()).toContain('实时基线');
    await page.waitForTimeout(3000);
    const variance = await screenshotWithVariance(page, 'live-globe', { x: 300, y: 100, width: 680, height: 500 });
    expect(variance).toBeGreaterThan(5);
  }, 600_000);

  it('shows the same objects moving in the night view', async () => {
    const { page } = suite.tab;
    await page.getByRole('link', { name: '夜景大屏' }).click();
    await waitForTwinEvent(page, 'three', 'view-ready', null, 0);
    expect(await waitForObjects(page, 'three.objectsDrawn')).toBeGreaterThan(100);
    await expectMoving(page);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toContain('已连接');
    await page.waitForTimeout(4000);
    const variance = await screenshotWithVariance(page, 'live-three', { x: 300, y: 100, width: 680, height: 500 });
    expect(variance).toBeGreaterThan(5);
  }, 600_000);

  it('pauses and resumes the run from the timeline bar', async () => {
    const { page } = suite.tab;
    await page.getByRole('button', { name: '暂停' }).click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('已暂停');
    await page.getByRole('button', { name: '播放' }).click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('运行中');
  }, 120_000);

  it('shows viewers the clock but no run controls', async () => {
    const viewer = await openPage(`${suite.twin.server.url}/?role=viewer`);
    try {
      await expect.poll(() => viewer.page.getByTestId('connection-status').textContent(), { timeout: 120_000 }).toContain('已连接');
      await expect.poll(() => viewer.page.getByTestId('sim-clock').textContent(), { timeout: 60_000 }).toMatch(/^2026-03-16/);
      expect(await viewer.page.getByRole('button', { name: '暂停' }).count()).toBe(0);
    } finally {
      await viewer.close();
    }
  }, 300_000);
});
