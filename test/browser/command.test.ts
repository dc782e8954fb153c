/**
 * The command center in the browser, with one server and one Chromium: a director starts the
 * rainstorm drill and two wall screens follow (one opened late) with the director's camera and the
 * drill's time; an operator issues a warning from the console and it reaches the after-action
 * review with the operator's name; the review jumps a replay to a marker and prints as an A4 report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CameraView } from '../../client/twin/types.ts';
import type { DrillDetail, DrillReview } from '../../server/protocol/drills.ts';
import { signInAs } from '../helpers/signIn.ts';
import { ensureClientBuilt, launchBrowser, openPageIn, RESULTS, startTwinServer, waitForIdle, type TwinPage, type TwinServer } from './harness.ts';

const DRILL = 'rainstorm-drill';
const OPERATOR = 'op-emergency-management';

/** Where the page's 3D view's camera is now (its probe), or null before the view is made. */
function cameraOf(page: Page): Promise<CameraView | null> {
  return page.evaluate(() => window.__twin!.probe?.camera() ?? null);
}

/** True when two camera poses agree within what a flight's last frame and the wire's rounding leave. */
function near(a: CameraView | null, b: CameraView): boolean {
  if (!a) return false;
  const angle = (x: number, y: number) => Math.abs(Math.atan2(Math.sin(x - y), Math.cos(x - y)));
  return Math.abs(a.lon - b.lon) < 2e-5 && Math.abs(a.lat - b.lat) < 2e-5 && Math.abs(a.height - b.height) < Math.max(2, b.height * 0.005) && angle(a.heading, b.heading) < 0.005 && angle(a.pitch, b.pitch) < 0.005;
}

/** The drill's status as the page's clock shows it, with the page's drill error if it shows one (a failed poll then says why). */
async function statusOf(page: Page): Promise<string> {
  const status = await page.getByTestId('drill-clock').getAttribute('data-status');
  const error = page.getByTestId('drill-error');
  return (await error.count()) > 0 ? `${status}: ${await error.textContent()}` : (status ?? '');
}

/** Waits until the page's socket is connected (a page starved of CPU may have been cut off as a slow reader, and reconnects). */
async function connected(page: Page): Promise<void> {
  await page.waitForFunction(() => (window.__twin as unknown as { live: { store: { getState(): { connection: string } } } }).live.store.getState().connection === 'connected', undefined, { timeout: 120_000, polling: 250 });
}

/**
 * Clicks `button` once connected and waits for `done`; again (three times at most) when the
 * request was lost to a reconnect, which the page reports as an error and a user would retry.
 */
async function clickUntil(page: Page, button: string, done: () => Promise<boolean>, before?: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await connected(page);
    await before?.();
    // Clicks as events: Playwright's click waits for two still animation frames, which a 3D view under software WebGL can starve.
    await page.getByTestId(button).dispatchEvent('click');
    try {
      await expect.poll(done, { timeout: 30_000 }).toBe(true);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** The page's joined run: its id, status and sim time (window.__twin.live). */
function runOf(page: Page): Promise<{ runId: string; status: string | null; simTimeMs: number | null }> {
  return page.evaluate(() => {
    const s = (window.__twin as unknown as { live: { store: { getState(): { runId: string; run: { status: string; simTimeMs: number } | null } } } }).live.store.getState();
    return { runId: s.runId, status: s.run?.status ?? null, simTimeMs: s.run?.simTimeMs ?? null };
  });
}

describe('the command center: director, followers, console and review', () => {
  let twin: TwinServer;
  let browser: Browser;
  let director: TwinPage;
  const tabs: TwinPage[] = [];

  const open = async (url: string, cookie: string, viewport = { width: 1280, height: 720 }): Promise<TwinPage> => {
    const tab = await openPageIn(browser, `${twin.server.url}${url}`, viewport, cookie);
    tabs.push(tab);
    return tab;
  };
  const api = async <T,>(url: string): Promise<T> => {
    const r = await fetch(`${twin.server.url}${url}`, { headers: { cookie: await twin.cookie('director') } });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };

  beforeAll(async () => {
    await ensureClientBuilt();
    twin = await startTwinServer();
    browser = await launchBrowser();
    fs.mkdirSync(RESULTS, { recursive: true });
  }, 900_000);
  afterAll(async () => {
    for (const tab of tabs) await tab.close().catch(() => undefined);
    await browser?.close();
    await twin?.close();
  });

  it('shows the director’s camera and the drill’s time on every follower, one of them opened late', async () => {
    director = await open(`/director?drill=${DRILL}&view=night`, await twin.cookie('director'));
    const d = director.page;
    await d.getByTestId('msel-table').waitFor({ timeout: 120_000 });
    await clickUntil(d, 'control-start', async () => (await statusOf(d)) === 'running');
    const { state } = await api<DrillDetail>(`/api/drills/${DRILL}`);
    expect(state?.status).toBe('running');
    // The director's own stream plays the drill's run.
    await expect.poll(async () => (await runOf(d)).runId, { timeout: 60_000 }).toBe(state!.runId);

    const early = await open(`/screen?follow=${DRILL}&view=night`, await twin.cookie('viewer'));
    await expect.poll(async () => (await runOf(early.page)).runId, { timeout: 120_000 }).toBe(state!.runId);

    // The director looks at the city from elsewhere: the early follower flies there.
    const origin = twin.city.origin;
    const target: CameraView = { lon: origin.lon + 0.004, lat: origin.lat - 0.012, height: origin.height + 1400, heading: 0.5, pitch: -0.6 };
    await d.evaluate((view) => window.__twin!.store.command({ kind: 'flyTo', view, duration: 0 }), target);
    await expect.poll(async () => near(await cameraOf(d), target), { timeout: 60_000 }).toBe(true);
    const led = (await cameraOf(d))!;
    await expect.poll(async () => { const cam = await cameraOf(early.page); return near(cam, led) || JSON.stringify({ cam, led }); }, { timeout: 120_000 }).toBe(true);

    // A follower opened now catches up at once: the same run and the same camera.
    const late = await open(`/screen?follow=${DRILL}&view=night`, await twin.cookie('viewer'));
    await expect.poll(async () => { const cam = await cameraOf(late.page); return near(cam, led) || JSON.stringify({ cam, led }); }, { timeout: 120_000 }).toBe(true);
    const applied = await late.page.evaluate(() => (window.__twin as unknown as { drill?: { lastApplied?: { seq: number } } }).drill?.lastApplied?.seq ?? null);
    expect(applied).not.toBeNull();

    // The same drill time: paused, every screen shows the one sim time the run stopped at.
    await clickUntil(d, 'control-pause', async () => (await statusOf(d)) === 'paused');
    const paused = await api<DrillDetail>(`/api/drills/${DRILL}`);
    for (const page of [d, early.page, late.page]) {
      await expect.poll(async () => runOf(page), { timeout: 60_000 }).toMatchObject({ runId: state!.runId, status: 'paused', simTimeMs: paused.state!.simTimeMs });
    }
    await d.screenshot({ path: path.join(RESULTS, 'command-director.png') });
    await late.page.screenshot({ path: path.join(RESULTS, 'command-follower.png') });
    await clickUntil(d, 'control-resume', async () => (await statusOf(d)) === 'running');
    await early.close();
    await late.close();
  }, 900_000);

  it('records an operator’s warning from the console in the review’s timeline, with the operator’s name', async () => {
    // M01 (T+00:15:00, to emergency management) must be delivered before the console opens: the director
    // speeds the drill up (as the page's speed control does) and the test waits for the item, not a time.
    const faster = await fetch(`${twin.server.url}/api/drills/${DRILL}/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await twin.cookie('director') },
      body: JSON.stringify({ control: 'resume', speed: 60 }),
    });
    expect(faster.status, await faster.text()).toBe(200);
    await expect.poll(async () => (await api<DrillDetail>(`/api/drills/${DRILL}`)).state?.delivered.includes('M01') ?? false, { timeout: 300_000 }).toBe(true);
    // Without ?drill= the console joins the drill in progress (the night view: the globe under software WebGL starves the page on this 2-core machine).
    const consoleTab = await open('/console?view=night', await signInAs(twin.server, 'operator', { department: 'emergency_management' }));
    const c = consoleTab.page;
    await expect.poll(() => new URL(c.url()).searchParams.get('drill'), { timeout: 60_000 }).toBe(DRILL);
    await expect.poll(() => statusOf(c), { timeout: 60_000 }).toBe('running');
    await expect.poll(() => c.locator('fieldset.action-forms').isDisabled(), { timeout: 30_000 }).toBe(false);
    // Emergency management may dispatch and evacuate; it may not close roads (the traffic police do).
    expect(await c.getByTestId('form-dispatch').count()).toBe(1);
    expect(await c.getByTestId('form-road').count()).toBe(0);
    try {
      await c.getByTestId('warning-level-red').dispatchEvent('click');
      await c.getByTestId('warning-message').fill('特大暴雨红色预警：请市民立即停止户外活动，远离低洼路段。');
      const accepted = c.getByTestId('my-actions').locator('li.accepted');
      await clickUntil(c, 'warning-send', async () => (await accepted.count()) > 0);
      expect(await accepted.first().textContent()).toMatch(/红色预警.*已受理 T\+/);
      // M01 (T+00:15:00, to emergency management) was delivered before this console joined: the inbox has it, unread.
      expect(await c.locator('[data-testid="inbox"] li.unread[data-msel="M01"]').count()).toBe(1);
      await waitForIdle(c);
      await c.screenshot({ path: path.join(RESULTS, 'command-console.png') });

    } catch (err) {
      // What the page said and showed when it went wrong.
      console.log('console errors:', consoleTab.errors, (await c.locator('main').innerHTML()).slice(0, 2000));
      throw err;
    }
    const { state } = await api<DrillDetail>(`/api/drills/${DRILL}`);
    const review = await open(`/review?session=${state!.sessionId}`, await twin.cookie('viewer'));
    const timeline = review.page.getByTestId('review-timeline');
    await timeline.waitFor({ timeout: 60_000 });
    const warning = timeline.locator('li[data-kind="warning"], li[data-kind="action"]').filter({ hasText: OPERATOR });
    await expect.poll(() => warning.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await review.page.locator(`[data-testid="timeline-axis"] circle.marker.warning, [data-testid="timeline-axis"] circle.marker.action`).count()).toBeGreaterThan(0);
    await review.close();
  }, 600_000);

  it('replays the ended drill from a marker and prints the review as an A4 report', async () => {
    const d = director.page;
    // 结束 asks to confirm first.
    await clickUntil(d, 'control-end', async () => (await statusOf(d)) === 'ended', () => d.getByRole('button', { name: '结束', exact: true }).dispatchEvent('click'));
    const { sessions } = await api<DrillDetail>(`/api/drills/${DRILL}`);
    const session = sessions[0];
    const body = await api<DrillReview>(`/api/drills/sessions/${session.sessionId}/review`);
    expect(body.timeline.some((e) => e.actor === OPERATOR)).toBe(true);

    const review = await open(`/review?session=${session.sessionId}`, await twin.cookie('director'));
    const p = review.page;
    await p.getByTestId('timeline-axis').waitFor({ timeout: 60_000 });
    const checks = p.getByTestId('checks-table');
    expect((await checks.count()) + (await p.getByText('主事件清单中没有期望处置').count())).toBe(1);
    // A marker jumps a replay of the session's recording there; the twin shows it at /?run=.
    await p.locator('[data-testid="timeline-axis"] circle.marker').first().dispatchEvent('click');
    await expect.poll(() => p.getByTestId('replay-link').getAttribute('href'), { timeout: 60_000 }).toMatch(/^\/\?run=/);

    // The report as printed: A4 width, no buttons, black on white, the charts kept.
    await p.setViewportSize({ width: 794, height: 1123 });
    await p.emulateMedia({ media: 'print' });
    expect(await p.getByTestId('print-report').isVisible()).toBe(false);
    const colors = await p.evaluate(() => {
      const s = getComputedStyle(document.querySelector('.review-report h1')!);
      return { color: s.color, background: getComputedStyle(document.body).backgroundColor };
    });
    expect(colors).toEqual({ color: 'rgb(0, 0, 0)', background: 'rgb(255, 255, 255)' });
    await p.screenshot({ path: path.join(RESULTS, 'review-print.png'), fullPage: true });
    await p.pdf({ path: path.join(RESULTS, 'review-print.pdf'), format: 'A4', printBackground: true });
    expect(fs.statSync(path.join(RESULTS, 'review-print.pdf')).size).toBeGreaterThan(10_000);
  }, 600_000);
});
