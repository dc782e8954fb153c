import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CityModel } from '../city/CityModel.ts';
import { enuToEcefMatrix } from '../protocol/geo.ts';
import { buildBuildingTiles, countNodes, planBuildingTree, type TileSink } from './buildingTiles.ts';
import { buildGroundTiles, countGroundTiles } from './groundTiles.ts';
import type { TileJson, TilesetJson } from './tileBox.ts';

/** Bump when the output for the same city changes, so old builds are rebuilt. */
export const BUILDER_VERSION = '3';

export interface BuildProgress {
  phase: string;
  done: number;
  total: number;
}

export interface BuildOptions {
  /** The tilesets root; the city goes to `<outDir>/<city.id>/`. */
  outDir: string;
  /** EXT_meshopt_compression content (default true). */
  meshopt?: boolean;
  /** Rebuild even when the city and options are unchanged. */
  force?: boolean;
  onProgress?: (p: BuildProgress) => void;
}

export interface BuildResult {
  cityId: string;
  skipped: boolean;
  dir: string;
  tiles: number;
  buildings: number;
  contentBytes: number;
  maxTileBytes: number;
  seconds: number;
}

/** What build.json records about a build. */
export interface BuildRecord {
  cityId: string;
  builderVersion: string;
  sourceHash: string;
  options: { meshopt: boolean };
  tiles: number;
  buildingTiles: number;
  groundTiles: number;
  buildings: number;
  contentBytes: number;
  /** Sum of the content files gzipped one by one: what HTTP with gzip sends. */
  contentBytesGzip: number;
  maxTileBytes: number;
  seconds: number;
}

/** sha256 of the city, the builder version and the options that change the output. */
function sourceHash(city: CityModel, meshopt: boolean): string {
  return createHash('sha256')
    .update(JSON.stringify(city))
    .update(`\u0000${BUILDER_VERSION}\u0000${JSON.stringify({ meshopt })}`)
    .digest('hex');
}

async function readRecord(dir: string): Promise<BuildRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'build.json'), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

/**
 * The tileset's own geometric error: at least the root box's diagonal. Renderers skip a tileset
 * whose top-level error looks too small on screen, so a fixed figure hid the ground of a whole
 * city seen from afar; the city's own size keeps it drawn whenever it is in view.
 */
function topGeometricError(root: TileJson, geometricError: number): number {
  const box = root.boundingVolume.box;
  const halfDiagonal = Math.hypot(...box.slice(3, 12));
  return Math.max(geometricError, Math.ceil(2 * halfDiagonal));
}

function tileset(root: TileJson, geometricError: number, transform: number[], version: string): TilesetJson {
  return {
    asset: { version: '1.1', generator: 'Yingcheng Twin tiles builder', tilesetVersion: version },
    geometricError: topGeometricError(root, geometricError),
    root: { ...root, transform },
  };
}

/**
 * Builds a city's 3D Tiles 1.1: `tileset.json` (buildings with metadata) and `ground.json`
 * (terrain, roads, water, green) with GLB content under `b/` and `g/`, and `build.json`.
 * Skips the work when the city and options are unchanged; builds into a temporary sibling folder
 * and swaps it in, so a failed build leaves the previous tileset as it was.
 */
export async function buildTileset(city: CityModel, options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const meshopt = options.meshopt ?? true;
  // The id names a folder: check it before it touches the file system.
  const id = CityModel.shape.id.safeParse(city?.id);
  if (!id.success) throw new Error(`buildTileset: invalid city id ${JSON.stringify(city?.id)}`);
  const dir = join(options.outDir, city.id);
  const hash = sourceHash(city, meshopt);
  const previous = await readRecord(dir);
  if (!options.force && previous?.sourceHash === hash && existsSync(join(dir, 'tileset.json')) && existsSync(join(dir, 'ground.json'))) {
    return {
      cityId: city.id,
      skipped: true,
      dir,
      tiles: previous.tiles,
      buildings: previous.buildings,
      contentBytes: previous.contentBytes,
      maxTileBytes: previous.maxTileBytes,
      seconds: (performance.now() - started) / 1000,
    };
  }
  const parsed = CityModel.safeParse(city);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`buildTileset: invalid city at "${issue.path.join('.')}": ${issue.message}`);
  }

  const tmp = join(options.outDir, `.${city.id}.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'b'), { recursive: true });
  await mkdir(join(tmp, 'g'), { recursive: true });
  try {
    let contentBytes = 0;
    let contentBytesGzip = 0;
    let maxTileBytes = 0;
    const sink = (phase: string, total: number): TileSink => {
      let done = 0;
      options.onProgress?.({ phase, done, total });
      return {
        async write(path, bytes) {
          contentBytes += bytes.byteLength;
          contentBytesGzip += gzipSync(bytes).byteLength;
          maxTileBytes = Math.max(maxTileBytes, bytes.byteLength);
          await writeFile(join(tmp, path), bytes);
        },
        progress() {
          options.onProgress?.({ phase, done: ++done, total });
        },
      };
    };
    const transform = enuToEcefMatrix(city.origin);
    const version = hash.slice(0, 16);

    const tree = planBuildingTree(city);
    const buildings = await buildBuildingTiles(tree, meshopt, sink('buildings', countNodes(tree)));
    const ground = await buildGroundTiles(city, meshopt, sink('ground', countGroundTiles(city)));

    options.onProgress?.({ phase: 'write', done: 0, total: 1 });
    await writeFile(join(tmp, 'tileset.json'), JSON.stringify(tileset(buildings.root, buildings.geometricError, transform, version)));
    await writeFile(join(tmp, 'ground.json'), JSON.stringify(tileset(ground.root, ground.geometricError, transform, version)));
    const seconds = (performance.now() - started) / 1000;
    const record: BuildRecord = {
      cityId: city.id,
      builderVersion: BUILDER_VERSION,
      sourceHash: hash,
      options: { meshopt },
      tiles: buildings.tiles + ground.tiles,
      buildingTiles: buildings.tiles,
      groundTiles: ground.tiles,
      buildings: city.buildings.length,
      contentBytes,
      contentBytesGzip,
      maxTileBytes,
      seconds: Math.round(seconds * 100) / 100,
    };
    await writeFile(join(tmp, 'build.json'), JSON.stringify(record, null, 2));

    // Swap: the old folder moves aside, the new one moves in, then the old one goes.
    const old = join(options.outDir, `.${city.id}.old-${process.pid}`);
    await rm(old, { recursive: true, force: true });
    const hadOld = existsSync(dir);
    if (hadOld) await rename(dir, old);
    try {
      await rename(tmp, dir);
    } catch (error) {
      if (hadOld) await rename(old, dir);
      throw error;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
    options.onProgress?.({ phase: 'write', done: 1, total: 1 });
    return {
      cityId: city.id,
      skipped: false,
      dir,
      tiles: record.tiles,
      buildings: record.buildings,
      contentBytes,
      maxTileBytes,
      seconds,
    };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
