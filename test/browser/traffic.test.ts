import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshotElement, useTwinSuite, waitForTwinEvent } from './harness.ts';

/** The page's twin store, for the steps a click in the 3D view would do (the views' own tests click). */
function pick(page: Page, value: unknown): Promise<void> {
  return page.evaluate((v) => (window.__twin!.store as unknown as { pickLayer(p: unknown): void }).pickLayer(v), value);
}

// The traffic panels against the real server's live baseline (the microscopic traffic engine) in real Chromium.
describe('traffic panels', () => {
  const suite = useTwinSuite('/three');

  it('shows the citywide and district index, the 24-hour chart and the most congested roads', async () => {
    const { page } = suite.tab;
    await waitForTwinEvent(page, 'three', 'view-ready', null, 0);
    const panel = page.getByTestId('traffic-panel');
    await panel.waitFor({ timeout: 240_000 });
    expect(Number(await page.getByTestId('traffic-index').textContent())).toBeGreaterThanOrEqual(0);
    expect(await panel.locator('.level-chip').first().textContent()).toMatch(/^(畅通|基本畅通|轻度拥堵|中度拥堵|严重拥堵)$/);
    expect(Number((await page.getByTestId('traffic-vehicles').textContent())?.replace(/,/g, ''))).toBeGreaterThan(100);
    await expect.poll(() => panel.locator('.district-bars li').count()).toBe(3);
    expect(await panel.locator('.district-bars li').first().textContent()).toMatch(/^(新华区|卫东区|湛河区)\d+\.\d$/);
    await expect.poll(() => page.locator('.traffic-chart').getAttribute('data-points'), { timeout: 30_000 }).not.toBe('0');
    expect(await page.locator('.traffic-chart canvas').count()).toBe(1);
    await expect.poll(() => page.getByTestId('traffic-worst').locator('li').count(), { timeout: 60_000 }).toBeGreaterThan(0);
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
});
