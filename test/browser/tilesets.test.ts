/**
 * Other people's tilesets in both views, in real Chromium: every kind our generator makes
 * (test/helpers/makeTilesets.ts), served from another origin as a foreign host would, loads and is
 * drawn where it stands; failing tiles are counted with their reason in the layer panel; a model
 * at the Earth's centre is placed by `@lon,lat` or by the panel and the camera goes to it.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodeticToEnu, viewLookingAt } from '../../client/twin/geo.ts';
import type { CameraView, LonLatHeight } from '../../client/twin/types.ts';
import { makeTilesets, TILESET_KINDS } from '../helpers/makeTilesets.ts';
import type { MadeTileset, TilesetKind } from '../helpers/makeTilesets.ts';
import { ensureClientBuilt, launchBrowser, openPageIn, pageNow, RESULTS, startTwinServer, waitForIdle, waitForTwinEvent } from './harness.ts';
import type { TwinPage, TwinServer } from './harness.ts';

type ViewName = 'cesium' | 'three';
const VIEWS: { view: ViewName; path: string }[] = [
  { view: 'cesium', path: '/' },
  { view: 'three', path: '/three' },
];
/** The kinds that must load and show (the others fail on purpose). */
const SHOWN = TILESET_KINDS.filter((k) => k !== 'missing');

/**
 * Serves `dir` with CORS allowed, as a host that shares its tilesets does; under /refused/ the same
 * files, but only tileset.json with CORS allowed, so the browser refuses the tiles' content.
 */
function serveStatic(dir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let file = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const refused = file.startsWith('/refused/');
    if (refused) file = file.slice('/refused'.length);
    const full = path.join(dir, path.normalize(file));
    if (!refused || file.endsWith('tileset.json')) res.setHeader('Access-Control-Allow-Origin', '*');
    if (!full.startsWith(dir) || !fs.existsSync(full) || !fs.statSync(full).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': full.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    fs.createReadStream(full).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Metres between two geodetic points. */
function distance(a: LonLatHeight, b: LonLatHeight): number {
  return Math.hypot(...geodeticToEnu(a, b));
}

/** The camera the checks look from: north of the site looking south (away from the city), 35° down. */
function siteView(t: MadeTileset): CameraView {
  return viewLookingAt({ ...t.site, height: t.heightM / 2 }, Math.PI, (-35 * Math.PI) / 180, 250 + 2 * t.heightM);
}

/** Jumps the camera and waits until the view is still and its tiles are in. */
async function look(page: Page, view: ViewName, camera: CameraView): Promise<void> {
  const since = await pageNow(page);
  await page.evaluate((v) => window.__twin!.store.command({ kind: 'flyTo', view: v, duration: 0 }), camera);
  await waitForTwinEvent(page, view, 'camera-idle', null, since);
  await waitForIdle(page);
}

interface Shot {
  data: Buffer;
  width: number;
  height: number;
}

/** A screenshot of the page (also saved as test-results/<name>.png), as RGBA decoded in the page. */
async function shoot(page: Page, name: string): Promise<Shot> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const png = await page.screenshot({ path: path.join(RESULTS, `${name}.png`) });
  const { width, height, base64 } = await page.evaluate(async (png) => {
    const image = new Image();
    image.src = `data:image/png;base64,${png}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const g = canvas.getContext('2d')!;
    g.drawImage(image, 0, 0);
    const data = g.getImageData(0, 0, image.width, image.height).data;
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: image.width, height: image.height, base64: btoa(binary) };
  }, png.toString('base64'));
  return { data: Buffer.from(base64, 'base64'), width, height };
}

/**
 * The pixels that differ between two frames within `radius` pixels of `at`: how many, of how many,
 * and their mean luminance in the first frame (what the tileset looks like).
 */
function changedPixels(shown: Shot, empty: Shot, at: { x: number; y: number }, radius: number): { changed: number; total: number; luminance: number } {
  let changed = 0;
  let total = 0;
  let luminance = 0;
  for (let y = Math.max(0, Math.round(at.y - radius)); y < Math.min(shown.height, at.y + radius); y++) {
    for (let x = Math.max(0, Math.round(at.x - radius)); x < Math.min(shown.width, at.x + radius); x++) {
      const i = 4 * (y * shown.width + x);
      total++;
      const d = Math.max(Math.abs(shown.data[i] - empty.data[i]), Math.abs(shown.data[i + 1] - empty.data[i + 1]), Math.abs(shown.data[i + 2] - empty.data[i + 2]));
      if (d < 24) continue;
      changed++;
      luminance += 0.2126 * shown.data[i] + 0.7152 * shown.data[i + 1] + 0.0722 * shown.data[i + 2];
    }
  }
  return { changed, total, luminance: changed ? luminance / changed : 0 };
}

describe('other people’s tilesets', () => {
  let twin: TwinServer;
  let browser: Browser;
  let files: http.Server;
  let dir: string;
  let made: Record<TilesetKind, MadeTileset>;
  let base: string;

  beforeAll(async () => {
    await ensureClientBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-foreign-tiles-'));
    made = await makeTilesets(dir);
    files = await serveStatic(dir);
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    twin = await startTwinServer([], { allowedOrigins: [base] });
    browser = await launchBrowser();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await twin?.close();
    await new Promise((resolve) => files?.close(resolve));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const { view, path: route } of VIEWS) {
    it(`${view}: every kind loads and is drawn where it stands; failing tiles are counted with their reason; a model at the Earth's centre is placed`, async () => {
      const url = (kind: TilesetKind) => `${base}/${made[kind].path}`;
      const centre = made.centre.site;
      const values = [
        ...TILESET_KINDS.map((k) => (k === 'centre' ? `${url(k)}@${centre.lon},${centre.lat}` : url(k))),
        `${base}/refused/${made.glb.path}`,
        `${url('centre')}?unplaced`,
        `${url('centre')}?bad@113.3,abc`,
      ];
      const query = values.map((v) => `tileset=${encodeURIComponent(v)}`).join('&');
      const tab: TwinPage = await openPageIn(browser, `${twin.server.url}${route}?${query}`, undefined, await twin.cookie('director'));
      const { page } = tab;
      const idOf = (value: string) => `tileset-${values.indexOf(value) + 1}`;
      const layers = page.locator('section[aria-labelledby="layers-title"]');
      const item = (value: string) => layers.locator(`li[data-tileset-id="${idOf(value)}"]`);
      try {
        await waitForTwinEvent(page, view, 'tileset-ready', 'buildings');
        for (const kind of TILESET_KINDS) await waitForTwinEvent(page, view, 'tileset-ready', `extra:${idOf(values[TILESET_KINDS.indexOf(kind)])}`);

        // Each kind, seen from north of its site with and without it: its tiles loaded, none failed, and it is there on screen.
        for (const kind of SHOWN) {
          const value = values[TILESET_KINDS.indexOf(kind)];
          const id = idOf(value);
          const t = made[kind];
          await look(page, view, siteView(t));
          const shown = await shoot(page, `tilesets-${view}-${kind}`);
          await page.evaluate((id) => window.__twin!.store.updateTileset(id, { visible: false }), id);
          await waitForIdle(page);
          const empty = await shoot(page, `tilesets-${view}-${kind}-hidden`);
          await page.evaluate((id) => window.__twin!.store.updateTileset(id, { visible: true }), id);
          const loaded = await page.evaluate((name) => window.__twin!.counters[name] ?? 0, `${view}.tiles.extra:${id}`);
          expect(loaded, `${kind}: tiles loaded`).toBeGreaterThan(0);
          const entry = await page.evaluate((id) => window.__twin!.store.getState().tilesets.find((x) => x.id === id), id);
          expect(entry?.status, kind).toBe('ready');
          expect(entry?.failures, `${kind}: failed tiles`).toBeUndefined();
          const at = await page.evaluate((p) => window.__twin!.probe!.project(p), { ...t.site, height: t.heightM / 2 });
          expect(at, `${kind}: its site is on screen`).not.toBeNull();
          const { changed, total, luminance } = changedPixels(shown, empty, at!, 60);
          expect(changed / total, `${kind}: share of pixels near its site that it changes`).toBeGreaterThan(0.1);
          // Not black on the black night ground: lit so it can be seen.
          if (view === 'three') expect(luminance, `${kind}: mean luminance where it is drawn`).toBeGreaterThan(40);
        }

        // Missing tiles (404) and tiles the browser refused (CORS) are counted with their reason, once the view asks for them.
        await look(page, view, siteView(made.missing));
        await expect.poll(() => item(values[TILESET_KINDS.indexOf('missing')]).locator('[data-tile-failures="404"]').textContent(), { timeout: 120_000 }).toMatch(/^\d+ 个瓦片加载失败（404）$/);
        await look(page, view, siteView(made.glb));
        await expect.poll(() => item(`${base}/refused/${made.glb.path}`).locator('[data-tile-failures="network"]').textContent(), { timeout: 120_000 }).toMatch(/个瓦片加载失败（网络错误或被跨域 CORS 拒绝）/);

        // A bad placement in the link is named, and the tileset still loads where its file says.
        await expect.poll(() => item(`${url('centre')}?bad@113.3,abc`).getByRole('alert').first().textContent()).toBe('位置参数 “@113.3,abc” 无效：纬度应为 −90 至 90 之间的数；模型按文件中的位置显示');

        // Placed with @lon,lat: the flight to it lands by it.
        // (The camera's own position, polled: an idle event of the jump before may come late.)
        const cameraFrom = (place: LonLatHeight) => async () => distance(await page.evaluate(() => window.__twin!.probe!.camera()), place);
        await item(values[TILESET_KINDS.indexOf('centre')]).getByRole('button', { name: '飞到图层' }).click();
        await expect.poll(cameraFrom(centre), { timeout: 60_000, message: 'camera from the placed model after flying to it' }).toBeLessThan(400);

        // Not placed: the panel says so and offers the city centre, where the camera then goes.
        const unplaced = item(`${url('centre')}?unplaced`);
        await expect.poll(() => unplaced.getByTestId('tileset-at-earth-centre').textContent()).toContain('模型位于地心，请设置位置');
        await unplaced.getByRole('button', { name: '放到城市中心' }).click();
        const city = await page.evaluate(() => window.__twin!.store.getState().city!.origin);
        await expect.poll(cameraFrom(city), { timeout: 60_000, message: 'camera from the city centre after placing the model there' }).toBeLessThan(400);
        expect(await unplaced.getByTestId('tileset-at-earth-centre').count()).toBe(0);
        // The fields now hold the place, and a typed heading is applied at once.
        await expect.poll(() => unplaced.locator('[data-placement="lat"]').inputValue()).toBe(String(city.lat));
        await unplaced.locator('[data-placement="headingDeg"]').fill('45');
        await expect.poll(() => page.evaluate((id) => window.__twin!.store.getState().tilesets.find((x) => x.id === id)?.placement?.headingDeg, idOf(`${url('centre')}?unplaced`))).toBe(45);
        await waitForIdle(page);
        await page.screenshot({ path: path.join(RESULTS, `tilesets-${view}-placed-at-city.png`) });
        await page.locator('section[aria-labelledby="layers-title"]').screenshot({ path: path.join(RESULTS, `tilesets-${view}-layers.png`) });
      } finally {
        await tab.close();
      }
    }, 1_200_000);
  }
});
