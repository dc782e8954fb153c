import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ThreeTrafficHooks } from '../../client/layers/traffic/three/trafficTestHooks.ts';
import type { TrafficPick } from '../../client/layers/traffic/trafficPick.ts';
import { enuToGeodetic } from '../../server/protocol/geo.ts';
import {
  clickKnownBuilding,
  foreignRequests,
  knownBuilding,
  pageNow,
  pixelsAt,
  screenshotWithVariance,
  useTwinSuite,
  waitForIdle,
  waitForTwinEvent,
} from './harness.ts';
import { isLevelColor } from './levelColors.ts';

type TrafficWindow = Window & {
  __twin: {
    threeTraffic: ThreeTrafficHooks;
    live: { positions(n: number): { id: number }[]; objects: { count: number; id: Uint32Array; kind: Uint8Array; x: Float64Array; y: Float64Array } };
  };
};

/** The night view's traffic hooks, read in the page. */
function traffic<T, A>(page: Page, fn: (hooks: ThreeTrafficHooks, arg: A) => T, arg: A): Promise<T> {
  return page.evaluate(
    ({ source, arg }) => {
      // The function travels as text: page.evaluate cannot pass a closure with an argument of its own.
      const f = new Function('hooks', 'arg', `return (${source})(hooks, arg);`) as (h: ThreeTrafficHooks, a: unknown) => T;
      return f((window as unknown as TrafficWindow).__twin.threeTraffic, arg);
    },
    { source: fn.toString(), arg },
  );
}


/** A camera `up` metres over a link's middle and `back` metres behind it along the street, looking at the middle. */
function streetView(l: { lon: number; lat: number; height: number; heading: number }, up: number, back: number) {
  return {
    lon: l.lon - (Math.sin(l.heading) * back) / (111_320 * Math.cos((l.lat * Math.PI) / 180)),
    lat: l.lat - (Math.cos(l.heading) * back) / 111_320,
    height: l.height + up,
    heading: l.heading,
    pitch: -Math.atan2(up, back),
  };
}

/** Moves the camera there at once and waits until the view is still and loaded. */
async function jumpTo(page: Page, view: { lon: number; lat: number; height: number; heading: number; pitch: number }): Promise<void> {
  const since = await pageNow(page);
  await page.evaluate((v) => window.__twin!.store.command({ kind: 'flyTo', view: v, duration: 0 }), view);
  await waitForTwinEvent(page, 'three', 'camera-idle', null, since);
  await waitForIdle(page);
}

/** A camera low over the street: below the towers' tops, where the bloom must not drown the colours. */
const LOW = { up: 120, back: 200 };

/** Where along the picked road the tests look: five points about its middle. */
const FRACTIONS = [0.3, 0.4, 0.5, 0.6, 0.7];
/** The part of the canvas no panel covers at 1280×720. */
const CLEAR = { x0: 290, x1: 1040, y0: 70, y1: 600 };
const inClear = (p: { x: number; y: number }) => p.x >= CLEAR.x0 && p.x <= CLEAR.x1 && p.y >= CLEAR.y0 && p.y <= CLEAR.y1;

// The Three.js night view in real Chromium (SwiftShader), reached from the globe view as a user would.
describe('night view (Three.js)', () => {
  // Of the registered layers traffic alone, whose colours and picks the tests look at (the query string stays across views).
  const suite = useTwinSuite('/?layers=traffic');

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
    const b = await clickKnownBuilding(page, suite.twin.city, 'three');
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

  describe('traffic', () => {
    let link = -1;
    let linkId = '';
    let points: { x: number; y: number }[] = [];

    it('colours a busy central street by its congestion level once the first link frame is in', async () => {
      const { page } = suite.tab;
      await page.waitForFunction(() => (window as unknown as TrafficWindow).__twin.threeTraffic?.roadsShown() ?? false, undefined, { timeout: 240_000, polling: 250 });
      // The city overview, to look at (the roads must read from there too).
      const since = await pageNow(page);
      await page.evaluate(() => window.__twin!.store.command({ kind: 'home' }));
      await waitForTwinEvent(page, 'three', 'camera-idle', null, since);
      await waitForIdle(page);
      await screenshotWithVariance(page, 'three-traffic-overview', { x: 0, y: 0, width: 1280, height: 720 });

      // Of the busiest wide streets, the one nearest the city centre.
      const candidates = await traffic(page, (h) => h.busiestLinks(300, 150).map((k) => ({ k, ...h.link(k)! })), null);
      const origin = suite.twin.city.origin;
      const wide = candidates.filter((c) => c.widthM >= 7 && c.trafficIndex !== null);
      expect(wide.length).toBeGreaterThan(0);
      const near = (c: (typeof wide)[number]) => Math.hypot((c.lon - origin.lon) * Math.cos((origin.lat * Math.PI) / 180), c.lat - origin.lat);
      const chosen = wide.sort((a, b) => near(a) - near(b))[0];
      link = chosen.k;
      linkId = chosen.id;
      await jumpTo(page, streetView(chosen, LOW.up, LOW.back));
      // Vehicles stand still from here on, so the clicks below land where they were aimed.
      expect(await traffic(page, (h) => h.run.pause(), null)).toBe(true);
      await page.waitForTimeout(1500);
      points = (await Promise.all(FRACTIONS.map((f) => traffic(page, (h, a) => h.linkScreenPoint(a.link, a.f), { link, f })))).filter((p) => p !== null);
      expect(points.length).toBe(FRACTIONS.length);
      const rgb = await pixelsAt(page, points, 'three-traffic');
      const levelled = rgb.filter(isLevelColor).length;
      // A vehicle may stand on one of the points.
      expect(levelled, `pixels ${JSON.stringify(rgb)} along ${chosen.id} (${chosen.name}, index ${chosen.trafficIndex}, ${chosen.color})`).toBeGreaterThanOrEqual(FRACTIONS.length - 1);
    }, 600_000);

    it('shows a road’s figures when it is clicked', async () => {
      const { page } = suite.tab;
      expect(link).toBeGreaterThanOrEqual(0);
      const vehicles = await traffic(page, (h) => h.vehicles(), null);
      // The point of the road farthest from any vehicle on screen: a click there means the road.
      const clear = points.filter(inClear).map((p) => ({ p, gap: Math.min(Infinity, ...vehicles.map((v) => Math.hypot(v.x - p.x, v.y - p.y))) }));
      clear.sort((a, b) => b.gap - a.gap);
      expect(clear[0]?.gap ?? 0).toBeGreaterThan(12);
      const at = clear[0].p;
      await page.mouse.click(at.x, at.y);
      await expect
        .poll(() => page.evaluate(() => window.__twin!.store.getState().layerPick), { timeout: 30_000 })
        .toEqual({ layer: 'traffic', kind: 'link', linkId, index: link } satisfies TrafficPick);
      await waitForIdle(page);
      await pixelsAt(page, [at], 'three-traffic-picked');
    }, 300_000);

    it('shows a vehicle’s figures when it is clicked', async () => {
      const { page } = suite.tab;
      const findVehicle = async () => {
        const vehicles = await traffic(page, (h) => h.vehicles(), null);
        for (const v of vehicles) {
          if (!inClear(v) || vehicles.some((o) => o !== v && Math.hypot(o.x - v.x, o.y - v.y) < 16)) continue;
          const pick = await traffic(page, (h, p) => h.pickAt(p.x, p.y), v);
          // Not behind a building.
          if (pick?.kind === 'vehicle' && pick.objectId === v.id) return v;
        }
        return null;
      };
      let vehicle = await findVehicle();
      if (!vehicle) {
        // Too few in the close view: look down on the street from higher up.
        const l = await traffic(page, (h, k) => h.link(k)!, link);
        await jumpTo(page, { lon: l.lon, lat: l.lat - 0.002, height: l.height + 500, heading: 0, pitch: -1.2 });
        vehicle = await findVehicle();
      }
      expect(vehicle).not.toBeNull();
      await page.mouse.click(vehicle!.x, vehicle!.y);
      await expect
        .poll(() => page.evaluate(() => window.__twin!.store.getState().layerPick), { timeout: 30_000 })
        .toEqual({ layer: 'traffic', kind: 'vehicle', objectId: vehicle!.id } satisfies TrafficPick);
      const streamIds = await page.evaluate(() => (window as unknown as TrafficWindow).__twin.live.positions(1_000_000).map((p) => p.id));
      expect(streamIds).toContain(vehicle!.id);
      // Clicking empty ground clears the pick.
      const empty = await traffic(
        page,
        (h, c) => {
          for (let y = c.y0; y <= c.y1; y += 20) for (let x = c.x0; x <= c.x1; x += 20) if (h.pickAt(x, y) === null) return { x, y };
          return null;
        },
        CLEAR,
      );
      expect(empty).not.toBeNull();
      await page.mouse.click(empty!.x, empty!.y);
      await expect.poll(() => page.evaluate(() => window.__twin!.store.getState().layerPick)).toBeNull();
    }, 300_000);

    it('hides the coloured roads with the traffic layer', async () => {
      const { page } = suite.tab;
      await jumpTo(page, streetView(await traffic(page, (h, k) => h.link(k)!, link), LOW.up, LOW.back));
      const at = (await Promise.all(FRACTIONS.map((f) => traffic(page, (h, a) => h.linkScreenPoint(a.link, a.f), { link, f })))).filter((p) => p !== null);
      expect((await pixelsAt(page, at)).filter(isLevelColor).length).toBeGreaterThanOrEqual(FRACTIONS.length - 1);
      await page.evaluate(() => window.__twin!.store.setLayer('traffic', false));
      await page.waitForTimeout(1000);
      await waitForIdle(page);
      const hidden = await pixelsAt(page, at, 'three-traffic-hidden');
      expect(hidden.filter(isLevelColor).length, `pixels ${JSON.stringify(hidden)}`).toBeLessThanOrEqual(1);
      expect(await traffic(page, (h) => h.roadsShown(), null)).toBe(false);
      await page.evaluate(() => window.__twin!.store.setLayer('traffic', true));
      expect(await traffic(page, (h) => h.run.play(), null)).toBe(true);
    }, 300_000);

    it('flashes an emergency vehicle red and blue', async () => {
      const { page } = suite.tab;
      // Across the city centre, between the junctions nearest these points; a start with no room is tried elsewhere.
      let injected: string | null = null;
      for (let i = 0; i < 5 && injected === null; i++) {
        injected = await traffic(page, (h, x) => h.run.inject('traffic.emergency_vehicle', { from: { x, y: 0 }, to: { x: -x, y: 300 } }), -900 + 150 * i);
      }
      const refused = await page.evaluate(() => JSON.stringify((window as unknown as { __twin: { live: { store: { getState(): { controlError: unknown } } } } }).__twin.live.store.getState().controlError));
      expect(injected, refused).not.toBeNull();
      const emergencyNow = () =>
        page.evaluate(() => {
          const o = (window as unknown as TrafficWindow).__twin.live.objects;
          for (let i = 0; i < o.count; i++) if (o.kind[i] === 3) return { id: o.id[i], x: o.x[i], y: o.y[i] };
          return null;
        });
      await expect.poll(emergencyNow, { timeout: 120_000 }).not.toBeNull();
      expect(await traffic(page, (h) => h.run.pause(), null)).toBe(true);
      await page.waitForTimeout(1500);
      const e = (await emergencyNow())!;
      const at = enuToGeodetic(suite.twin.city.origin, [e.x, e.y, 0]);
      await jumpTo(page, { lon: at.lon, lat: at.lat, height: 120, heading: 0, pitch: -Math.PI / 2 + 0.05 });
      const shown = (await traffic(page, (h) => h.vehicles(), null)).find((v) => v.id === e.id);
      expect(shown).toBeDefined();
      // The lights keep flashing while the run is paused; screenshots at uneven moments catch both colours.
      const seen = new Set<string>();
      for (let i = 0; i < 16 && seen.size < 2; i++) {
        const [[r, g, b]] = await pixelsAt(page, [shown!], i === 0 ? 'three-traffic-emergency' : undefined);
        if (r > 1.3 * b && r > 1.3 * g) seen.add('red');
        if (b > 1.3 * r) seen.add('blue');
        await page.waitForTimeout(90 + 37 * (i % 5));
      }
      expect([...seen].sort()).toEqual(['blue', 'red']);
      expect(await traffic(page, (h) => h.run.play(), null)).toBe(true);
    }, 300_000);
  });

  it('asks nothing of any other host and logs no console error', () => {
    expect(foreignRequests(suite.tab.requests, suite.twin.server.url)).toEqual([]);
    expect(suite.tab.errors).toEqual([]);
  });
});
