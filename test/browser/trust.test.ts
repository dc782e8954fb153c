/**
 * Trust in the browser: a planner signs in through the Chinese sign-in page and sees the run
 * controls a visitor does not; an administrator's page lists the accounts and who can see what; the
 * auditor reads the trail and verifies its chain; the security headers leave Cesium working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/signIn.ts';
import { ensureClientBuilt, launchBrowser, openPageIn, screenshotElement, startTwinServer, type TwinServer } from './harness.ts';

describe('accounts and roles in the browser', () => {
  let twin: TwinServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureClientBuilt();
    twin = await startTwinServer();
    browser = await launchBrowser();
    // The accounts the pages sign in as (made through the store, like `npm run users -- add`).
    for (const role of ['planner', 'admin', 'auditor'] as const) await twin.cookie(role);
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await twin?.close();
  });

  it('signs a planner in through the sign-in page, after which the run controls show', async () => {
    const tab = await openPageIn(browser, `${twin.server.url}/three`);
    const { page } = tab;
    try {
      // A visitor sees the city and the clock, no controls, and a sign-in link.
      await expect.poll(() => page.getByTestId('city-name').count(), { timeout: 120_000 }).toBe(1);
      expect(await page.locator('.timeline-row.controls').count()).toBe(0);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('login-form').waitFor();
      await page.fill('input[name="username"]', 'test-planner');
      await page.fill('input[name="password"]', 'wrong-password');
      await page.click('button[type="submit"]');
      await expect.poll(() => page.getByTestId('login-error').textContent(), { timeout: 30_000 }).toMatch(/用户名或密码/);
      await screenshotElement(page, '[data-testid="login-form"]', 'trust-login-error');
      await page.fill('input[name="password"]', TEST_PASSWORD);
      await page.click('button[type="submit"]');
      // Back where the planner came from, signed in, with the controls.
      await expect.poll(() => page.getByTestId('signed-in').textContent(), { timeout: 60_000 }).toMatch(/test-planner/);
      expect(new URL(page.url()).pathname).toBe('/three');
      await expect.poll(() => page.locator('.timeline-row.controls').count(), { timeout: 60_000 }).toBe(1);
      await page.screenshot({ path: 'test-results/trust-planner-signed-in.png' });
      expect(tab.errors.filter((e) => /Content.Security.Policy|Refused to/i.test(e))).toEqual([]);
    } finally {
      await tab.close();
    }
  }, 600_000);

  it("shows an administrator the accounts and who can see what, and the auditor the trail with an intact chain", async () => {
    const admin = await openPageIn(browser, `${twin.server.url}/admin`, undefined, await twin.cookie('admin'));
    try {
      await admin.page.getByTestId('admin-page').waitFor({ timeout: 60_000 });
      await expect.poll(() => admin.page.getByTestId('accounts').textContent(), { timeout: 30_000 }).toMatch(/test-planner/);
      const matrix = admin.page.getByTestId('access-matrix');
      await expect.poll(() => matrix.textContent(), { timeout: 30_000 }).toMatch(/交警支队/);
      expect(await matrix.textContent()).toMatch(/部分/);
      await matrix.scrollIntoViewIfNeeded();
      await screenshotElement(admin.page, '[data-testid="access-matrix"]', 'trust-access-matrix');
      await admin.page.screenshot({ path: 'test-results/trust-admin.png', fullPage: true });
    } finally {
      await admin.close();
    }

    const auditor = await openPageIn(browser, `${twin.server.url}/`, undefined, await twin.cookie('auditor'));
    try {
      // An auditor has no view of the twin: sent to the trail.
      await auditor.page.getByTestId('audit-page').waitFor({ timeout: 60_000 });
      expect(new URL(auditor.page.url()).pathname).toBe('/audit');
      await expect.poll(() => auditor.page.getByTestId('audit-table').textContent(), { timeout: 30_000 }).toMatch(/session\.signIn/);
      await auditor.page.getByTestId('verify-chain').click();
      await expect.poll(() => auditor.page.getByTestId('chain-result').textContent(), { timeout: 30_000 }).toMatch(/完整/);
      await auditor.page.screenshot({ path: 'test-results/trust-audit.png', fullPage: true });
    } finally {
      await auditor.close();
    }
  }, 600_000);
});
