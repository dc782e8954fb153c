/**
 * Shared set-up for the browser tests: the built client (built with Vite when missing or older
 * than its sources), the real server on a free port with the default city's tiles, and headless
 * Chromium (SwiftShader WebGL) that records every request and console error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CityModel, Point2, Polygon, Ring } from '../../server/city/CityModel.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/startServer.ts';
import { ensureClientBuilt } from '../../server/ensureClientBuilt.ts';

export { ensureClientBuilt };
import type { RunningServer } from '../../server/startServer.ts';
import type { Role } from '../../server/protocol/access.ts';
import { signInAs } from '../helpers/signIn.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(REPO, 'test-results');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface TwinServer {
  server: RunningServer;
  city: CityModel;
  /** A session cookie ("yt_session=…") of a test account of `role`, made on first use. */
  cookie(role: Role): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real server on a free port with the default city (first, so the app opens it) and
 * `moreCities` (opened with `?city=`); builds their tiles into tilesets/ when missing. The live
 * baseline keeps to its scenario's Monday from 06:00 (deterministic) unless `liveClock: 'wall'` is asked for;
 * `allowedOrigins` are other origins the page may load tilesets from.
 */
export async function startTwinServer(moreCities: readonly CityModel[] = [], options: { liveClock?: 'wall' | 'scenario'; allowedOrigins?: readonly string[] } = {}): Promise<TwinServer> {
  const { generateCity } = await import('../../server/city/generateCity.ts');
  const city = generateCity();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-browser-'));
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    TILES_DIR: path.join(REPO, 'tilesets'),
    DATA_DIR: path.join(scratch, 'data'),
    YT_LIVE_CLOCK: options.liveClock ?? 'scenario',
    ...(options.allowedOrigins ? { ALLOWED_ORIGINS: options.allowedOrigins.join(',') } : {}),
  };
  const config = loadConfig(env, scratch);
  const server = await startServer(config, { cities: [city, ...moreCities], build: true });
  const cookies = new Map<Role, Promise<string>>();
  return {
    server,
    city,
    cookie: (role) => {
      let cookie = cookies.get(role);
      if (!cookie) cookies.set(role, (cookie = signInAs(server, role)));
      return cookie;
    },
    async close() {
      await server.close();
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** GET `path` (or POST `body` as JSON) on the server as a director; the parsed answer, or an error naming the path and the server's answer. */
export async function api(twin: TwinServer, path: string, body?: unknown): Promise<unknown> {
  const cookie = await twin.cookie('director');
  const r = await fetch(`${twin.server.url}${path}`, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  const json: unknown = await r.json();
  if (!r.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json;
}

export interface TwinPage {
  browser: Browser;
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** The same errors with the URL the console names as their source ('' for page errors). */
  errorDetails: { text: string; url: string }[];
  close(): Promise<void>;
}

/** Launches headless Chromium with SwiftShader WebGL, as every browser test and the view bench use it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens `url` in a fresh context of `browser` (an empty cache; 1280×720 unless `viewport` says),
 * signed in with session `cookie` for `url`'s origin (or `cookieOrigin`, for a page that starts
 * blank), recording requests and errors; close() closes only that context.
 */
export async function openPageIn(browser: Browser, url: string, viewport = { width: 1280, height: 720 }, cookie?: string, cookieOrigin?: string): Promise<TwinPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const origin = cookieOrigin ?? (url.startsWith('http') ? new URL(url).origin : undefined);
  if (cookie && origin) {
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: origin, httpOnly: true, sameSite: 'Strict' }]);
  }
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  const errorDetails: { text: string; url: string }[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    errors.push(m.text());
    errorDetails.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (e) => {
    errors.push(`pageerror: ${e.message}`);
    errorDetails.push({ text: `pageerror: ${e.message}`, url: '' });
  });
  await page.goto(url);
  return {
    browser,
    page,
    requests,
    errors,
    errorDetails,
    async close() {
      await context.close();
    },
  };
}

/** Opens headless Chromium at 1280×720 on `url` (signed in with `cookie` if given), recording requests and errors; close() closes the browser. */
export async function openPage(url: string, cookie?: string): Promise<TwinPage> {
  const browser = await launchBrowser();
  const tab = await openPageIn(browser, url, undefined, cookie);
  return {
    ...tab,
    async close() {
      await browser.close();
    },
  };
}

/** Waits until the view reported an event (on or after `since`, performance.now() ms in the page). */
export async function waitForTwinEvent(page: Page, view: string, type: string, role: string | null, since = 0, timeout = 240_000): Promise<void> {
  await page.waitForFunction(
    ({ view, type, role, since }) =>
      window.__twin?.events.some((e) => e.view === view && e.type === type && e.at >= since && (role === null || e.detail?.role === role)) ?? false,
    { view, type, role, since },
    { timeout, polling: 250 },
  );
}

/** Waits until the active view is still and all its visible tiles are in, and then a little more for the frame. */
export async function waitForIdle(page: Page, timeout = 240_000): Promise<void> {
  await page.waitForFunction(() => window.__twin?.probe?.idle() ?? false, undefined, { timeout, polling: 250 });
  // Two checks a moment apart: a view that starts loading again was not idle.
  await page.waitForTimeout(500);
  await page.waitForFunction(() => window.__twin?.probe?.idle() ?? false, undefined, { timeout, polling: 250 });
}

/** performance.now() in the page: a marker for "events after this". */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/**
 * Screenshots one element's box to test-results/<name>.png. Unlike locator.screenshot it does not
 * wait for the element to hold still over two animation frames, which a busy Cesium view (a frame
 * every few seconds in software WebGL) can starve past any timeout.
 */
export async function screenshotElement(page: Page, selector: string, name: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`screenshotElement: ${selector} is not on the page`);
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`), clip: box });
}

interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Screenshots the page (to test-results/<name>.png when named) and returns the RGBA bytes of
 * `region` (CSS pixels; the whole page when absent), decoded in the page itself, so the tests need
 * no image library.
 */
async function screenshotPixels(page: Page, name: string | undefined, region?: Region): Promise<{ width: number; data: Buffer }> {
  if (name) fs.mkdirSync(RESULTS, { recursive: true });
  const png = await page.screenshot(name ? { path: path.join(RESULTS, `${name}.png`) } : {});
  const { width, base64 } = await page.evaluate(
    async ({ png, region }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const r = region ?? { x: 0, y: 0, width: image.width, height: image.height };
      const canvas = document.createElement('canvas');
      canvas.width = r.width;
      canvas.height = r.height;
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no 2D context');
      g.drawImage(image, r.x, r.y, r.width, r.height, 0, 0, r.width, r.height);
      const data = g.getImageData(0, 0, r.width, r.height).data;
      let binary = '';
      for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return { width: r.width, base64: btoa(binary) };
    },
    { png: png.toString('base64'), region },
  );
  return { width, data: Buffer.from(base64, 'base64') };
}

/** RGB of the screen at each point (CSS pixels), from one screenshot (saved as test-results/<name>.png when named). */
export async function pixelsAt(page: Page, points: { x: number; y: number }[], name?: string): Promise<[number, number, number][]> {
  const { width, data } = await screenshotPixels(page, name);
  return points.map((p) => {
    const i = 4 * (Math.round(p.y) * width + Math.round(p.x));
    return [data[i], data[i + 1], data[i + 2]];
  });
}

/** Screenshots the page to test-results/<name>.png and returns the luminance standard deviation of a region. */
export async function screenshotWithVariance(page: Page, name: string, region: Region): Promise<number> {
  const { data } = await screenshotPixels(page, name, region);
  let sum = 0;
  let sumSq = 0;
  const n = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    const y = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

/** Requests that went anywhere but the server (data: and blob: URLs stay in the page). */
export function foreignRequests(requests: string[], origin: string): string[] {
  return requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
}

/** A point inside a footprint: its centroid if inside, else a point between the centroid and a vertex, else a vertex nudged in. */
function interiorPoint(footprint: Polygon, ringCentroid: (r: Ring) => Point2, pointInPolygon: (p: Point2, poly: Polygon) => boolean): Point2 | null {
  const c = ringCentroid(footprint[0]);
  if (pointInPolygon(c, footprint)) return c;
  for (const t of [0.9, 0.75, 0.5, 0.25, 0.1]) {
    for (const v of footprint[0]) {
      const p: Point2 = [v[0] + (c[0] - v[0]) * t, v[1] + (c[1] - v[1]) * t];
      if (pointInPolygon(p, footprint)) return p;
    }
  }
  return null;
}

/** A named building to click: the tallest named one, with a point of its roof in lon/lat. */
export async function knownBuilding(city: CityModel): Promise<{ id: string; name: string; lon: number; lat: number; roof: number }> {
  const { ringCentroid, pointInPolygon } = await import('../../server/city/polygon.ts');
  const { enuToGeodetic } = await import('../../server/protocol/geo.ts');
  const named = city.buildings.filter((b) => b.name !== '').sort((a, b) => b.height - a.height);
  for (const b of named) {
    const p = interiorPoint(b.footprint, ringCentroid, pointInPolygon);
    if (!p) continue;
    const g = enuToGeodetic(city.origin, [p[0], p[1], b.base + b.height]);
    return { id: b.id, name: b.name, lon: g.lon, lat: g.lat, roof: g.height };
  }
  throw new Error(`knownBuilding: city "${city.id}" has no named building`);
}

/**
 * Looks straight down at the city's known building from 350 m above its roof (so no neighbour
 * hides it), clicks the roof and waits for its name in the info panel; returns the building.
 */
export async function clickKnownBuilding(page: Page, city: CityModel, view: 'cesium' | 'three'): Promise<{ id: string; name: string }> {
  const b = await knownBuilding(city);
  const since = await pageNow(page);
  await page.evaluate(
    ({ lon, lat, roof }) => window.__twin!.store.command({ kind: 'flyTo', view: { lon, lat: lat - 0.0003, height: roof + 350, heading: 0, pitch: -1.45 }, duration: 0 }),
    b,
  );
  await waitForTwinEvent(page, view, 'camera-idle', null, since);
  await waitForIdle(page);
  const at = await page.evaluate((p) => window.__twin!.probe!.project({ lon: p.lon, lat: p.lat, height: p.roof }), b);
  if (!at) throw new Error(`clickKnownBuilding: building ${b.id} is not on screen in the ${view} view`);
  await page.mouse.click(at.x, at.y);
  await expect.poll(() => page.getByTestId('building-name').textContent(), { timeout: 60_000 }).toBe(b.name);
  return b;
}

/**
 * One browser suite's set-up: the built client, the real server with the default city, one page at
 * `path` (`/` by default) signed in as `role` (a drill director, who may control the live run, by
 * default; null for an anonymous visitor); all closed after the suite.
 */
export function useTwinSuite(path = '/', role: Role | null = 'director'): { twin: TwinServer; tab: TwinPage } {
  const suite = {} as { twin: TwinServer; tab: TwinPage };
  beforeAll(async () => {
    await ensureClientBuilt();
    suite.twin = await startTwinServer();
    suite.tab = await openPage(`${suite.twin.server.url}${path}`, role ? await suite.twin.cookie(role) : undefined);
  }, 900_000);
  afterAll(async () => {
    await suite.tab?.close();
    await suite.twin?.close();
  });
  return suite;
}
