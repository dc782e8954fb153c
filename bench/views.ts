/**
 * The two views in headless Chromium (SwiftShader WebGL, 1280×720): time to the first building tile
 * and to every tile of a fixed view, frames rendered while the camera moves, and the JavaScript the
 * globe view ships before it shows anything.
 *
 * Method:
 * - Each view is opened in a fresh browser context (empty cache) of one browser, at
 *   `?camera=` = the city-centre bookmark pose (looking at the origin from 2.5 km, heading 30°,
 *   pitch −35°), so the camera never flies while tiles load.
 * - fps is measured once the view has settled with its traffic layer (road lines built, all tiles in).
 * - Times are the page's own event timestamps (performance.now(), whose zero is
 *   performance.timeOrigin, the start of the navigation page.goto begins): `first_tile` is the
 *   view's `first-tile` event of the buildings tileset (the first tile content loaded), `all_tiles`
 *   the last `all-tiles-loaded` of the buildings or ground tileset once the view is idle.
 * - trivial_first_tile: the same page set-up (same server, browser, camera, ground tileset, live
 *   stream and layers) opening a second city whose buildings are one box at the city centre, so its
 *   buildings tileset is one small tile (built by the same tiles builder). It is what the page's own
 *   start costs before any building tile could be shown; `first_tile` less it is what the city's
 *   tiles add. Each view's trivial page is opened right after its city page, so the server's caches
 *   (compressed scripts) are as warm for it as for the city page's tiles.
 * - Before any of that, one unmeasured page (the one-box globe) takes the server's own start: the
 *   first page after it opened took half as long again as the same page later (its live run's first
 *   steps, the scripts' first compression), which is not what a page of a running server costs.
 * - fps: both views draw only when something changes (Cesium's requestRenderMode, the Three view's
 *   dirty frames), so counting requestAnimationFrame callbacks would count nothing drawn. Instead the
 *   camera orbits slowly (a 5 s flight to the same target with the heading turned 30°) and the
 *   frames actually drawn in those 5 s are counted: Cesium's scene.postRender (counter
 *   `cesium.frames`), the Three view's composer renders (counter `three.frames`). The figure is
 *   the median of three such flights (there, back, there again), each from a settled view.
 * - frame_js_ms: in the same flights, the main thread's mean time per drawn frame (median of the
 *   three): the Three view's tick that drew it, Cesium's scene.preUpdate to postRender. It is what
 *   a machine with a GPU would mostly pay for a frame (16.7 ms allows 60 fps); here it also holds
 *   any wait on SwiftShader inside a WebGL call, so it is an upper bound.
 * - bundle_kb: every JavaScript response (by Content-Type or a .js/.mjs path, workers included) the
 *   globe page requested before its first building tile loaded, decoded, each gzipped with zlib at
 *   level 9, summed (KiB). The server itself sends br to Chromium; gzip -9 is the figure that does
 *   not depend on the server's settings.
 *
 * `npx tsx bench/views.ts` prints the figures.
 */
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Building, CityModel } from '../server/city/CityModel.ts';
import { generateCity } from '../server/city/generateCity.ts';
import { ringCentroid } from '../server/city/polygon.ts';
import { viewLookingAt } from '../client/twin/geo.ts';
import type { CameraView } from '../client/twin/types.ts';
import { ensureClientBuilt, launchBrowser, startTwinServer, waitForIdle, waitForTwinEvent } from '../test/browser/harness.ts';
import { median } from './stats.ts';

const DEG = Math.PI / 180;
const FPS_SECONDS = 5;
/** The one-box city's id (`?city=`). */
const BOX_CITY = 'bench-one-box';
/** The box's side and height, metres: a mid-rise block, plainly in view from the start pose. */
const BOX_SIDE = 40;
const BOX_HEIGHT = 60;

type ViewName = 'cesium' | 'three';

interface ScriptResponse {
  url: string;
  /** Epoch milliseconds when the page asked for it. */
  requestedAt: number;
  body: Promise<Buffer | null>;
}

const cameraParam = (v: CameraView) => [v.lon, v.lat, v.height, v.heading / DEG, v.pitch / DEG].map((x) => x.toFixed(7)).join(',');

function isScript(url: string, contentType: string): boolean {
  const pathname = new URL(url).pathname;
  return /javascript|ecmascript/.test(contentType) || /\.m?js$/.test(pathname);
}

/**
 * Frames drawn per second while the camera flies for FPS_SECONDS to `orbit`, and the mean
 * main-thread milliseconds of a drawn frame (counter `<view>.frameJsMs`).
 */
function framesWhileOrbiting(page: Page, view: ViewName, orbit: CameraView): Promise<{ fps: number; frameJsMs: number }> {
  return page.evaluate(
    async ({ view, orbit, seconds }) => {
      // No named inner functions: tsx would wrap them in a helper the page does not have.
      const c = window.__twin!.counters;
      const [frames0, js0] = [c[`${view}.frames`] ?? 0, c[`${view}.frameJsMs`] ?? 0];
      const started = performance.now();
      window.__twin!.store.command({ kind: 'flyTo', view: orbit, duration: seconds });
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const frames = (c[`${view}.frames`] ?? 0) - frames0;
      const js = (c[`${view}.frameJsMs`] ?? 0) - js0;
      return { fps: frames / ((performance.now() - started) / 1000), frameJsMs: frames > 0 ? js / frames : NaN };
    },
    { view, orbit, seconds: FPS_SECONDS },
  );
}

/**
 * `city` with one building: a box at the origin standing on the ground of the building nearest to
 * it, with that building's district and grid. Roads, ground and everything else are the city's.
 */
function oneBoxCity(city: CityModel): CityModel {
  const near = city.buildings.reduce((best, b) => {
    const [x, y] = ringCentroid(b.footprint[0]);
    const [bx, by] = ringCentroid(best.footprint[0]);
    return Math.hypot(x, y) < Math.hypot(bx, by) ? b : best;
  });
  const h = BOX_SIDE / 2;
  const box: Building = { ...near, id: 'BOX', name: '', height: BOX_HEIGHT, floors: 20, footprint: [[[-h, -h], [h, -h], [h, h], [-h, h], [-h, -h]]] };
  return { ...city, id: BOX_CITY, buildings: [box] };
}

/** Opens `url` in `page` and returns the view's first-tile time of the buildings tileset (performance.now() ms). */
async function firstTileAt(page: Page, url: string, view: ViewName): Promise<number> {
  await page.goto(url);
  await waitForTwinEvent(page, view, 'first-tile', 'buildings');
  const at = await page.evaluate(
    (view) => window.__twin!.events.find((e) => e.view === view && e.type === 'first-tile' && e.detail?.role === 'buildings')?.at,
    view,
  );
  if (at === undefined) throw new Error(`benchViews: ${view}: ${url}: no first-tile event`);
  return at;
}

/** The first-tile time of `view` opening the one-box city, in a fresh context. */
async function measureTrivial(browser: Browser, baseUrl: string, view: ViewName, start: CameraView): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  try {
    const path = view === 'three' ? '/three' : '/';
    return await firstTileAt(await context.newPage(), `${baseUrl}${path}?city=${BOX_CITY}&camera=${cameraParam(start)}`, view);
  } finally {
    await context.close();
  }
}

async function measureView(
  browser: Browser,
  baseUrl: string,
  view: ViewName,
  start: CameraView,
  orbit: CameraView,
): Promise<{ firstTileMs: number; allTilesMs: number; fps: number; frameJsMs: number; bundleBytes: number; scripts: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    const scripts: ScriptResponse[] = [];
    const requestedAt = new Map<object, number>();
    page.on('request', (r) => requestedAt.set(r, Date.now()));
    page.on('response', (r) => {
      if (r.status() !== 200 || !isScript(r.url(), r.headers()['content-type'] ?? '')) return;
      scripts.push({ url: r.url(), requestedAt: requestedAt.get(r.request()) ?? Date.now(), body: r.body().catch(() => null) });
    });
    const path = view === 'three' ? '/three' : '/';
    const firstTileMs = await firstTileAt(page, `${baseUrl}${path}?camera=${cameraParam(start)}`, view);
    await waitForIdle(page);
    const { timeOrigin, events } = await page.evaluate(() => ({
      timeOrigin: performance.timeOrigin,
      events: window.__twin!.events.map((e) => ({ view: e.view, type: e.type, at: e.at, role: e.detail?.role })),
    }));
    const loaded = events.filter((e) => e.view === view && e.type === 'all-tiles-loaded' && (e.role === 'buildings' || e.role === 'ground'));
    if (loaded.length === 0) throw new Error(`benchViews: ${view}: no all-tiles-loaded event`);
    const allTilesMs = Math.max(...loaded.map((e) => e.at));

    // The frame rate is the settled view's, traffic included: the road lines are built after the first picture.
    await waitForTwinEvent(page, view, view === 'three' ? 'traffic-roads-ready' : 'roads-ready', null);
    await waitForIdle(page);

    // Three orbits there and back: one 5-second flight's rate varies by ±30 % on this machine.
    const orbits: { fps: number; frameJsMs: number }[] = [];
    for (const target of [orbit, start, orbit]) {
      orbits.push(await framesWhileOrbiting(page, view, target));
      await waitForIdle(page);
    }
    const fps = median(orbits.map((o) => o.fps));
    const frameJsMs = median(orbits.map((o) => o.frameJsMs));

    const firstTileEpoch = timeOrigin + firstTileMs;
    const before = scripts.filter((s) => s.requestedAt <= firstTileEpoch);
    let bundleBytes = 0;
    for (const s of before) {
      const body = await s.body;
      if (body) bundleBytes += zlib.gzipSync(body, { level: 9 }).length;
    }
    return { firstTileMs, allTilesMs, fps, frameJsMs, bundleBytes, scripts: before.map((s) => new URL(s.url).pathname) };
  } finally {
    await context.close();
  }
}

/** Both views' loading times, frame rates and the globe view's first JavaScript (see the file comment). */
export async function benchViews(): Promise<Record<string, number>> {
  await ensureClientBuilt();
  const twin = await startTwinServer([oneBoxCity(generateCity())]);
  let browser: Browser | null = null;
  try {
    browser = await launchBrowser();
    const origin = twin.city.origin;
    const start = viewLookingAt(origin, 30 * DEG, -35 * DEG, 2500);
    const orbit = viewLookingAt(origin, 60 * DEG, -35 * DEG, 2500);
    await measureTrivial(browser, twin.server.url, 'cesium', start);
    const cesium = await measureView(browser, twin.server.url, 'cesium', start, orbit);
    const cesiumTrivial = await measureTrivial(browser, twin.server.url, 'cesium', start);
    const three = await measureView(browser, twin.server.url, 'three', start, orbit);
    const threeTrivial = await measureTrivial(browser, twin.server.url, 'three', start);
    if (process.env.BENCH_VERBOSE) console.log(`benchViews: scripts before the first tile: ${cesium.scripts.join(' ')}`);
    return {
      'views.cesium_first_tile_ms': Math.round(cesium.firstTileMs),
      'views.cesium_trivial_first_tile_ms': Math.round(cesiumTrivial),
      'views.cesium_all_tiles_ms': Math.round(cesium.allTilesMs),
      'views.three_first_tile_ms': Math.round(three.firstTileMs),
      'views.three_trivial_first_tile_ms': Math.round(threeTrivial),
      'views.three_all_tiles_ms': Math.round(three.allTilesMs),
      'views.cesium_fps': Math.round(cesium.fps * 10) / 10,
      'views.three_fps': Math.round(three.fps * 10) / 10,
      'views.cesium_frame_js_ms': Math.round(cesium.frameJsMs * 10) / 10,
      'views.three_frame_js_ms': Math.round(three.frameJsMs * 10) / 10,
      'views.bundle_kb': Math.round(cesium.bundleBytes / 1024),
    };
  } finally {
    await browser?.close();
    await twin.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [key, value] of Object.entries(await benchViews())) console.log(`${key.padEnd(36)} ${value}`);
}
