import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateBytes } from 'gltf-validator';
import { expect, it } from 'vitest';
import { generateCity } from '../../../server/city/generateCity.ts';
import { buildTileset, type BuildRecord } from '../../../server/tiles/buildTileset.ts';
import { listTiles, readTile, readTileset } from '../../helpers/readTile.ts';

// The default city is large: one build, every check on it, in one test.
it('builds the default city with every building in exactly one leaf, valid content and under 200 B per building gzipped', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tiles-city-'));
  try {
    const city = generateCity();
    const result = await buildTileset(city, { outDir: root });
    expect(result.buildings).toBe(city.buildings.length);
    const record = JSON.parse(await readFile(join(result.dir, 'build.json'), 'utf8')) as BuildRecord;
    console.log(
      `default city: ${result.buildings} buildings, ${result.tiles} tiles, ${result.contentBytes} B content ` +
        `(${Math.round(result.contentBytes / result.buildings)} B/building meshopt, ` +
        `${Math.round(record.contentBytesGzip / result.buildings)} B/building meshopt + gzip), largest tile ${result.maxTileBytes} B`,
    );
    expect(record.contentBytesGzip / result.buildings).toBeLessThan(200);
    expect(result.maxTileBytes).toBeLessThan(400_000);

    const tileset = await readTileset(result.dir);
    const seen = new Map<string, number>();
    for (const { tile, parent } of listTiles(tileset.root)) {
      if (parent) expect(tile.geometricError).toBeLessThan(parent.geometricError);
      if (tile.children?.length || !tile.content) continue;
      for (const row of (await readTile(join(result.dir, tile.content.uri))).rows) seen.set(row.id as string, (seen.get(row.id as string) ?? 0) + 1);
    }
    expect(seen.size).toBe(city.buildings.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);

    for (const uri of [tileset.root.content!.uri, listTiles(tileset.root).at(-1)!.tile.content!.uri]) {
      const report = await validateBytes(new Uint8Array(await readFile(join(result.dir, uri))));
      expect(report.issues.numErrors).toBe(0);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
