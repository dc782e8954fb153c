import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { generateCity } from '../server/city/generateCity.ts';
import { buildTileset } from '../server/tiles/buildTileset.ts';
import { startServer } from '../server/startServer.ts';
import { loadConfig } from '../server/config.ts';
import { benchServe } from './serve.ts';

interface TileNode {
  content?: { uri: string };
  children?: TileNode[];
}

function contentUris(tile: TileNode, out: string[] = []): string[] {
  if (tile.content) out.push(tile.content.uri);
  for (const child of tile.children ?? []) contentUris(child, out);
  return out;
}

/** Tiles: a cold build of the default city, its size as served, and serving speed against a minimal static server. */
export async function benchTiles(): Promise<Record<string, number>> {
  const tilesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yt-bench-tiles-'));
  try {
    const city = generateCity();
    const started = performance.now();
    const result = await buildTileset(city, { outDir: tilesDir });
    const buildSeconds = (performance.now() - started) / 1000;

    // Bytes as served: fetch every building content through our own server, compressed as a browser asks.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TILES_DIR: tilesDir, DATA_DIR: path.join(tilesDir, '.data'), YT_LIVE_CLOCK: 'scenario' }, tilesDir);
    const server = await startServer(config, { cities: [city], build: false });
    let servedBytes = 0;
    let maxTileBytes = 0;
    let largest = '';
    try {
      const base = `${server.url}/tiles/${city.id}/`;
      const tileset = JSON.parse(fs.readFileSync(path.join(result.dir, 'tileset.json'), 'utf8')) as { root: TileNode };
      for (const uri of contentUris(tileset.root)) {
        const bytes = await bytesOnTheWire(base + uri);
        servedBytes += bytes;
        if (bytes > maxTileBytes) {
          maxTileBytes = bytes;
          largest = uri;
        }
      }
    } finally {
      await server.close();
    }

    const serve = await benchServe({ tilesDir, file: `${city.id}/${largest}` });
    return {
      'tiles.build_s': round(buildSeconds, 2),
      'tiles.buildings': result.buildings,
      'tiles.bytes_per_building': round(servedBytes / result.buildings, 1),
      'tiles.max_tile_kb': round(maxTileBytes / 1024, 1),
      'tiles.serve_rps': Math.round(serve.serve_rps),
      'tiles.serve_rps_baseline': Math.round(serve.serve_rps_baseline),
    };
  } finally {
    fs.rmSync(tilesDir, { recursive: true, force: true });
  }
}

/** Body bytes as sent, compressed as a browser asks (fetch would hand back the decoded body). */
function bytesOnTheWire(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`bench: ${url}: HTTP ${res.statusCode}`));
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve(bytes));
      })
      .on('error', reject);
  });
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
